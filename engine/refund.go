package engine

import (
	"context"
	"errors"
	"time"

	"github.com/paystate/paystate/store"
)

// Refund gives part or all of a paid payment back to the user.
//
// The answer is the refund as it stands: SUCCESS (credited), INIT (the funds
// port gave no answer: Reconcile will find it) or FAIL with FailReason. A
// refund refused by the rules is stored as FAIL too, so a repeat gets the
// same answer: CodeOrderStatusInvalid (payment not SUCCESS, or being
// cancelled; an authorization may be refunded once something was
// captured, AUTHORIZED or SUCCESS), CodeCurrencyNotSupported (currency
// differs from the payment's), CodeRefundWindowExceed (past
// Config.RefundWindow, counted from the payment, or an authorization's
// first capture), CodeRefundAmountExceed (successful plus in-flight
// refunds would exceed the paid amount, an authorization's captured
// money; this holds under any concurrency). Such a refusal is
// returned both as the FAIL refund and as the error.
//
// A repeat of (PartnerID, RequestID) with the same payment and amount
// returns the refund as it stands and changes nothing; with different
// content it fails with CodeRepeatInconsistent. A payment that does not
// exist or belongs to another partner is CodePaymentNotFound; invalid input
// is CodeParamIllegal; a payment that has Config.MaxRefunds refunds already
// is CodeOrderStatusInvalid; a new refund of a suspended partner (see
// Limits) is CodePartnerStatusAbnormal. None of these stores anything. Deciding never
// reads the payment's earlier refunds: its RefundedAmount, HeldAmount and
// RefundCount say all it needs, so a refund costs the same whatever came
// before.
func (e *Engine) Refund(ctx context.Context, req RefundRequest) (Refund, error) {
	if err := req.validate(); err != nil {
		return Refund{}, err
	}
	for attempt := 0; ; attempt++ {
		existing, err := e.store.GetRefundByRequest(ctx, req.PartnerID, req.RequestID)
		if err == nil {
			return e.repeatRefund(ctx, &req, &existing)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return Refund{}, e.internal(err, "load refund request %s/%s", req.PartnerID, req.RequestID)
		}
		if err := e.checkPartner(req.PartnerID, Money{}); err != nil {
			return Refund{}, err
		}
		snap, err := e.locateNamed(ctx, req.paymentRef(), FieldPaymentRequestID)
		if err != nil {
			return Refund{}, err
		}
		if snap.Payment.RefundCount >= e.cfg.MaxRefunds {
			return Refund{}, errorf(CodeOrderStatusInvalid, "payment %s has %d refunds, the most this wallet keeps for one payment", snap.Payment.ID, snap.Payment.RefundCount)
		}
		pl, refused := e.decideRefund(&snap, &req, e.cfg.Now())
		err = e.commit(ctx, pl)
		if (errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrAlreadyExists)) && attempt < e.cfg.ConflictRetries {
			continue // somebody else changed the payment or sent a twin: decide again
		}
		if err != nil {
			return Refund{}, e.internal(err, "create refund for payment %s", snap.Payment.ID)
		}
		r := pl.newRefunds[0]
		if refused != nil {
			v, verr := refundView(&r)
			if verr != nil {
				return Refund{}, verr
			}
			return v, refused
		}
		return e.credit(ctx, applied(&snap, pl), &r)
	}
}

// decideRefund builds the plan that creates the refund req asks for: in
// flight with the amount held on the payment, or refused as FAIL (the
// returned error says why).
func (e *Engine) decideRefund(snap *store.Snapshot, req *RefundRequest, now time.Time) (*plan, *Error) {
	pl := updatePlan(e.machine, snap, now)
	p := &pl.p
	r := store.Refund{
		ID: e.cfg.NewID(), PaymentID: p.ID, PartnerID: p.PartnerID, RequestID: req.RequestID,
		Fingerprint: refundFingerprint(p.ID, req.Amount), Currency: req.Amount.Currency, Amount: req.Amount.Minor,
		Reason: req.Reason, NotifyURL: req.NotifyURL, ExtendInfo: req.ExtendInfo,
		Status: RefundNew.String(), CreatedAt: now, UpdatedAt: now,
	}
	p.RefundCount++
	refused := refundRefusal(p, req.Amount, now, e.cfg.RefundWindow)
	if refused != nil {
		r.FailReason, r.FailMessage = codeToRecord(refused.Code), refused.Message
		_ = pl.moveRefund(&r, EventReject, refused.Error())
	} else {
		r.NextCheckAt = now.Add(e.cfg.reconcileDelay(0))
		p.HeldAmount += r.Amount
		_ = pl.moveRefund(&r, EventOpenCredit, "")
	}
	pl.newRefunds = append(pl.newRefunds, r)
	return pl, refused
}

