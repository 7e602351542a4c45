package alipayplus

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// RateLimit is a partner's request rate limit: a token bucket that holds
// at most Burst tokens and gains PerSecond tokens a second; each request
// whose signature verified takes one, and a request that finds the bucket
// empty is answered U REQUEST_TRAFFIC_EXCEED_LIMIT (HTTP 429) before its
// body is decoded: nothing reaches the engine or the store. The bucket
// starts full.
//
// The bucket lives in the Handler: each process (each Handler) meters on
// its own, so N wallet processes behind a load balancer let a partner
// through at up to N times PerSecond, and a Handler built anew (a reload)
// starts with full buckets.
type RateLimit struct {
	// PerSecond is the sustained rate; 0 means no limit.
	PerSecond float64
	// Burst is how many requests may arrive at once after a quiet spell;
	// 0 means max(1, PerSecond rounded up).
	Burst int
}

// check reports a RateLimit that cannot be met.
func (l RateLimit) check() error {
	switch {
	case math.IsNaN(l.PerSecond) || math.IsInf(l.PerSecond, 0) || l.PerSecond < 0:
		return fmt.Errorf("PerSecond must be a finite number >= 0, got %v", l.PerSecond)
	case l.Burst < 0:
		return fmt.Errorf("Burst must not be negative, got %d", l.Burst)
	case l.Burst > 0 && l.PerSecond == 0:
		return errors.New("Burst needs PerSecond")
	}
	return nil
}

// trafficMessage is the result message of a request over its partner's
// rate limit.
const trafficMessage = "The request traffic exceeds the limit. Slow down and call again."

// tokenBucket meters one partner's requests.
type tokenBucket struct {
	mu     sync.Mutex
	rate   float64 // tokens a second
	burst  float64
	tokens float64
	last   time.Time // when tokens was last brought up to date
}

// newTokenBucket returns a full bucket for l, or nil for no limit.
func newTokenBucket(l RateLimit) *tokenBucket {
	if l.PerSecond <= 0 {
		return nil
	}
	burst := float64(l.Burst)
	if l.Burst == 0 {
		burst = math.Max(1, math.Ceil(l.PerSecond))
	}
	return &tokenBucket{rate: l.PerSecond, burst: burst, tokens: burst}
}

// take takes one token at now and reports whether there was one. A nil
// bucket always has one. A clock that goes back adds nothing.
func (b *tokenBucket) take(now time.Time) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.last.IsZero() {
		if d := now.Sub(b.last); d > 0 {
			b.tokens = math.Min(b.burst, b.tokens+d.Seconds()*b.rate)
		}
	}
	if b.last.IsZero() || now.After(b.last) {
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
