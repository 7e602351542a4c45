package engine

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Config tunes an Engine. The zero value of every field means its
// documented default; New validates the rest.
type Config struct {
	// Now returns the current time. Default time.Now. The engine reads it
	// once per command attempt.
	Now func() time.Time
	// NewID returns a new unique id for payments, refunds and outbox
	// messages (at most 64 characters). Default: TimeOrderedID of Now,
	// 32 hex digits that sort by creation millisecond.
	NewID func() string

	// Expiry is the time a payment stays payable when the merchant gives
	// no expiry time, per scenario. Missing scenarios use DefaultExpiry.
	Expiry map[Scenario]time.Duration
	// MaxExpiry caps a merchant-given expiry time, measured from creation.
	// Default DefaultMaxExpiry.
	MaxExpiry time.Duration

	// RefundWindow is how long after payment refunds are accepted.
	// Default DefaultRefundWindow.
	RefundWindow time.Duration
	// CancelWindow is how long after payment a cancel still reverses a paid
	// payment; later cancels fail with CodeCancelWindowExceed. Default
	// DefaultCancelWindow.
	CancelWindow time.Duration

	// Currencies, when not empty, lists the ISO 4217 codes the wallet takes;
	// others fail with CodeCurrencyNotSupported. Default: every currency.
	Currencies []string
	// MaxAmount, when positive, caps one payment in minor units of any
	// currency (CodePaymentAmountLimit). Default: no cap beyond 16 digits.
	MaxAmount int64
	// Limits, when set, supplies the partners' and users' rules (see
	// Limits). Default: none.
	Limits Limits
	// LimitZone is the time zone whose calendar days Limits' daily sums
	// and counts are kept for. Default UTC.
	LimitZone *time.Location
	// MaxRefunds caps the refunds stored for one payment, whatever their
	// outcome (refusals are stored too, so that repeats answer alike): a
	// refund asked for a payment that has MaxRefunds already is refused
	// with CodeOrderStatusInvalid and nothing is stored. Default
	// DefaultMaxRefunds.
	MaxRefunds int

	// AuthExpiry is how long an authorization's hold lasts when the pay
	// request gives no AuthExpiresAt, counted from when the hold is
	// placed. Default DefaultAuthExpiry. MaxAuthExpiry caps a request's
	// AuthExpiresAt, counted from the pay; default DefaultMaxAuthExpiry.
	AuthExpiry    time.Duration
	MaxAuthExpiry time.Duration
	// MaxCaptures caps the captures stored for one authorization,
	// refusals included; a capture asked for beyond it is refused with
	// CodeOrderStatusInvalid and nothing is stored. Default
	// DefaultMaxCaptures.
	MaxCaptures int

	// ReconcileSchedule is how long after an unknown funds answer the
	// reconciler asks again: the n-th check waits ReconcileSchedule[n], the
	// last entry repeating. Default 1 min, 5 min, 1 h, 24 h: the first
	// check comes before the shortest default expiry (3 min).
	ReconcileSchedule []time.Duration

	// ConflictRetries bounds how often a command reloads and decides again,
	// at once (no backoff), after another process committed first: Pay and
	// Refund try again at most ConflictRetries times, the commands that
	// change an existing payment (Confirm, Fail, Cancel, the settling of a
	// funds answer, expiry, reconciliation) at most ConflictRetries+1
	// times. Then the command fails with CodeInternal; a Pay or Refund
	// that gives up has stored nothing. Default 64.
	ConflictRetries int

	// OnOutbox, when set, is called after every commit that queued a
	// notification for a merchant, so that a dispatcher in this process
	// (worker.Worker.Wake) sends it at once instead of at its next poll. It
	// must not block.
	OnOutbox func()

	// Handoff, when set, takes the notifications a commit queues straight
	// to a dispatcher in this process, leased to it in that very commit,
	// so that it sends them without claiming them from the store first
	// (see Handoff; worker.Worker is one). Messages it has no room for
	// are left to claims, and OnOutbox is called for them.
	Handoff Handoff

	// Logger receives operational messages (conflicts, funds errors).
	// Default: discard. Decisions never log.
	Logger *slog.Logger
}

// Defaults of the Config windows whose zero value means "default".
const (
	DefaultMaxExpiry    = 7 * 24 * time.Hour   // MaxExpiry: 7 days
	DefaultRefundWindow = 365 * 24 * time.Hour // RefundWindow: 365 days
	DefaultCancelWindow = 24 * time.Hour       // CancelWindow: 24 hours
)

