package load

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// Verification is what Verify found.
type Verification struct {
	Payments, Refunds int // checked
	// ByStatus counts the payments by the paymentStatus the wallet
	// reports ("absent" for ORDER_NOT_EXIST).
	ByStatus map[string]int
	// Notifications received in all, distinct notification ids, and final
	// payments still not notified when Verify gave up waiting.
	Notifications, DistinctNotifications, Unnotified int
	// Unverified counts the payments Verify did not ask about because the
	// wallet had given no definite answer for Silence (Verify's wait).
	Unverified int
	Silence    time.Duration
	Violations []string
}

// OK says whether the wallet kept every promise.
func (v Verification) OK() bool { return len(v.Violations) == 0 }

// Print writes the verification.
func (v Verification) Print(w io.Writer) {
	if v.Unverified > 0 {
		fmt.Fprintf(w, "verification stopped asking: the wallet gave no definite answer for %s; %d of %d payments not verified\n",
			v.Silence, v.Unverified, v.Payments+v.Unverified)
	}
	fmt.Fprintf(w, "verified %d payments and %d refunds: %v\n", v.Payments, v.Refunds, v.ByStatus)
	fmt.Fprintf(w, "notifications: %d received, %d distinct, %d final payments not notified\n",
		v.Notifications, v.DistinctNotifications, v.Unnotified)
	shown := v.Violations[:min(len(v.Violations), maxViolations)]
	printViolations(w, "violations found by verification", shown, len(v.Violations)-len(shown))
}

// verified is the wallet's final word on one payment.
type verified struct {
	p      *payment
	status string // paymentStatus, or "absent"
}

