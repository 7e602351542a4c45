package app

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/paystate/paystate/engine/worker"
	"github.com/paystate/paystate/store"
)

// maxCounted bounds the rows a scrape counts for a gauge; a gauge at this
// value means "at least".
const maxCounted = 10_000

// scrapeTimeout bounds the store queries of one scrape.
const scrapeTimeout = 5 * time.Second

// scraped is the collector of the figures read at every scrape: the
// gauges the store counts (outbox depth, parked notifications, unknown
// outcomes) and the worker's counters. A store query that fails or
// outlasts scrapeTimeout leaves its gauge out of that scrape.
type scraped struct {
	store      store.OutboxStore
	unresolved func(ctx context.Context, limit int) ([]store.Check, error) // engine.Unresolved
	stats      func() worker.Stats

	outboxDepth, undelivered, unknown         *prometheus.Desc
	attempts, expired, resolved, workerErrors *prometheus.Desc
}

func newScraped(st store.OutboxStore, unresolved func(context.Context, int) ([]store.Check, error), stats func() worker.Stats) *scraped {
	return &scraped{
		store: st, unresolved: unresolved, stats: stats,
		outboxDepth: prometheus.NewDesc("paystate_outbox_depth",
			"Notifications not yet delivered nor parked: due now, or waiting for a retry (counted up to 10000 each).",
			[]string{"state"}, nil),
		undelivered: prometheus.NewDesc("paystate_notifications_undelivered",
			"Notifications parked after their last attempt, waiting for an operator (counted up to 10000).", nil, nil),
		unknown: prometheus.NewDesc("paystate_unknown_outcomes",
			"Funds operations whose outcome the ledger has not told yet (counted up to 10000).", nil, nil),
		attempts: prometheus.NewDesc("paystate_notification_attempts_total",
			"Notification attempts this process made, by outcome.", []string{"outcome"}, nil),
		expired: prometheus.NewDesc("paystate_payments_expired_total",
			"Payments this process closed because their expiry time passed.", nil, nil),
		resolved: prometheus.NewDesc("paystate_unknown_outcomes_resolved_total",
			"Unknown funds outcomes this process settled by asking the ledger again.", nil, nil),
		workerErrors: prometheus.NewDesc("paystate_worker_errors_total",
			"Background steps that failed and will be tried again.", nil, nil),
	}
}

// Describe sends every series' description.
func (c *scraped) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.outboxDepth, c.undelivered, c.unknown, c.attempts, c.expired, c.resolved, c.workerErrors} {
		ch <- d
	}
}

// Collect reads the store and the worker's counters now.
func (c *scraped) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if b, err := c.store.OutboxBacklog(ctx, time.Now(), maxCounted); err != nil {
		ch <- prometheus.NewInvalidMetric(c.outboxDepth, fmt.Errorf("outbox backlog: %w", err))
	} else {
		ch <- prometheus.MustNewConstMetric(c.outboxDepth, prometheus.GaugeValue, float64(b.Due), "due")
		ch <- prometheus.MustNewConstMetric(c.outboxDepth, prometheus.GaugeValue, float64(b.Waiting), "waiting")
	}
	if n, err := c.countParked(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(c.undelivered, fmt.Errorf("parked notifications: %w", err))
	} else {
		ch <- prometheus.MustNewConstMetric(c.undelivered, prometheus.GaugeValue, float64(n))
	}
	if checks, err := c.unresolved(ctx, maxCounted); err != nil {
		ch <- prometheus.NewInvalidMetric(c.unknown, fmt.Errorf("unknown outcomes: %w", err))
	} else {
		ch <- prometheus.MustNewConstMetric(c.unknown, prometheus.GaugeValue, float64(len(checks)))
	}
	st := c.stats()
	ch <- prometheus.MustNewConstMetric(c.attempts, prometheus.CounterValue, float64(st.Delivered), "delivered")
	ch <- prometheus.MustNewConstMetric(c.attempts, prometheus.CounterValue, float64(st.Failed), "failed")
	ch <- prometheus.MustNewConstMetric(c.attempts, prometheus.CounterValue, float64(st.Parked), "parked")
	ch <- prometheus.MustNewConstMetric(c.expired, prometheus.CounterValue, float64(st.Expired))
	ch <- prometheus.MustNewConstMetric(c.resolved, prometheus.CounterValue, float64(st.Resolved))
	ch <- prometheus.MustNewConstMetric(c.workerErrors, prometheus.CounterValue, float64(st.SweepErrors+st.RecordErrors))
}

// countParked counts the parked notifications, up to maxCounted.
func (c *scraped) countParked(ctx context.Context) (int, error) {
	n, after := 0, ""
	for n < maxCounted {
		page, err := c.store.ParkedOutbox(ctx, after, 1000)
		if err != nil {
			return 0, err
		}
		n += len(page)
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].ID
	}
	return min(n, maxCounted), nil
}
