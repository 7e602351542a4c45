package load

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/examples/merchant/shop"
)

// runner runs single operations and records what they tell.
type runner struct {
	cfg    Config
	track  *tracker
	stats  *stats
	prefix string
	seq    func() int64 // request id counter
}

// answerOutcome reads a verified answer (err == nil) or its absence.
func answerOutcome(r wire.Result, err error) (outcome, string) {
	switch {
	case err != nil || r.ResultStatus == wire.StatusUnknown:
		return unknown, r.ResultCode
	case r.ResultStatus == wire.StatusSuccess:
		return succeeded, r.ResultCode
	case r.ResultStatus == wire.StatusAccepted:
		return accepted, r.ResultCode
	default:
		return refused, r.ResultCode
	}
}

// repeatPrefix starts the label of a repeated refund.
const repeatPrefix = "repeat: "

// noAnswer labels an operation the wallet did not answer.
const noAnswer = "no answer"

// label is how an answer is counted in the report.
func label(r wire.Result, err error) string {
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return noAnswer + " (timeout)"
		}
		return noAnswer
	}
	return r.ResultStatus + " " + r.ResultCode
}

func (x *runner) money(minor int64) wire.Amount {
	return wire.Amount{Currency: x.cfg.Currency, Value: strconv.FormatInt(minor, 10)}
}

func (x *runner) newRequestID(kind string) string {
	return fmt.Sprintf("%s-%s-%d", x.prefix, kind, x.seq())
}

// run performs op and returns the op actually run (a refund or inquiry
// with nothing to work on becomes a pay) and the answer's label.
func (x *runner) run(ctx context.Context, rng *rand.Rand, op Op) (Op, string) {
	switch op {
	case OpRefund:
		if p := x.track.take(rng, func(t *tracker) []*payment { return t.paid }); p != nil {
			defer x.track.release(p)
			return OpRefund, x.refund(ctx, rng, p)
		}
	case OpInquiry:
		if p := x.track.take(rng, func(t *tracker) []*payment { return t.known }); p != nil {
			defer x.track.release(p)
			return OpInquiry, x.inquire(ctx, p)
		}
	case OpCashier:
		return OpCashier, x.cashierPay(ctx, rng)
	case OpAuthorize:
		return OpAuthorize, x.authorize(ctx, rng)
	}
	if x.cfg.Mix[OpPay] == 0 {
		return OpCashier, x.cashierPay(ctx, rng)
	}
	return OpPay, x.agreementPay(ctx, rng)
}

func (x *runner) agreementPay(ctx context.Context, rng *rand.Rand) string {
	p := &payment{requestID: x.newRequestID("pay"), amount: 1 + rng.Int64N(x.cfg.MaxAmount)}
	x.track.add(p)
	resp, err := x.cfg.Merchant.Pay(ctx, shop.Order{RequestID: p.requestID, Title: "load pay", Amount: x.money(p.amount), AccessToken: x.cfg.AccessToken})
	o, code := answerOutcome(resp.Result, err)
	if o == accepted {
		x.stats.violation("pay %s: agreement pay answered A %s", p.requestID, code)
	}
	x.track.settle(p, o, resp.PaymentID, code)
	return label(resp.Result, err)
}

// returnURL is where the cashier sends the user after paying; the
// generator does not follow it.
const returnURL = "https://merchant.invalid/thanks"

// cashierPay asks for a cashier payment and pays it as the user on the
// wallet's cashier page.
func (x *runner) cashierPay(ctx context.Context, rng *rand.Rand) string {
	p := &payment{requestID: x.newRequestID("cashier"), amount: 1 + rng.Int64N(x.cfg.MaxAmount), cashier: true, busy: true}
	x.track.add(p)
	defer x.track.release(p)
	resp, err := x.cfg.Merchant.Pay(ctx, shop.Order{RequestID: p.requestID, Title: "load cashier pay", Amount: x.money(p.amount), ReturnURL: returnURL})
	o, code := answerOutcome(resp.Result, err)
	if o != accepted {
		x.track.settle(p, o, resp.PaymentID, code)
		return label(resp.Result, err)
	}
	x.track.settle(p, accepted, resp.PaymentID, code) // it exists; paid once the user's pay is answered
	page := cashierPage(resp)
	if page == "" {
		x.stats.violation("cashier %s: A without a cashier URL", p.requestID)
		return "A without cashier URL"
	}
	landed, err := shop.PayOnCashier(ctx, page)
	if err != nil {
		return "A ACCEPT, cashier: " + cashierFailure(err)
	}
	if landed != returnURL {
		x.stats.violation("cashier %s: landed on %q, not the return URL", p.requestID, landed)
	}
	x.track.settle(p, succeeded, "", "")
	return "A ACCEPT, cashier paid"
}