// refundRefusal applies the refund rules to payment p; nil means allowed.
func refundRefusal(p *store.Payment, amount Money, now time.Time, window time.Duration) *Error {
	paid := p.Amount
	if p.Authorization {
		paid = p.CapturedAmount
	}
	st := paymentState(p)
	switch {
	case st != PaymentSuccess && (st != PaymentAuthorized || p.CapturedAmount == 0):
		if p.Authorization {
			return errorf(CodeOrderStatusInvalid, "authorization %s is %s with nothing captured: nothing to refund", p.ID, p.Status)
		}
		return errorf(CodeOrderStatusInvalid, "payment %s is %s, only SUCCESS payments are refundable", p.ID, p.Status)
	case p.PendingOp == PendingReversal:
		return errorf(CodeOrderStatusInvalid, "payment %s is being cancelled", p.ID)
	case amount.Currency != p.Currency:
		return errorf(CodeCurrencyNotSupported, "refund currency %s differs from the payment's %s", amount.Currency, p.Currency)
	case now.After(p.PaidAt.Add(window)):
		return errorf(CodeRefundWindowExceed, "payment %s was paid at %s, past the refund window of %s", p.ID, p.PaidAt.Format(time.RFC3339), readableDuration(window))
	case amount.Minor > paid-p.RefundedAmount-p.HeldAmount:
		return errorf(CodeRefundAmountExceed, "refund of %s exceeds the %d minor units still refundable", amount.Value(), paid-p.RefundedAmount-p.HeldAmount)
	}
	return nil
}

// repeatRefund answers a refund whose request id is already taken.
func (e *Engine) repeatRefund(ctx context.Context, req *RefundRequest, existing *store.Refund) (Refund, error) {
	paymentID := req.PaymentID
	if req.PaymentRequestID != "" {
		if err := e.checkPartner(req.PartnerID, Money{}); err != nil {
			return Refund{}, err
		}
		snap, err := e.locateNamed(ctx, req.paymentRef(), FieldPaymentRequestID)
		switch {
		case err == nil:
			paymentID = snap.Payment.ID
		case ErrorCode(err) != CodePaymentNotFound:
			return Refund{}, err // the two ids disagree, or the store failed
		}
	}
	if existing.Fingerprint != refundFingerprint(paymentID, req.Amount) {
		return Refund{}, &Error{Code: CodeRepeatInconsistent, Field: FieldRequestID,
			Message: req.RequestID + " was used for a different refund"}
	}
	v, err := refundView(existing)
	if err != nil {
		return Refund{}, err
	}
	if v.State == RefundFail && v.FailReason != CodeNone {
		return v, &Error{Code: v.FailReason, Message: v.FailMessage}
	}
	return v, nil
}

// credit calls the funds port for refund r, whose intent is committed, and
// records the answer.
func (e *Engine) credit(ctx context.Context, committed *store.Snapshot, r *store.Refund) (Refund, error) {
	p := &committed.Payment
	res, err := e.funds.Credit(ctx, FundsRequest{
		OperationID: r.ID, PaymentID: p.ID, RefundID: r.ID, PartnerID: p.PartnerID, UserID: p.UserID,
		Amount: Money{Currency: r.Currency, Minor: r.Amount},
	})
	res = e.fundsAnswer(ctx, res, err, r.ID)
	return e.recordCredit(ctx, committed, r.ID, res)
}

// recordCredit applies a funds answer to refund refundID of the payment
// as committed and returns the refund afterwards.
func (e *Engine) recordCredit(ctx context.Context, committed *store.Snapshot, refundID string, res FundsResult) (Refund, error) {
	snap, err := e.updateRefund(ctx, committed.Payment.ID, refundID, committed, func(snap *store.Snapshot, now time.Time) (*plan, error) {
		return e.decideCreditResult(snap, refundID, res, now)
	})
	if err != nil {
		return Refund{}, err
	}
	r := findRefund(snap, refundID)
	if r == nil {
		return Refund{}, &Error{Code: CodeInternal, Message: "refund " + refundID + " vanished from its payment"}
	}
	v, err := refundView(r)
	if err == nil && v.State == RefundFail {
		err = &Error{Code: v.FailReason, Message: v.FailMessage}
	}
	return v, err
}

// decideCreditResult records the funds answer to the credit of refundID.
func (e *Engine) decideCreditResult(snap *store.Snapshot, refundID string, res FundsResult, now time.Time) (*plan, error) {
	found := findRefund(snap, refundID)
	if found == nil || refundState(found) != RefundInit {
		return nil, nil
	}
	pl := updatePlan(e.machine, snap, now)
	r := *found
	switch res.Status {
	case FundsSucceeded:
		pl.p.HeldAmount -= r.Amount
		pl.p.RefundedAmount += r.Amount
		if err := pl.moveRefund(&r, EventCreditSucceeded, ""); err != nil {
			return nil, err
		}
	case FundsDeclined:
		reason := declineCode(res.Reason)
		pl.p.HeldAmount -= r.Amount
		r.FailReason, r.FailMessage = codeToRecord(reason), res.Message
		r.NextCheckAt = time.Time{}
		if err := pl.moveRefund(&r, EventCreditDeclined, reason.String()+": "+res.Message); err != nil {
			return nil, err
		}
	default:
		r.NextCheckAt = now.Add(e.cfg.reconcileDelay(r.CheckAttempts))
		r.CheckAttempts++
		r.UpdatedAt = now
		pl.events = append(pl.events, store.Event{
			PaymentID: r.PaymentID, RefundID: r.ID, Seq: pl.p.Version, At: now,
			Name: "funds_unknown", From: r.Status, To: r.Status, Detail: res.Message,
		})
	}
	pl.updRefunds = append(pl.updRefunds, r)
	return pl, nil
}