// Defaults of the authorization settings of Config.
const (
	DefaultAuthExpiry    = 7 * 24 * time.Hour  // AuthExpiry: 7 days, Antom's
	DefaultMaxAuthExpiry = 30 * 24 * time.Hour // MaxAuthExpiry: 30 days
	DefaultMaxCaptures   = 100                 // MaxCaptures
)

// DefaultMaxRefunds is Config.MaxRefunds when it is zero: far more refunds
// than a payment has in any shop, few enough that a payment's refund rows
// stay a small, bounded part of the store.
const DefaultMaxRefunds = 1000

// DefaultExpiry is how long a payment stays payable when neither the
// merchant nor Config.Expiry says otherwise: 14 minutes for the cashier,
// order code and entry code (Antom's wallet default), 3 minutes for
// synchronous scenarios (Antom's user-presented code default).
var DefaultExpiry = map[Scenario]time.Duration{
	ScenarioCashier:     14 * time.Minute,
	ScenarioOrderCode:   14 * time.Minute,
	ScenarioEntryCode:   14 * time.Minute,
	ScenarioAgreement:   3 * time.Minute,
	ScenarioPaymentCode: 3 * time.Minute,
}

func (c Config) withDefaults() (Config, error) {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.NewID == nil {
		now := c.Now
		c.NewID = func() string { return TimeOrderedID(now()) }
	}
	exp := make(map[Scenario]time.Duration, len(DefaultExpiry))
	for s, d := range DefaultExpiry {
		exp[s] = d
	}
	for s, d := range c.Expiry {
		if d <= 0 {
			return c, fmt.Errorf("engine: Config.Expiry[%s] must be positive, got %s", s, d)
		}
		exp[s] = d
	}
	c.Expiry = exp
	if c.MaxExpiry == 0 {
		c.MaxExpiry = DefaultMaxExpiry
	}
	if c.RefundWindow == 0 {
		c.RefundWindow = DefaultRefundWindow
	}
	if c.CancelWindow == 0 {
		c.CancelWindow = DefaultCancelWindow
	}
	if len(c.ReconcileSchedule) == 0 {
		c.ReconcileSchedule = []time.Duration{time.Minute, 5 * time.Minute, time.Hour, 24 * time.Hour}
	}
	if c.ConflictRetries == 0 {
		c.ConflictRetries = 64
	}
	if c.MaxRefunds == 0 {
		c.MaxRefunds = DefaultMaxRefunds
	}
	if c.AuthExpiry == 0 {
		c.AuthExpiry = DefaultAuthExpiry
	}
	if c.MaxAuthExpiry == 0 {
		c.MaxAuthExpiry = DefaultMaxAuthExpiry
	}
	if c.MaxCaptures == 0 {
		c.MaxCaptures = DefaultMaxCaptures
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.LimitZone == nil {
		c.LimitZone = time.UTC
	}
	var errs []error
	for _, w := range []struct {
		name string
		d    time.Duration
	}{{"MaxExpiry", c.MaxExpiry}, {"RefundWindow", c.RefundWindow}, {"CancelWindow", c.CancelWindow},
		{"AuthExpiry", c.AuthExpiry}, {"MaxAuthExpiry", c.MaxAuthExpiry}} {
		if w.d < 0 {
			errs = append(errs, fmt.Errorf("engine: Config.%s must not be negative, got %s", w.name, w.d))
		}
	}
	for i, d := range c.ReconcileSchedule {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("engine: Config.ReconcileSchedule[%d] must be positive, got %s", i, d))
		}
	}
	for _, cur := range c.Currencies {
		if _, ok := CurrencyExponent(cur); !ok {
			errs = append(errs, fmt.Errorf("engine: Config.Currencies: %q is not an ISO 4217 currency", cur))
		}
	}
	if c.ConflictRetries < 0 {
		errs = append(errs, fmt.Errorf("engine: Config.ConflictRetries must not be negative, got %d", c.ConflictRetries))
	}
	if c.MaxCaptures < 0 {
		errs = append(errs, fmt.Errorf("engine: Config.MaxCaptures must not be negative, got %d", c.MaxCaptures))
	}
	if c.MaxRefunds < 0 {
		errs = append(errs, fmt.Errorf("engine: Config.MaxRefunds must not be negative, got %d", c.MaxRefunds))
	}
	if c.MaxAmount < 0 {
		errs = append(errs, fmt.Errorf("engine: Config.MaxAmount must not be negative, got %d", c.MaxAmount))
	}
	return c, errors.Join(errs...)
}

// reconcileDelay returns how long to wait before check number attempt
// (0-based).
func (c *Config) reconcileDelay(attempt int) time.Duration {
	if attempt >= len(c.ReconcileSchedule) {
		attempt = len(c.ReconcileSchedule) - 1
	}
	return c.ReconcileSchedule[attempt]
}
