package load

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/examples/merchant/shop"
)

// Run is one load run: Start sends the load, Verify checks the wallet
// afterwards. The zero Run has sent nothing; its Verify checks only the
// notifications.
type Run struct {
	cfg   Config
	track *tracker
	stats *stats
}

// Start sends the load of cfg until its Duration or Operations are done
// or ctx ends, and returns the run with its report.
func Start(ctx context.Context, cfg Config) (*Run, Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, Report{}, err
	}
	if cfg.RequestPrefix == "" {
		var b [4]byte
		_, _ = crand.Read(b[:])
		cfg.RequestPrefix = "load-" + hex.EncodeToString(b[:])
	}
	r := &Run{cfg: cfg, track: &tracker{}, stats: newStats()}
	var seq atomic.Int64
	x := &runner{cfg: cfg, track: r.track, stats: r.stats, prefix: cfg.RequestPrefix, seq: func() int64 { return seq.Add(1) }}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	begin := time.Now()
	if cfg.Rate > 0 {
		r.openLoop(ctx, x)
	} else {
		r.closedLoop(ctx, x)
	}
	return r, r.stats.report(time.Since(begin)), nil
}

// SetMerchant makes Verify ask through m: another process of the same
// wallet, say, to check that they share one state.
func (r *Run) SetMerchant(m *shop.Merchant) { r.cfg.Merchant = m }

// pick draws an operation from the mix.
func pick(rng *rand.Rand, mix Mix) Op {
	total := 0
	for _, w := range mix {
		total += w
	}
	n := rng.IntN(total)
	for _, op := range ops {
		if n -= mix[op]; n < 0 {
			return op
		}
	}
	return OpPay
}

// one runs one operation due at due and records it, timed from due. The
// operation gets its own timeout, detached from the end of the run, so
// that the run's end never turns a sent request into an unknown outcome.
// It says whether the wallet answered definitely (not U, not silence).
func (r *Run) one(ctx context.Context, x *runner, rng *rand.Rand, due time.Time) bool {
	opCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.Timeout)
	defer cancel()
	sent := time.Now()
	op, answer := x.run(opCtx, rng, pick(rng, r.cfg.Mix))
	if r.cfg.Answered != nil {
		r.cfg.Answered(op, answer, sent, time.Now())
	}
	unsure := strings.HasPrefix(strings.TrimPrefix(answer, repeatPrefix), wire.StatusUnknown+" ")
	definite := !unsure && !strings.Contains(answer, noAnswer)
	r.stats.record(op, answer, definite, time.Since(due))
	return definite
}

// noAnswerPause is how long a closed-loop worker waits after an operation
// the wallet did not answer definitely.
const noAnswerPause = 50 * time.Millisecond

// closedLoop runs Workers loops, each starting its next operation when
// the last one is answered.
func (r *Run) closedLoop(ctx context.Context, x *runner) {
	var started atomic.Int64
	var wg sync.WaitGroup
	for w := range r.cfg.Workers {
		rng := rand.New(rand.NewPCG(r.cfg.Seed, uint64(w)))
		wg.Go(func() {
			for ctx.Err() == nil {
				if r.cfg.Operations > 0 && started.Add(1) > int64(r.cfg.Operations) {
					return
				}
				if !r.one(ctx, x, rng, time.Now()) {
					// As a merchant's client backs off from a wallet
					// that does not answer.
					select {
					case <-ctx.Done():
					case <-time.After(noAnswerPause):
					}
				}
			}
		})
	}
	wg.Wait()
}

// openLoop starts an operation every 1/Rate seconds, whether or not the
// earlier ones were answered, each timed from when it was due.
func (r *Run) openLoop(ctx context.Context, x *runner) {
	interval := time.Duration(float64(time.Second) / r.cfg.Rate)
	slots := make(chan struct{}, r.cfg.MaxInFlight)
	var wg sync.WaitGroup
	defer wg.Wait()
	begin := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for i := 0; r.cfg.Operations <= 0 || i < r.cfg.Operations; i++ {
		due := begin.Add(time.Duration(i) * interval)
		timer.Reset(time.Until(due))
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		select {
		case slots <- struct{}{}:
		default:
			r.stats.drop()
			continue
		}
		rng := rand.New(rand.NewPCG(r.cfg.Seed, uint64(i)+1<<32))
		wg.Go(func() {
			defer func() { <-slots }()
			r.one(ctx, x, rng, due)
		})
	}
}
