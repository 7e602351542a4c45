package alipayplus

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/client"
	"github.com/paystate/paystate/adapters/alipayplus/signing"
)

// BenchmarkRefusal measures what a request that has not proven who sent
// it costs the handler, as a ratio against one RSA-2048 sign measured in
// the same run (the cost every refusal had before refusals were signed
// once and reused): the metric sign-ratio is a refusal's ns/op divided by
// a sign's. Run it with
//
//	go test -run XXX -bench BenchmarkRefusal ./adapters/alipayplus/
//
// "bad signature" names a known Client-Id, so it still costs the RSA
// verify that finds the signature wrong (about 1/30 of a sign).
func BenchmarkRefusal(b *testing.B) {
	f := newTransportFixture(b, nil)
	content := signing.SignedContent("POST", echoPath, testWalletClientID, "2026-03-04T05:06:07Z", echoBody)
	// The baseline: one sign, timed here in the same run (a sub-benchmark
	// could be filtered out by -bench).
	const signs = 200
	start := time.Now()
	for range signs {
		if _, err := signing.Sign(f.keys.Wallet, content); err != nil {
			b.Fatal(err)
		}
	}
	signNs := float64(time.Since(start).Nanoseconds()) / signs
	b.Logf("one RSA-2048 sign: %.0f ns (mean of %d)", signNs, signs)

	nobody := &client.Client{ClientID: "nobody", Key: f.keys.A1, Now: f.clock.Now}
	big := bytes.Repeat([]byte("x"), 200_000)
	cases := []struct {
		name   string
		status int
		build  func() *http.Request
	}{
		{"no credentials (curl -d '{}')", http.StatusUnauthorized, func() *http.Request { return f.newRequest(b, nil, echoPath, []byte("{}")) }},
		{"GET of an unknown path", http.StatusNotFound, func() *http.Request { return httptest.NewRequest(http.MethodGet, "/v1/payments/nothing", nil) }},
		{"unknown Client-Id, 200 KB body", http.StatusUnauthorized, func() *http.Request { return f.newRequest(b, nobody, echoPath, big) }},
		{"bad signature of a known Client-Id", http.StatusUnauthorized, func() *http.Request {
			r := f.newRequest(b, f.clientA, echoPath, echoBody)
			r.Header.Set("Signature", "algorithm=RSA256, keyVersion=2, signature=AAAA")
			return r
		}},
	}
	for _, tt := range cases {
		b.Run(tt.name, func(b *testing.B) {
			reqs := make([]*http.Request, b.N)
			for i := range reqs {
				reqs[i] = tt.build()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				f.h.ServeHTTP(rec, reqs[i])
				if rec.Code != tt.status {
					b.Fatalf("HTTP %d %s", rec.Code, rec.Body)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/signNs, "sign-ratio")
		})
	}
}
