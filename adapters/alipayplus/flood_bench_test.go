package alipayplus

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/paystate/paystate/store/storebench"
)

// BenchmarkPayBesideFlood measures signed agreement pays (one at a time)
// alone and beside a flood of requests without credentials (`curl -d
// '{}'`, refused 401) sent at 1,500 a second, the issue's attack, in 5
// interleaved rounds; the summary's ratio is what such a flood costs
// authenticated traffic:
//
//	go test -run XXX -bench BenchmarkPayBesideFlood ./adapters/alipayplus/
func BenchmarkPayBesideFlood(b *testing.B) {
	const floodRate = 1500
	cases := []string{"flood=0/s", fmt.Sprintf("flood=%d/s", floodRate)}
	storebench.InterleaveCases(b, 5, "µs/pay", cases, nil, func(b *testing.B, _ int, name string) float64 {
		rate := 0
		if name != cases[0] {
			rate = floodRate
		}
		f := newBenchFixture(b)
		bodies := make([][]byte, b.N)
		for i := range bodies {
			bodies[i] = benchPayBody(i)
		}
		reqs := f.signedRequests(b, pathPay, bodies)
		stop, wrong := flood(f.h, rate)
		benchEndpoint(b, f, reqs)
		elapsed := b.Elapsed()
		if n := stop(); rate > 0 {
			b.ReportMetric(float64(n)/elapsed.Seconds(), "refused/s")
		}
		if *wrong != 0 {
			b.Fatalf("%d flood requests were not answered 401", *wrong)
		}
		return float64(elapsed.Microseconds()) / float64(b.N)
	})
}

// flood sends h requests without credentials at rate a second (none for
// 0) until stop is called; stop returns how many it sent, and *wrong counts
// answers other than 401.
func flood(h http.Handler, rate int) (stop func() int, wrong *int) {
	wrong = new(int)
	if rate == 0 {
		return func() int { return 0 }, wrong
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	sent := 0
	wg.Go(func() {
		interval := time.Second / time.Duration(rate)
		next := time.Now()
		for {
			select {
			case <-done:
				return
			default:
			}
			for now := time.Now(); !next.After(now); next = next.Add(interval) {
				r := httptest.NewRequest(http.MethodPost, pathPay, bytes.NewReader([]byte("{}")))
				r.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				if rec.Code != http.StatusUnauthorized {
					*wrong++
				}
				sent++
			}
			time.Sleep(time.Until(next))
		}
	})
	return func() int { close(done); wg.Wait(); return sent }, wrong
}