// Verify asks the wallet about every payment and refund of the run and
// checks them against what it acknowledged (see the package doc), then
// waits up to wait for every final payment's notification to reach
// notified. wait also bounds how long it keeps asking a wallet that gives
// no definite answer (no answer, or U): it retries an inquiry until the
// wallet has been silent for wait in a row, then stops asking, counts the
// payments left as Unverified and reports a violation saying so. Violations
// found during the run are included.
func (r *Run) Verify(ctx context.Context, notified *Notified, wait time.Duration) Verification {
	v := Verification{ByStatus: map[string]int{}, Silence: wait}
	quiet := &silence{wait: wait, since: time.Now()}
	var payments []*payment
	if r.stats != nil { // a zero Run has sent nothing: only notified is checked
		r.stats.mu.Lock()
		v.Violations = append(v.Violations, r.stats.violations...)
		if r.stats.extra > 0 {
			v.Violations = append(v.Violations, fmt.Sprintf("... and %d more violations during the run", r.stats.extra))
		}
		r.stats.mu.Unlock()
		payments = r.track.snapshot()
	}
	var final []verified
	for _, p := range payments {
		if quiet.exhausted() {
			v.Unverified++
			continue
		}
		status, problems := r.verifyPayment(ctx, quiet, p)
		v.Payments++
		v.Refunds += len(p.refunds)
		v.ByStatus[status]++
		v.Violations = append(v.Violations, problems...)
		if status == wire.PaymentStatusSuccess || status == wire.PaymentStatusFail {
			final = append(final, verified{p, status})
		}
	}
	if v.Unverified > 0 {
		v.Violations = append(v.Violations, fmt.Sprintf("the wallet gave no definite answer for %s: %d of %d payments not verified",
			wait, v.Unverified, v.Payments+v.Unverified))
	}
	if notified == nil {
		return v
	}
	deadline := time.Now().Add(wait)
	for {
		missing := 0
		for _, f := range final {
			if !notified.statusesOf(f.p.id)[f.status] {
				missing++
			}
		}
		v.Unnotified = missing
		if missing == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, f := range final {
		seen := notified.statusesOf(f.p.id)
		if !seen[f.status] {
			v.Violations = append(v.Violations, fmt.Sprintf("payment %s (%s) is %s but was never notified", f.p.id, f.p.requestID, f.status))
		}
		for s := range seen {
			if s != f.status {
				v.Violations = append(v.Violations, fmt.Sprintf("payment %s is %s but was notified %s", f.p.id, f.status, s))
			}
		}
	}
	var conflicts []string
	v.Notifications, v.DistinctNotifications, conflicts = notified.counts()
	v.Violations = append(v.Violations, conflicts...)
	return v
}

// verifyPayment checks one payment and its refunds.
func (r *Run) verifyPayment(ctx context.Context, quiet *silence, p *payment) (string, []string) {
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("payment %s (%s): ", p.id, p.requestID)+fmt.Sprintf(format, args...))
	}
	var resp wire.InquiryPaymentResponse
	err := r.retry(ctx, quiet, func(ctx context.Context) (wire.Result, error) {
		resp = wire.InquiryPaymentResponse{}
		m := r.cfg.Merchant
		_, err := m.Client.Call(ctx, wire.PathInquiryPayment, wire.PaymentQuery{PartnerID: m.PartnerID, PaymentRequestID: p.requestID}, &resp)
		return resp.Result, err
	})
	if err != nil {
		bad("no answer to inquiryPayment: %v", err)
		return "no answer", problems
	}
	status := resp.PaymentStatus
	switch {
	case resp.Result.ResultCode == wire.CodeOrderNotExist:
		status = "absent"
	case resp.Result.ResultStatus != wire.StatusSuccess:
		bad("inquiryPayment answered %s %s", resp.Result.ResultStatus, resp.Result.ResultCode)
		return "error", problems
	case p.id != "" && resp.PaymentID != p.id:
		bad("inquiry by request id found payment %s", resp.PaymentID)
	}
	if p.id == "" {
		p.id = resp.PaymentID
	}
	switch {
	case p.outcome == succeeded && status != wire.PaymentStatusSuccess:
		bad("acknowledged paid, now %s", status)
	case p.outcome == refused && status == wire.PaymentStatusSuccess:
		bad("refused with %s, now SUCCESS", p.code)
	case p.outcome == accepted && status == "absent":
		bad("acknowledged A, now absent")
	}
	if resp.PaymentAmount != nil && resp.PaymentAmount.Value != fmt.Sprint(p.amount) {
		bad("amount %s, asked for %d", resp.PaymentAmount.Value, p.amount)
	}

	limit := p.amount // what refunds may take
	if p.authorization {
		limit = checkCaptures(p, resp.Transactions, bad)
	}
	var refunded int64
	for _, rf := range p.refunds {
		st, amount, err := r.refundStatus(ctx, quiet, rf)
		switch {
		case err != nil:
			bad("refund %s: no answer to inquiryRefund: %v", rf.requestID, err)
		case rf.outcome == succeeded && st != "SUCCESS":
			bad("refund %s acknowledged S, now %s", rf.requestID, st)
		case rf.outcome == refused && st == "SUCCESS":
			bad("refund %s refused with %s, now SUCCESS", rf.requestID, rf.code)
		}
		if st == "SUCCESS" {
			if amount != fmt.Sprint(rf.amount) {
				bad("refund %s of %s, asked for %d", rf.requestID, amount, rf.amount)
			}
			refunded += rf.amount
		}
	}
	if refunded > limit {
		bad("refunds of %d exceed the payment's %d", refunded, limit)
	}
	if refunded > 0 && status != wire.PaymentStatusSuccess {
		bad("refunds of %d on a payment that is %s", refunded, status)
	}
	return status, problems
}

