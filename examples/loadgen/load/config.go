package load

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paystate/paystate/examples/merchant/shop"
)

// Op is one kind of operation in the mix.
type Op string

// The operations.
const (
	OpPay     Op = "pay"     // agreement pay, debited at once: S
	OpCashier Op = "cashier" // cashier pay (A), then the user pays on the cashier page
	OpRefund  Op = "refund"  // a refund of a paid payment: partial, over (refused) or a repeat
	OpInquiry Op = "inquiry" // inquiryPayment of a known payment
	// OpAuthorize is an agreement authorization (S: the money is held),
	// then its capture in two parts, now and then with a deliberate
	// over-capture (refused) between them.
	OpAuthorize Op = "authorize"
)

// ops lists the operations in the order pick draws them.
var ops = []Op{OpPay, OpCashier, OpRefund, OpInquiry, OpAuthorize}

// Mix weighs the operations; a zero weight leaves one out.
type Mix map[Op]int

// DefaultMix is the mix of the command line's default.
var DefaultMix = Mix{OpPay: 30, OpCashier: 15, OpRefund: 30, OpInquiry: 15, OpAuthorize: 10}

// ParseMix reads "pay=30,cashier=15,refund=30,inquiry=15,authorize=10".
func ParseMix(s string) (Mix, error) {
	m := Mix{}
	for part := range strings.SplitSeq(s, ",") {
		name, weight, ok := strings.Cut(strings.TrimSpace(part), "=")
		w, err := strconv.Atoi(weight)
		switch op := Op(name); {
		case !ok || err != nil || w < 0:
			return nil, fmt.Errorf("mix %q: want op=weight, got %q", s, part)
		case !slices.Contains(ops, op):
			return nil, fmt.Errorf("mix %q: unknown op %q (want pay, cashier, refund, inquiry, authorize)", s, name)
		default:
			m[op] = w
		}
	}
	return m, m.check()
}

func (m Mix) check() error {
	total := 0
	for _, w := range m {
		total += w
	}
	if total == 0 {
		return errors.New("mix: every weight is zero")
	}
	return nil
}

// Config is one load run.
type Config struct {
	// Merchant signs and sends the requests (a partner the wallet knows).
	Merchant *shop.Merchant
	// AccessToken is a user's agreement token for OpPay and OpAuthorize.
	AccessToken string
	// Currency of every payment; default USD.
	Currency string
	// MaxAmount bounds a payment's amount in minor units (uniform in
	// 1..MaxAmount); default 5000.
	MaxAmount int64

	// Rate > 0 runs open-loop: that many operations per second, each
	// timed from when it was due. Otherwise Workers run closed-loop.
	Rate float64
	// Workers is the closed-loop concurrency; default 8. In open-loop
	// runs, at most MaxInFlight operations (default 512) run at once; the
	// rest are counted as dropped.
	Workers     int
	MaxInFlight int
	// Duration of the run; Operations, when > 0, stops it earlier.
	Duration   time.Duration
	Operations int

	Mix  Mix
	Seed uint64
	// RequestPrefix starts every request id, so that runs against one
	// wallet never collide; default a random one.
	RequestPrefix string
	// Timeout bounds one operation; default 10 s.
	Timeout time.Duration
	// Answered, when set, is told of every operation when it ends: its
	// kind, its answer as Report.Answers counts it (e.g. "S SUCCESS"),
	// when it was sent and when it ended. The load's goroutines call it
	// at once, so it must be safe for concurrent use.
	Answered func(op Op, answer string, sent, ended time.Time)
}

func (c Config) withDefaults() (Config, error) {
	if c.Merchant == nil || c.Merchant.Client == nil {
		return c, errors.New("load: Config.Merchant is required")
	}
	if c.Currency == "" {
		c.Currency = "USD"
	}
	if c.MaxAmount <= 0 {
		c.MaxAmount = 5000
	}
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 512
	}
	if c.Duration <= 0 && c.Operations <= 0 {
		return c, errors.New("load: give Config.Duration or Config.Operations")
	}
	if c.Mix == nil {
		c.Mix = DefaultMix
	}
	if err := c.Mix.check(); err != nil {
		return c, err
	}
	if (c.Mix[OpPay] > 0 || c.Mix[OpAuthorize] > 0) && c.AccessToken == "" {
		return c, errors.New("load: the mix has pay or authorize but Config.AccessToken is empty")
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	return c, nil
}
