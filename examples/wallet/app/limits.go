package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	_ "time/tzdata" // limitZone names an IANA zone wherever the server runs

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/engine"
)

// PartnerLimitsConfig is partners[].limits: the largest single payment
// per currency, in minor units as strings ("USD": "50000").
type PartnerLimitsConfig struct {
	PerPayment map[string]string `json:"perPayment"`
}

// RateLimitConfig is partners[].rateLimit: a token bucket of this process
// (alipayplus.RateLimit).
type RateLimitConfig struct {
	PerSecond float64 `json:"perSecond"` // sustained requests a second, > 0
	Burst     int     `json:"burst"`     // requests at once after a quiet spell; 0: perSecond rounded up
}

// UserLimitsConfig is users[].limits: the most a user may pay a day, per
// currency in minor units as strings, and how many payments a day.
type UserLimitsConfig struct {
	Daily      map[string]string `json:"daily"`
	DailyCount int               `json:"dailyCount"`
}

// The statuses partners[].status and users[].status take ("" means active).
const (
	statusActive    = "active"
	statusSuspended = "suspended"
	statusFrozen    = "frozen"
)

// limits returns the engine's rules from the partners' and users' limits
// and statuses, or the first bad value, naming its key.
func (c *Config) limits() (*engine.StaticLimits, error) {
	out := &engine.StaticLimits{Partners: map[string]engine.PartnerRules{}, Users: map[string]engine.UserRules{}}
	for i, p := range c.Partners {
		key := fmt.Sprintf("partners[%d]", i)
		var r engine.PartnerRules
		switch p.Status {
		case "", statusActive:
		case statusSuspended:
			r.Suspended = true
		default:
			return nil, problem(key+".status", "want %q or %q, got %q", statusActive, statusSuspended, p.Status)
		}
		per, err := minorUnits(key+".limits.perPayment", p.Limits.PerPayment)
		if err != nil {
			return nil, err
		}
		if len(per) > 0 {
			r.PerPayment = per
		}
		if _, err := p.rateLimit(key); err != nil {
			return nil, err
		}
		out.Partners[p.PartnerID] = r
	}
	for i, u := range c.Users {
		key := fmt.Sprintf("users[%d]", i)
		var r engine.UserRules
		switch u.Status {
		case "", statusActive:
		case statusFrozen:
			r.Frozen = true
		default:
			return nil, problem(key+".status", "want %q or %q, got %q", statusActive, statusFrozen, u.Status)
		}
		daily, err := minorUnits(key+".limits.daily", u.Limits.Daily)
		if err != nil {
			return nil, err
		}
		if len(daily) > 0 {
			r.Daily = daily
		}
		if u.Limits.DailyCount < 0 {
			return nil, problem(key+".limits.dailyCount", "want a whole number of payments >= 0 (0: no limit), got %d", u.Limits.DailyCount)
		}
		r.DailyCount = u.Limits.DailyCount
		out.Users[u.UserID] = r
	}
	return out, nil
}

// rateLimit returns the partner's rate limit (zero: none), or the bad
// value naming its key.
func (p *PartnerConfig) rateLimit(key string) (alipayplus.RateLimit, error) {
	if p.RateLimit == nil {
		return alipayplus.RateLimit{}, nil
	}
	l := *p.RateLimit
	if math.IsNaN(l.PerSecond) || math.IsInf(l.PerSecond, 0) || l.PerSecond <= 0 {
		return alipayplus.RateLimit{}, problem(key+".rateLimit.perSecond", "want a number of requests a second > 0, got %v", l.PerSecond)
	}
	if l.Burst < 0 {
		return alipayplus.RateLimit{}, problem(key+".rateLimit.burst", "want a whole number of requests >= 0 (0: perSecond rounded up), got %d", l.Burst)
	}
	return alipayplus.RateLimit{PerSecond: l.PerSecond, Burst: l.Burst}, nil
}

// minorUnits parses {currency: minor units as a string} limits: positive,
// at most 16 digits.
func minorUnits(key string, in map[string]string) (map[string]int64, error) {
	out := make(map[string]int64, len(in))
	for cur, v := range in {
		ckey := fmt.Sprintf("%s[%q]", key, cur)
		if _, ok := engine.CurrencyExponent(cur); !ok {
			return nil, problem(ckey, "%q is not an ISO 4217 currency code", cur)
		}
		if v == "" || len(v) > 16 || strings.TrimLeft(v, "0123456789") != "" {
			return nil, problem(ckey, "want minor units as a string of 1 to 16 digits, got %q", v)
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n == 0 {
			return nil, problem(ckey, "want a limit above 0 minor units, got %q", v)
		}
		out[cur] = n
	}
	return out, nil
}

// limitZone returns the zone whose days the daily limits count (UTC when
// limitZone is not set).
func (c *Config) limitZone() (*time.Location, error) {
	if c.LimitZone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(c.LimitZone)
	if err != nil || c.LimitZone == "Local" {
		return nil, problem("limitZone", "want an IANA time zone such as \"Asia/Singapore\" or \"UTC\", got %q", c.LimitZone)
	}
	return loc, nil
}

// liveLimits is the engine's Limits of a running server: the rules of the
// configuration last loaded, swapped whole by a reload.
type liveLimits struct {
	rules atomic.Pointer[engine.StaticLimits]
}

var _ engine.Limits = (*liveLimits)(nil)

func newLiveLimits(r *engine.StaticLimits) *liveLimits {
	l := &liveLimits{}
	l.rules.Store(r)
	return l
}

// Partner implements engine.Limits.
func (l *liveLimits) Partner(id string) engine.PartnerRules { return l.rules.Load().Partner(id) }

// User implements engine.Limits.
func (l *liveLimits) User(id string) engine.UserRules { return l.rules.Load().User(id) }