// checkCaptures holds authorization p's captures, as inquiryPayment
// listed them, to what their answers said: a capture answered S is there,
// SUCCESS, for its amount; one refused is FAIL if listed; none is listed
// that the generator did not send; together they stay within the
// authorization. It returns what they captured.
func checkCaptures(p *payment, listed []wire.Transaction, bad func(format string, args ...any)) int64 {
	byRequest := map[string]wire.Transaction{}
	var captured int64
	for _, t := range listed {
		if t.TransactionType != wire.TransactionTypeCapture {
			continue
		}
		byRequest[t.TransactionRequestID] = t
		if t.TransactionStatus == wire.TransactionStatusSuccess && t.TransactionAmount != nil {
			n, err := strconv.ParseInt(t.TransactionAmount.Value, 10, 64)
			if err != nil {
				bad("capture %s listed with amount %q", t.TransactionRequestID, t.TransactionAmount.Value)
			}
			captured += n
		}
	}
	for _, c := range p.captures {
		t, listed := byRequest[c.requestID]
		switch {
		case c.outcome == succeeded && !listed:
			bad("capture %s acknowledged S, not listed", c.requestID)
		case c.outcome == succeeded && t.TransactionStatus != wire.TransactionStatusSuccess:
			bad("capture %s acknowledged S, listed %s", c.requestID, t.TransactionStatus)
		case c.outcome == succeeded && (t.TransactionAmount == nil || t.TransactionAmount.Value != strconv.FormatInt(c.amount, 10)):
			bad("capture %s of %d listed for %v", c.requestID, c.amount, t.TransactionAmount)
		case c.outcome == refused && listed && t.TransactionStatus != wire.TransactionStatusFail:
			bad("capture %s refused with %s, listed %s", c.requestID, c.code, t.TransactionStatus)
		}
	}
	sent := map[string]bool{}
	for _, c := range p.captures {
		sent[c.requestID] = true
	}
	for request := range byRequest {
		if !sent[request] {
			bad("capture %s listed, never sent", request)
		}
	}
	if captured > p.amount {
		bad("captures of %d exceed the authorization's %d", captured, p.amount)
	}
	return captured
}

// refundStatus asks for one refund: its status ("absent" for
// REFUND_NOT_EXIST) and amount.
func (r *Run) refundStatus(ctx context.Context, quiet *silence, rf *refund) (string, string, error) {
	var resp wire.InquiryRefundResponse
	err := r.retry(ctx, quiet, func(ctx context.Context) (wire.Result, error) {
		resp = wire.InquiryRefundResponse{}
		m := r.cfg.Merchant
		_, err := m.Client.Call(ctx, wire.PathInquiryRefund, wire.RefundQuery{PartnerID: m.PartnerID, RefundRequestID: rf.requestID}, &resp)
		return resp.Result, err
	})
	switch {
	case err != nil:
		return "", "", err
	case resp.Result.ResultCode == wire.CodeRefundNotExist:
		return "absent", "", nil
	case resp.Result.ResultStatus != wire.StatusSuccess:
		return "", "", fmt.Errorf("answered %s %s", resp.Result.ResultStatus, resp.Result.ResultCode)
	}
	amount := ""
	if resp.RefundAmount != nil {
		amount = resp.RefundAmount.Value
	}
	return resp.RefundStatus, amount, nil
}

// silence is how long the wallet has given no definite answer during a
// verification, against how long verification waits for one.
type silence struct {
	wait   time.Duration
	since  time.Time // the last definite answer, or the start
	failed bool      // a call failed since then
}

func (s *silence) answered() { s.since, s.failed = time.Now(), false }

// exhausted says whether the wallet has been silent for wait since its
// last definite answer, a failed call included: then verification stops
// asking.
func (s *silence) exhausted() bool { return s.failed && time.Since(s.since) >= s.wait }

// retry calls an inquiry until it gets an answer that is not U, or until
// the wallet has been silent for quiet's wait; a call is given r's
// operation timeout, shortened to what is left of the wait (at least a
// second).
func (r *Run) retry(ctx context.Context, quiet *silence, call func(ctx context.Context) (wire.Result, error)) error {
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		timeout := min(r.cfg.Timeout, max(quiet.wait-time.Since(quiet.since), time.Second))
		callCtx, cancel := context.WithTimeout(ctx, timeout)
		res, err := call(callCtx)
		cancel()
		if err == nil && res.ResultStatus != wire.StatusUnknown {
			quiet.answered()
			return nil
		}
		quiet.failed = true
		if err == nil {
			err = fmt.Errorf("answered U %s", res.ResultCode)
		}
		if quiet.exhausted() || ctx.Err() != nil {
			return err
		}
		time.Sleep(min(wait, max(quiet.wait-time.Since(quiet.since), 0)))
	}
}