func cashierPage(resp wire.PayResponse) string {
	switch {
	case resp.ActionForm != nil && resp.ActionForm.RedirectionURL != "":
		return resp.ActionForm.RedirectionURL
	case resp.RedirectActionForm != nil && resp.RedirectActionForm.RedirectionURL != "":
		return resp.RedirectActionForm.RedirectionURL
	}
	return ""
}

// cashierFailure labels a cashier step that did not end paid: an answer
// of the page (its HTTP status, or a page without a pay form) or none.
func cashierFailure(err error) string {
	var serr *shop.CashierStatusError
	switch {
	case errors.As(err, &serr):
		return fmt.Sprintf("HTTP %d", serr.Status)
	case errors.Is(err, shop.ErrNoPayForm):
		return "no pay form"
	}
	return noAnswer
}

// refund sends one refund of p: a repeat of an earlier acknowledged one,
// a deliberate over-refund, or a partial refund of what is left.
func (x *runner) refund(ctx context.Context, rng *rand.Rand, p *payment) string {
	left, certain := p.refundable()
	var done []*refund
	for _, r := range p.refunds {
		if r.outcome == succeeded {
			done = append(done, r)
		}
	}
	roll := rng.IntN(100)
	switch {
	case roll < 15 && len(done) > 0:
		return x.repeatRefund(ctx, p, done[rng.IntN(len(done))])
	case (roll < 30 || left <= 0) && certain:
		return x.sendRefund(ctx, p, &refund{requestID: x.newRequestID("refund"), amount: left + 1, over: true})
	case left > 0:
		// With an earlier refund of unknown outcome, what is left may be
		// less: a refusal is then no broken promise.
		return x.sendRefund(ctx, p, &refund{requestID: x.newRequestID("refund"), amount: 1 + rng.Int64N(left), mustFit: certain})
	}
	return x.inquire(ctx, p)
}

func (x *runner) sendRefund(ctx context.Context, p *payment, r *refund) string {
	p.refunds = append(p.refunds, r) // p is busy: only this goroutine touches it
	resp, err := x.cfg.Merchant.Refund(ctx, r.requestID, p.id, x.money(r.amount), "load")
	r.outcome, r.code = answerOutcome(resp.Result, err)
	r.refundID = resp.RefundID
	switch {
	case r.over && r.outcome == succeeded:
		x.stats.violation("refund %s of %s: over-refund of %d answered S", r.requestID, p.id, r.amount)
	case r.over && r.outcome == refused && r.code != wire.CodeRefundAmountExceed:
		x.stats.violation("refund %s of %s: over-refund answered %s, want REFUND_AMOUNT_EXCEED", r.requestID, p.id, r.code)
	case r.mustFit && r.outcome == refused:
		x.stats.violation("refund %s of %s: partial refund of %d refused with %s", r.requestID, p.id, r.amount, r.code)
	}
	return label(resp.Result, err)
}

func (x *runner) repeatRefund(ctx context.Context, p *payment, first *refund) string {
	resp, err := x.cfg.Merchant.Refund(ctx, first.requestID, p.id, x.money(first.amount), "load")
	if o, code := answerOutcome(resp.Result, err); o != unknown && (o != succeeded || resp.RefundID != first.refundID) {
		x.stats.violation("refund %s of %s repeated: answered %s refund %q, first answer S refund %q",
			first.requestID, p.id, code, resp.RefundID, first.refundID)
	}
	return repeatPrefix + label(resp.Result, err)
}

