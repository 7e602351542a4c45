package load

import (
	"math/rand/v2"
	"sync"
)

// outcome is what the generator was told about an operation.
type outcome int

const (
	unknown  outcome = iota // no answer, or result status U: it may or may not have happened
	accepted                // A: a cashier payment waiting for the user
	succeeded
	refused // F, with the code in code
)

// payment is what the generator knows of one payment it asked for.
type payment struct {
	requestID string
	id        string // the wallet's paymentId, once an answer said it
	amount    int64
	cashier   bool
	// authorization marks an authorization: its refunds are bounded by
	// its captures, not by amount.
	authorization bool
	outcome       outcome
	code          string // result code of a refusal
	captures      []*capture
	refunds       []*refund
	busy          bool // a refund, the cashier step or a capture is running on it
}

// paid says whether the wallet acknowledged the payment as paid.
func (p *payment) paid() bool { return p.outcome == succeeded }

// captured is what the acknowledged captures of an authorization took, and
// whether that is certain (every capture answered S or F).
func (p *payment) captured() (sum int64, certain bool) {
	certain = true
	for _, c := range p.captures {
		switch c.outcome {
		case succeeded:
			sum += c.amount
		case refused:
		default:
			certain = false
		}
	}
	return sum, certain
}

// refundable is what may still be refunded by the acknowledged refunds
// (and, for an authorization, captures) alone, and whether that is
// certain (every one of them answered S or F).
func (p *payment) refundable() (left int64, certain bool) {
	left, certain = p.amount, true
	if p.authorization {
		left, certain = p.captured()
	}
	for _, r := range p.refunds {
		switch r.outcome {
		case succeeded:
			left -= r.amount
		case refused:
		default:
			certain = false
		}
	}
	return left, certain
}

// capture is what the generator knows of one capture request.
type capture struct {
	requestID string
	amount    int64
	last      bool // isLastCapture
	over      bool // sent as a deliberate over-capture
	outcome   outcome
	code      string
}

// refund is what the generator knows of one refund request.
type refund struct {
	requestID string
	amount    int64
	outcome   outcome
	code      string
	refundID  string
	over      bool // sent as a deliberate over-refund
	mustFit   bool // sent for at most what was certainly left: must succeed
}

// tracker holds every payment of a run.
type tracker struct {
	mu       sync.Mutex
	payments []*payment
	paid     []*payment // acknowledged paid, for refunds
	known    []*payment // with a paymentId, for inquiries
}

func (t *tracker) add(p *payment) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.payments = append(t.payments, p)
}

// settle records what the wallet answered to the pay of p.
func (t *tracker) settle(p *payment, o outcome, id, code string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.settleLocked(p, o, id, code)
}

func (t *tracker) settleLocked(p *payment, o outcome, id, code string) {
	if id != "" && p.id == "" {
		p.id = id
		t.known = append(t.known, p)
	}
	p.outcome, p.code = o, code
	if o == succeeded && !p.authorization {
		t.paid = append(t.paid, p)
	}
}

// refundable makes p a candidate for refunds: an authorization once some
// of it was captured.
func (t *tracker) refundable(p *payment) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.paid = append(t.paid, p)
}

// take picks a random idle payment from list and marks it busy, or nil.
func (t *tracker) take(rng *rand.Rand, pick func(t *tracker) []*payment) *payment {
	t.mu.Lock()
	defer t.mu.Unlock()
	list := pick(t)
	for range 8 {
		if len(list) == 0 {
			return nil
		}
		p := list[rng.IntN(len(list))]
		if !p.busy {
			p.busy = true
			return p
		}
	}
	return nil
}

func (t *tracker) release(p *payment) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p.busy = false
}

// snapshot returns the payments, for Verify once the run is over.
func (t *tracker) snapshot() []*payment {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]*payment(nil), t.payments...)
}
