package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine/worker"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

// stuckStore is a store whose outbox backlog query hangs until its
// context ends and whose parked listing fails.
type stuckStore struct{ store.Store }

func (stuckStore) OutboxBacklog(ctx context.Context, _ time.Time, _ int) (store.Backlog, error) {
	<-ctx.Done()
	return store.Backlog{}, ctx.Err()
}

func (stuckStore) ParkedOutbox(context.Context, string, int) ([]store.OutboxMessage, error) {
	return nil, errors.New("store unavailable")
}

// A store that hangs or fails costs a scrape the gauges it counts, after
// at most scrapeTimeout: the scrape still answers 200 with everything
// else, counts the failure in promhttp_metric_handler_errors_total and
// logs it.
func TestScrapeOutlivesAStoreThatDoesNotAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logged bytes.Buffer
		m, err := newMetrics(slog.New(slog.NewTextHandler(&logged, nil)))
		require.NoError(t, err)
		noneUnresolved := func(context.Context, int) ([]store.Check, error) { return nil, nil }
		stats := func() worker.Stats { return worker.Stats{Delivered: 3, SweepErrors: 1, RecordErrors: 1} }
		require.NoError(t, m.registry.Register(newScraped(stuckStore{memstore.New()}, noneUnresolved, stats)))

		scrapeOnce := func() map[string]*dto.MetricFamily {
			start := time.Now()
			rec := httptest.NewRecorder()
			m.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
			assert.Equal(t, scrapeTimeout, time.Since(start), "the hanging query is given up after scrapeTimeout")
			require.Equal(t, http.StatusOK, rec.Code)
			parser := expfmt.NewTextParser(model.UTF8Validation)
			families, err := parser.TextToMetricFamilies(rec.Body)
			require.NoError(t, err)
			return families
		}
		families := scrapeOnce()
		assert.NotContains(t, families, "paystate_outbox_depth")
		assert.NotContains(t, families, "paystate_notifications_undelivered")
		require.Contains(t, families, "paystate_unknown_outcomes")
		assert.Equal(t, 0.0, families["paystate_unknown_outcomes"].Metric[0].GetGauge().GetValue())
		require.Contains(t, families, "paystate_worker_errors_total")
		assert.Equal(t, 2.0, families["paystate_worker_errors_total"].Metric[0].GetCounter().GetValue(), "sweep and record errors")
		require.Contains(t, families, "go_goroutines")

		// promhttp counts a failed gathering once the scrape is answered,
		// so the next scrape shows the first one's.
		families = scrapeOnce()
		require.Contains(t, families, "promhttp_metric_handler_errors_total")
		gathering := 0.0
		for _, m := range families["promhttp_metric_handler_errors_total"].Metric {
			if labels(m)["cause"] == "gathering" {
				gathering = m.GetCounter().GetValue()
			}
		}
		assert.Equal(t, 1.0, gathering)
		assert.Contains(t, logged.String(), "outbox backlog: context deadline exceeded")
		assert.Contains(t, logged.String(), "parked notifications: store unavailable")
	})
}