func (x *runner) inquire(ctx context.Context, p *payment) string {
	resp, err := x.cfg.Merchant.InquirePayment(ctx, p.id)
	if o, _ := answerOutcome(resp.Result, err); o == succeeded && p.paid() && resp.PaymentStatus != wire.PaymentStatusSuccess {
		x.stats.violation("inquiry %s: paymentStatus %s, but the payment was acknowledged paid", p.id, resp.PaymentStatus)
	}
	return label(resp.Result, err)
}

// authorize asks for an agreement authorization and captures it in two
// parts (one when the amount is 1), sending a deliberate over-capture
// between them one time in three. It stops at the first capture that is
// not answered S (an over-capture refused as it must be excepted), and
// answers with the label of its last step: the pay's when that was not S,
// else the last capture's, so that an unknown capture counts as an
// unanswered operation.
func (x *runner) authorize(ctx context.Context, rng *rand.Rand) string {
	p := &payment{requestID: x.newRequestID("auth"), amount: 1 + rng.Int64N(x.cfg.MaxAmount), authorization: true, busy: true}
	x.track.add(p)
	defer x.track.release(p)
	resp, err := x.cfg.Merchant.Pay(ctx, shop.Order{RequestID: p.requestID, Title: "load authorization", Amount: x.money(p.amount),
		AccessToken: x.cfg.AccessToken, Authorize: true})
	o, code := answerOutcome(resp.Result, err)
	if o == accepted {
		x.stats.violation("authorize %s: agreement authorization answered A %s", p.requestID, code)
	}
	x.track.settle(p, o, resp.PaymentID, code)
	if o != succeeded || p.id == "" {
		return label(resp.Result, err)
	}
	first := p.amount
	if p.amount > 1 {
		first = 1 + rng.Int64N(p.amount-1)
	}
	steps := []*capture{{amount: first, last: first == p.amount}}
	if rest := p.amount - first; rest > 0 {
		if rng.IntN(3) == 0 {
			steps = append(steps, &capture{amount: rest + 1, over: true})
		}
		steps = append(steps, &capture{amount: rest, last: true})
	}
	var answer string
	for _, c := range steps {
		var ok bool
		if answer, ok = x.capture(ctx, p, c); !ok {
			break
		}
	}
	if sum, _ := p.captured(); sum > 0 {
		x.track.refundable(p)
	}
	return answer
}

// capture sends c for authorization p and checks its answer; it says
// whether the run's captures of p may go on (an over-capture refused as it
// must be included).
func (x *runner) capture(ctx context.Context, p *payment, c *capture) (string, bool) {
	c.requestID = x.newRequestID("capture")
	p.captures = append(p.captures, c) // p is busy: only this goroutine touches it
	resp, err := x.cfg.Merchant.Capture(ctx, c.requestID, p.id, x.money(c.amount), c.last)
	c.outcome, c.code = answerOutcome(resp.Result, err)
	switch {
	case c.over && c.outcome == succeeded:
		x.stats.violation("capture %s of %s: over-capture of %d answered S", c.requestID, p.id, c.amount)
	case c.over && c.outcome == refused && c.code != wire.CodeCaptureAmountExceedAuthLimit:
		x.stats.violation("capture %s of %s: over-capture answered %s, want CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT", c.requestID, p.id, c.code)
	case !c.over && c.outcome == refused:
		x.stats.violation("capture %s of %s: capture of %d within the authorization refused with %s", c.requestID, p.id, c.amount, c.code)
	case c.outcome == accepted:
		x.stats.violation("capture %s of %s: answered A %s", c.requestID, p.id, c.code)
	case c.outcome == succeeded && (resp.CaptureAmount == nil || resp.CaptureAmount.Value != strconv.FormatInt(c.amount, 10)):
		x.stats.violation("capture %s of %s: answered S with captureAmount %v, asked for %d", c.requestID, p.id, resp.CaptureAmount, c.amount)
	}
	return label(resp.Result, err), c.outcome == succeeded || (c.over && c.outcome == refused)
}
