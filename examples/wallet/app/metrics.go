package app

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/paystate/paystate/adapters/alipayplus"
)

// metrics collects what /metrics shows, in the Prometheus text format
// (version 0.0.4): requests by endpoint and result, their latencies, and
// the gauges and counters sample returns at scrape time.
type metrics struct {
	mu        sync.Mutex
	requests  map[requestKey]uint64
	latencies map[string]*histogram // by endpoint

	// sample returns the values read at scrape time (outbox, unknown
	// outcomes, worker counters).
	sample func(r *http.Request) []sample
}

type requestKey struct{ endpoint, status, code string }

// sample is one value of a gauge or counter read at scrape time.
type sample struct {
	name, help, kind string // kind: "gauge" or "counter"
	labels           string // e.g. `outcome="delivered"`, or ""
	value            float64
}

// latencyBuckets are the histogram's upper bounds in seconds: an RSA-2048
// signature costs about a millisecond, a durable commit a few.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; one more for +Inf
	sum    float64
	n      uint64
}

func newMetrics(sample func(*http.Request) []sample) *metrics {
	return &metrics{requests: map[requestKey]uint64{}, latencies: map[string]*histogram{}, sample: sample}
}

// observe counts one answered request; it is the adapter's Observe hook.
func (m *metrics) observe(o alipayplus.Observation) {
	endpoint := cmp.Or(o.Endpoint, "unknown")
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{endpoint, string(o.Result.ResultStatus), o.Result.ResultCode}]++
	h := m.latencies[endpoint]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		m.latencies[endpoint] = h
	}
	s := o.Duration.Seconds()
	i, _ := slices.BinarySearch(latencyBuckets, s)
	h.counts[i]++
	h.sum += s
	h.n++
}

// ServeHTTP writes every metric.
func (m *metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	m.writeRequests(&b)
	var samples []sample
	if m.sample != nil {
		samples = m.sample(r)
	}
	writeSamples(&b, samples)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = io.WriteString(w, b.String())
}

func (m *metrics) writeRequests(b *strings.Builder) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b.WriteString("# HELP paystate_http_requests_total Alipay+ requests answered, by endpoint and result.\n")
	b.WriteString("# TYPE paystate_http_requests_total counter\n")
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		return cmp.Or(cmp.Compare(a.endpoint, b.endpoint), cmp.Compare(a.status, b.status), cmp.Compare(a.code, b.code))
	})
	for _, k := range keys {
		fmt.Fprintf(b, "paystate_http_requests_total{endpoint=%q,result_status=%q,result_code=%q} %d\n", k.endpoint, k.status, k.code, m.requests[k])
	}
	b.WriteString("# HELP paystate_http_request_duration_seconds Time to answer an Alipay+ request, signatures included.\n")
	b.WriteString("# TYPE paystate_http_request_duration_seconds histogram\n")
	endpoints := make([]string, 0, len(m.latencies))
	for e := range m.latencies {
		endpoints = append(endpoints, e)
	}
	slices.Sort(endpoints)
	for _, e := range endpoints {
		h := m.latencies[e]
		var cum uint64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(b, "paystate_http_request_duration_seconds_bucket{endpoint=%q,le=%q} %d\n", e, strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		fmt.Fprintf(b, "paystate_http_request_duration_seconds_bucket{endpoint=%q,le=\"+Inf\"} %d\n", e, h.n)
		fmt.Fprintf(b, "paystate_http_request_duration_seconds_sum{endpoint=%q} %g\n", e, h.sum)
		fmt.Fprintf(b, "paystate_http_request_duration_seconds_count{endpoint=%q} %d\n", e, h.n)
	}
}

// writeSamples writes samples grouped by name, each name's HELP and TYPE
// once.
func writeSamples(b *strings.Builder, samples []sample) {
	seen := map[string]bool{}
	for _, s := range samples {
		if !seen[s.name] {
			seen[s.name] = true
			fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", s.name, s.help, s.name, s.kind)
		}
		if s.labels != "" {
			fmt.Fprintf(b, "%s{%s} %g\n", s.name, s.labels, s.value)
		} else {
			fmt.Fprintf(b, "%s %g\n", s.name, s.value)
		}
	}
}
