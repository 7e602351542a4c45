package worker

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mathrand "math/rand/v2"
	"os"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/store"
)

// DefaultRetries is the delay before each send after the first, which goes
// out at once: Antom's published schedule of 8 sends within a day.
var DefaultRetries = []time.Duration{
	2 * time.Minute, 10 * time.Minute, 10 * time.Minute,
	time.Hour, 2 * time.Hour, 6 * time.Hour, 15 * time.Hour,
}

// Config configures a Worker. Engine, Store and Notifier are required; the
// zero value of every other field means its documented default.
type Config struct {
	// Engine runs expiry and reconciliation; Store is the outbox part of
	// the store it was built on, from which the worker claims
	// notifications (any store backend is one).
	Engine *engine.Engine
	Store  store.OutboxStore
	// Notifier delivers one notification to its merchant
	// (adapters/alipayplus/notify.Notifier over HTTP).
	Notifier Notifier

	// Owner names this worker in outbox leases. Default: host name, process
	// id and a random suffix, unique per Worker.
	Owner string
	// Now returns the current time; use the engine's clock. Default
	// time.Now.
	Now func() time.Time
	// Rand returns a uniform random number in [0, 1) for the jitter.
	// Default math/rand/v2.Float64.
	Rand func() float64

	// Poll is how often the worker looks for due notifications when not
	// woken. Default 500 ms.
	Poll time.Duration
	// SweepEvery is how often it closes expired payments and looks for
	// due reconciliation checks. Default 1 s.
	SweepEvery time.Duration
	// Batch bounds the records one claim or one sweep step handles.
	// Default 100.
	Batch int

	// Retries is the delay before each send after the first; after the
	// last the message is parked. Default DefaultRetries.
	Retries []time.Duration
	// Jitter spreads each retry delay by up to this fraction, either way,
	// so that many messages failing together do not come back together.
	// Default 0.1; a negative value means none.
	Jitter float64
	// AttemptTimeout bounds one send. Default 15 s.
	AttemptTimeout time.Duration
	// Lease is how long a claimed message stays reserved to this worker
	// before another may take it. It must cover a send and the wait behind
	// the partner's other sends, and be longer than AttemptTimeout: a send
	// starts only while the whole attempt fits in what is left of the
	// lease. Default 2 min.
	Lease time.Duration
	// Concurrency bounds the sends in flight. Default 16.
	Concurrency int
	// PerPartner bounds the sends in flight to one partner. Default 4.
	PerPartner int

	// Logger receives what the worker did and every failure. Default:
	// discard.
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	var errs []error
	if c.Engine == nil {
		errs = append(errs, errors.New("worker: Config.Engine is required"))
	}
	if c.Store == nil {
		errs = append(errs, errors.New("worker: Config.Store is required"))
	}
	if c.Notifier == nil {
		errs = append(errs, errors.New("worker: Config.Notifier is required"))
	}
	if c.Owner == "" {
		c.Owner = defaultOwner()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = mathrand.Float64
	}
	if c.Retries == nil {
		c.Retries = DefaultRetries
	}
	if c.Jitter == 0 {
		c.Jitter = 0.1
	}
	if c.Jitter < 0 {
		c.Jitter = 0
	}
	if c.Jitter >= 1 {
		errs = append(errs, fmt.Errorf("worker: Config.Jitter must be below 1, got %v", c.Jitter))
	}
	for i, d := range c.Retries {
		if d < 0 {
			errs = append(errs, fmt.Errorf("worker: Config.Retries[%d] must not be negative, got %s", i, d))
		}
	}
	for _, f := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"Poll", &c.Poll, 500 * time.Millisecond},
		{"SweepEvery", &c.SweepEvery, time.Second},
		{"AttemptTimeout", &c.AttemptTimeout, 15 * time.Second},
		{"Lease", &c.Lease, 2 * time.Minute},
	} {
		if *f.v == 0 {
			*f.v = f.def
		}
		if *f.v < 0 {
			errs = append(errs, fmt.Errorf("worker: Config.%s must be positive, got %s", f.name, *f.v))
		}
	}
	for _, f := range []struct {
		name string
		v    *int
		def  int
	}{{"Batch", &c.Batch, 100}, {"Concurrency", &c.Concurrency, 16}, {"PerPartner", &c.PerPartner, 4}} {
		if *f.v == 0 {
			*f.v = f.def
		}
		if *f.v < 0 {
			errs = append(errs, fmt.Errorf("worker: Config.%s must be positive, got %d", f.name, *f.v))
		}
	}
	if c.Lease > 0 && c.AttemptTimeout > 0 && c.Lease <= c.AttemptTimeout {
		errs = append(errs, fmt.Errorf("worker: Config.Lease (%s) must be longer than Config.AttemptTimeout (%s)", c.Lease, c.AttemptTimeout))
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, errors.Join(errs...)
}

// defaultOwner is unique per call: host, process and 8 random hex digits.
func defaultOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "worker"
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
