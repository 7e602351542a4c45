package alipayplus

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Refusal log lines are limited (decision 91): a
// caller that keeps sending refused requests (a known Client-Id with a bad
// signature, or no Client-Id at all) must not fill the wallet's disks.
const (
	// rejectLogWindow is the period the limit counts in.
	rejectLogWindow = time.Minute
	// rejectLinesPerWindow is how many refusals of one Client-Id are
	// logged each window; every unknown Client-Id shares one count.
	rejectLinesPerWindow = 5
)

// rejectionLog writes the transport's "request rejected" lines: per
// window, the first rejectLinesPerWindow of each known Client-Id (and of
// all unknown ones together) in full, then one summary line per Client-Id
// with the count of those left out, written at the first refusal after
// the window ends. Its memory is bounded by the number of partners. It is
// safe for concurrent use.
type rejectionLog struct {
	logger *slog.Logger
	now    func() time.Time // time.Now; tests replace it

	mu      sync.Mutex
	started time.Time
	logged  map[string]int // by known Client-Id; "" for unknown ones
	skipped map[string]int
}

func newRejectionLog(logger *slog.Logger) *rejectionLog {
	return &rejectionLog{logger: logger, now: time.Now, logged: map[string]int{}, skipped: map[string]int{}}
}

// reject logs one refusal of a request whose known Client-Id is
// knownClient ("" when none is known), or counts it once the limit is
// reached. attrs are the line's attributes.
func (l *rejectionLog) reject(ctx context.Context, knownClient string, attrs ...any) {
	l.mu.Lock()
	now := l.now()
	var summaries map[string]int
	var since time.Time
	if l.started.IsZero() || now.Sub(l.started) >= rejectLogWindow || now.Before(l.started) {
		if len(l.skipped) > 0 {
			summaries, since = l.skipped, l.started
		}
		l.started, l.logged, l.skipped = now, map[string]int{}, map[string]int{}
	}
	write := l.logged[knownClient] < rejectLinesPerWindow
	if write {
		l.logged[knownClient]++
	} else {
		l.skipped[knownClient]++
	}
	l.mu.Unlock()

	for client, n := range summaries {
		l.logger.WarnContext(ctx, "alipayplus: rejected requests not logged",
			"clientId", client, "knownClient", client != "", "count", n, "since", since.UTC().Format(time.RFC3339))
	}
	if write {
		l.logger.InfoContext(ctx, "alipayplus: request rejected", attrs...)
	}
}
