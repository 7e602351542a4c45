package enginetest

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Clock is a fixed clock for tests: Now returns the same time until Advance
// moves it. Pass its Now as engine.Config.Now. Safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// IDs mints the ids Prefix+"1", Prefix+"2", ... Pass its Next as
// engine.Config.NewID. Safe for concurrent use.
type IDs struct {
	Prefix string
	n      atomic.Int64
}

// Next returns the next id.
func (s *IDs) Next() string { return s.Prefix + strconv.FormatInt(s.n.Add(1), 10) }
