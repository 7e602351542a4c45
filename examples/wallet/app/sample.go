package app

import (
	"context"
	"net/http"
	"time"
)

// maxCounted bounds the rows a scrape counts for a gauge; a gauge at this
// value means "at least".
const maxCounted = 10_000

// sample reads the gauges and the worker's counters for /metrics.
func (s *Server) sample(r *http.Request) []sample {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	var out []sample
	if b, err := s.stores.store.OutboxBacklog(ctx, time.Now(), maxCounted); err == nil {
		const help = "Notifications not yet delivered nor parked: due now, or waiting for a retry (counted up to 10000 each)."
		out = append(out,
			sample{name: "paystate_outbox_depth", kind: "gauge", labels: `state="due"`, value: float64(b.Due), help: help},
			sample{name: "paystate_outbox_depth", kind: "gauge", labels: `state="waiting"`, value: float64(b.Waiting), help: help})
	} else {
		s.logger.Warn("paystate: metrics: outbox backlog", "error", err)
	}
	if n, err := s.countParked(ctx); err == nil {
		out = append(out, sample{name: "paystate_notifications_undelivered", kind: "gauge", value: float64(n),
			help: "Notifications parked after their last attempt, waiting for an operator (counted up to 10000)."})
	}
	if checks, err := s.engine.Unresolved(ctx, maxCounted); err == nil {
		out = append(out, sample{name: "paystate_unknown_outcomes", kind: "gauge", value: float64(len(checks)),
			help: "Funds operations whose outcome the ledger has not told yet (counted up to 10000)."})
	}
	st := s.worker.Stats()
	for _, c := range []struct {
		labels string
		v      int64
	}{
		{`outcome="delivered"`, st.Delivered}, {`outcome="failed"`, st.Failed}, {`outcome="parked"`, st.Parked},
	} {
		out = append(out, sample{name: "paystate_notification_attempts_total", kind: "counter", labels: c.labels, value: float64(c.v),
			help: "Notification attempts this process made, by outcome."})
	}
	out = append(out,
		sample{name: "paystate_payments_expired_total", kind: "counter", value: float64(st.Expired),
			help: "Payments this process closed because their expiry time passed."},
		sample{name: "paystate_unknown_outcomes_resolved_total", kind: "counter", value: float64(st.Resolved),
			help: "Unknown funds outcomes this process settled by asking the ledger again."},
		sample{name: "paystate_worker_errors_total", kind: "counter", value: float64(st.SweepErrors + st.RecordErrors),
			help: "Background steps that failed and will be tried again."},
	)
	return out
}

func (s *Server) countParked(ctx context.Context) (int, error) {
	n, after := 0, ""
	for n < maxCounted {
		page, err := s.stores.store.ParkedOutbox(ctx, after, 1000)
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
