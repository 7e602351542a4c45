package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// sent is what a phase of requests measured.
type sent struct {
	elapsed    time.Duration   // from the first send to the last answer
	latencies  []time.Duration // per request, sorted
	paymentIDs []string        // from the answers, in request order
}

// drive sends every request to base with conc of them in flight at once,
// timing each from send to the last byte of its answer. Any answer that
// is not HTTP 200 with result status S fails the phase: the benchmark
// measures the wallet's work, not its refusals.
func drive(ctx context.Context, hc *http.Client, base string, reqs []signed, conc int) (sent, error) {
	latencies := make([]time.Duration, len(reqs))
	bodies := make([][]byte, len(reqs))
	errs := make([]error, len(reqs))
	var next atomic.Int64
	var wg sync.WaitGroup
	begin := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(reqs) || ctx.Err() != nil {
					return
				}
				t := time.Now()
				bodies[i], errs[i] = post(ctx, hc, base, reqs[i])
				latencies[i] = time.Since(t)
			}
		})
	}
	wg.Wait()
	out := sent{elapsed: time.Since(begin), paymentIDs: make([]string, len(reqs))}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	for i, body := range bodies {
		if errs[i] != nil {
			return out, fmt.Errorf("%s: %w", reqs[i].path, errs[i])
		}
		var answer struct {
			Result    wire.Result `json:"result"`
			PaymentID string      `json:"paymentId"`
		}
		if err := json.Unmarshal(body, &answer); err != nil || answer.Result.ResultStatus != wire.StatusSuccess {
			return out, fmt.Errorf("%s answered %s", reqs[i].path, body)
		}
		out.paymentIDs[i] = answer.PaymentID
	}
	slices.Sort(latencies)
	out.latencies = latencies
	return out, nil
}

// post sends one signed request and returns the answer's body.
func post(ctx context.Context, hc *http.Client, base string, s signed) ([]byte, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, base+s.path, bytes.NewReader(s.body))
	if err != nil {
		return nil, err
	}
	r.Header = s.header
	resp, err := hc.Do(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("HTTP %d: %s", resp.StatusCode, body)
	}
	return body, err
}

// percentile is the p-th percentile (0 < p <= 1) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
