package app

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/paystate/paystate/adapters/alipayplus"
)

// metrics is what /metrics serves, through client_golang on a registry of
// the server's own (two servers in one process do not share series): the
// Go runtime and process collectors, the Alipay+ requests by endpoint and
// result with their latencies, and, once registered, the figures read at
// scrape time (scrape.go).
type metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.CounterVec
	latencies *prometheus.HistogramVec
	handler   http.Handler
}

// latencyBuckets are the histogram's upper bounds in seconds: an RSA-2048
// signature costs about a millisecond, a durable commit a few.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

// newMetrics builds the registry with the runtime, process and request
// metrics. A collector that fails in a scrape costs its own series, not the
// scrape: the error goes to logger and to
// promhttp_metric_handler_errors_total.
func newMetrics(logger *slog.Logger) (*metrics, error) {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paystate_http_requests_total",
			Help: "Alipay+ requests answered, by endpoint and result.",
		}, []string{"endpoint", "result_status", "result_code"}),
		latencies: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "paystate_http_request_duration_seconds",
			Help:    "Time to answer an Alipay+ request, signatures included.",
			Buckets: latencyBuckets,
		}, []string{"endpoint"}),
	}
	if err := errors.Join(
		m.registry.Register(collectors.NewGoCollector()),
		m.registry.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})),
		m.registry.Register(m.requests),
		m.registry.Register(m.latencies),
	); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	m.handler = promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		ErrorLog:      scrapeErrorLog{logger},
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.registry,
	})
	return m, nil
}

// observe counts one answered request; it is the adapter's Observe hook.
func (m *metrics) observe(o alipayplus.Observation) {
	endpoint := cmp.Or(o.Endpoint, "unknown")
	m.requests.WithLabelValues(endpoint, string(o.Result.ResultStatus), o.Result.ResultCode).Inc()
	m.latencies.WithLabelValues(endpoint).Observe(o.Duration.Seconds())
}

// ServeHTTP writes every metric in the format the scraper asks for (the
// Prometheus text format by default).
func (m *metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.handler.ServeHTTP(w, r) }

// scrapeErrorLog passes promhttp's errors to the server's logger.
type scrapeErrorLog struct{ logger *slog.Logger }

func (l scrapeErrorLog) Println(v ...any) {
	l.logger.Warn("paystate: metrics", "error", fmt.Sprint(v...))
}
