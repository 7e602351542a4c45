package store

import (
	"cmp"
	"fmt"
	"slices"
)

// CounterDelta changes one counter in a Commit: a named int64 that starts at
// 0 and that only Commits change (the engine keeps each user's daily sums
// and counts in them). Delta is added to the counter; when Delta is
// positive and Max is positive, the Commit is refused with a *LimitError
// unless the counter's value after the addition is at most Max. The check
// and the addition are one step for every backend, whatever the
// concurrency and however many processes share the store: N Commits of +1
// against a cap of M that start at 0 succeed exactly min(N, M) times.
type CounterDelta struct {
	Key   string // at most 200 bytes, no NUL
	Delta int64  // not 0
	Max   int64  // the cap for a positive Delta; 0 means none
}

// Exceeds reports whether adding d to a counter whose value is current
// breaks d's cap: the rule every backend applies.
func (d CounterDelta) Exceeds(current int64) bool {
	return d.Delta > 0 && d.Max > 0 && current+d.Delta > d.Max
}

// LimitError is the error Commit returns when a CounterDelta would take its
// counter over its cap. It matches ErrLimitExceeded.
type LimitError struct {
	Key string // the counter that is full
	Max int64  // its cap
}

// Error names the counter.
func (e *LimitError) Error() string {
	return fmt.Sprintf("store: counter %q would pass its limit of %d", e.Key, e.Max)
}

// Is reports whether target is ErrLimitExceeded.
func (e *LimitError) Is(target error) bool { return target == ErrLimitExceeded }

// SortedCounters returns the counters of c ordered by key: the order every
// SQL backend writes them in, so that two Commits never wait on each
// other's counters in opposite orders.
func (c *Change) SortedCounters() []CounterDelta {
	if len(c.Counters) < 2 {
		return c.Counters
	}
	out := slices.Clone(c.Counters)
	slices.SortFunc(out, func(a, b CounterDelta) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// MaxCounterKey is the longest CounterDelta.Key a Commit accepts.
const MaxCounterKey = 200
