package worker

import "sync/atomic"

// Stats counts what a Worker did since it was created.
type Stats struct {
	Attempts     int64 // notification attempts recorded
	Delivered    int64 // of those, acknowledged by the merchant
	Failed       int64 // of those, failed and scheduled again
	Parked       int64 // of those, failed for the last time
	LeaseLost    int64 // attempts not made or not recorded: the lease had passed
	RecordErrors int64 // attempts the store failed to record
	Expired      int64 // payments closed by expiry
	Resolved     int64 // unknown outcomes settled by reconciliation
	StillUnknown int64 // reconciliation checks answered unknown again
	SweepErrors  int64 // expiry or reconciliation rounds that failed
}

type counters struct {
	attempts, delivered, failed, parked, leaseLost, recordErrors atomic.Int64
	expired, resolved, stillUnknown, sweepErrors                 atomic.Int64
}

// Stats returns the worker's counters.
func (w *Worker) Stats() Stats {
	c := &w.stats
	return Stats{
		Attempts: c.attempts.Load(), Delivered: c.delivered.Load(), Failed: c.failed.Load(),
		Parked: c.parked.Load(), LeaseLost: c.leaseLost.Load(), RecordErrors: c.recordErrors.Load(),
		Expired: c.expired.Load(), Resolved: c.resolved.Load(), StillUnknown: c.stillUnknown.Load(),
		SweepErrors: c.sweepErrors.Load(),
	}
}
