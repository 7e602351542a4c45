package engine

import (
	"context"
	"errors"
	"time"

	"github.com/paystate/paystate/store"
)

// AutoCaptureRequestID is the request id of the capture the engine makes
// by itself for an authorization asked with CaptureAutomatically.
func AutoCaptureRequestID(paymentID string) string { return "auto-" + paymentID }

// Capture takes part or all of an authorization's hold for the merchant.
//
// The answer is the capture as it stands: SUCCESS (captured), INIT (the
// funds port gave no answer: Reconcile will find it) or FAIL with
// FailReason. A capture refused by the rules is stored as FAIL too, so a
// repeat gets the same answer: CodeAuthCancelled (the merchant voided the
// authorization), CodeAuthExpired (it expired; a capture that finds it
// past its AuthExpiresAt expires it), CodeNotAuthorization (the payment is
// not an authorization, or was never authorized), CodeOrderStatusInvalid
// (the authorization is complete: captured in full or after its last
// capture), CodeCurrencyNotSupported (currency differs from the
// payment's), CodeCaptureAmountExceed (captured plus in flight would
// exceed the authorized amount; this holds under any concurrency). Such a
// refusal is returned both as the FAIL capture and as the error. A capture
// the funds port declined is FAIL with the decline's code, also returned
// as the error.
//
// A capture with Last set releases what the hold has left once it
// succeeds, and the payment becomes SUCCESS; so does a capture that takes
// the hold's last minor unit. While a capture with Last is in flight no
// other capture starts, and a capture with Last waits for those in
// flight; both, and a capture of an authorization whose hold is still in
// flight, fail with CodeCaptureInProcess and store nothing (ask again with
// the same request id).
//
// A repeat of (PartnerID, RequestID) with the same payment, amount and
// Last returns the capture as it stands and changes nothing; with
// different content it fails with CodeRepeatInconsistent. A payment that
// does not exist or belongs to another partner is CodePaymentNotFound;
// invalid input is CodeParamIllegal; an authorization that has
// Config.MaxCaptures captures already is CodeOrderStatusInvalid; a new
// capture of a suspended partner (see Limits) is
// CodePartnerStatusAbnormal. None of these stores anything.
func (e *Engine) Capture(ctx context.Context, req CaptureRequest) (Capture, error) {
	if err := req.validate(); err != nil {
		return Capture{}, err
	}
	for attempt := 0; ; attempt++ {
		// The payment is read before the request key is looked up: a twin
		// that commits in between is then found as a repeat, never
		// mistaken for one capture too many.
		snap, err := e.paymentByID(ctx, req.PartnerID, req.PaymentID)
		if err != nil && ErrorCode(err) != CodePaymentNotFound {
			return Capture{}, err
		}
		existing, lerr := e.store.GetCaptureByRequest(ctx, req.PartnerID, req.RequestID)
		if lerr == nil {
			return repeatCapture(&req, &existing)
		}
		if !errors.Is(lerr, store.ErrNotFound) {
			return Capture{}, e.internal(lerr, "load capture request %s/%s", req.PartnerID, req.RequestID)
		}
		if err != nil {
			return Capture{}, err
		}
		if err := e.checkPartner(req.PartnerID, Money{}); err != nil {
			return Capture{}, err
		}
		if snap.Payment.CaptureCount >= e.cfg.MaxCaptures {
			return Capture{}, errorf(CodeOrderStatusInvalid, "payment %s has %d captures, the most this wallet keeps for one authorization", snap.Payment.ID, snap.Payment.CaptureCount)
		}
		pl, c, refused, err := e.decideCapture(&snap, &req, e.cfg.Now())
		if err != nil {
			return Capture{}, err
		}
		err = e.commit(ctx, pl)
		if (errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrAlreadyExists)) && attempt < e.cfg.ConflictRetries {
			continue // somebody else changed the payment or sent a twin: decide again
		}
		if err != nil {
			return Capture{}, e.internal(err, "create capture for payment %s", snap.Payment.ID)
		}
		after := applied(&snap, pl)
		if refused != nil {
			if _, err := e.follow(ctx, after, pl); err != nil { // a capture that found the authorization expired released it
				return Capture{}, err
			}
			v, verr := captureView(c)
			if verr != nil {
				return Capture{}, verr
			}
			return v, refused
		}
		after, err = e.captureFunds(ctx, after, c)
		if err != nil {
			return Capture{}, err
		}
		return captureAnswer(after, c.ID)
	}
}

// captureAnswer returns capture captureID of snap, with its failure as the
// error when it failed.
func captureAnswer(snap *store.Snapshot, captureID string) (Capture, error) {
	c := findCapture(snap, captureID)
	if c == nil {
		return Capture{}, &Error{Code: CodeInternal, Message: "capture " + captureID + " vanished from its payment"}
	}
	v, err := captureView(c)
	if err == nil && v.State == CaptureFail {
		err = &Error{Code: v.FailReason, Message: v.FailMessage}
	}
	return v, err
}

// repeatCapture answers a capture whose request id is already taken.
func repeatCapture(req *CaptureRequest, existing *store.Capture) (Capture, error) {
	if existing.Fingerprint != captureFingerprint(req.PaymentID, req.Amount, req.Last) {
		return Capture{}, &Error{Code: CodeRepeatInconsistent, Field: FieldCaptureRequestID,
			Message: req.RequestID + " was used for a different capture"}
	}
	v, err := captureView(existing)
	if err != nil {
		return Capture{}, err
	}
	if v.State == CaptureFail && v.FailReason != CodeNone {
		return v, &Error{Code: v.FailReason, Message: v.FailMessage}
	}
	return v, nil
}

// decideCapture builds the plan that creates the capture req asks for: in
// flight with its amount reserved on the payment, or refused as FAIL (the
// returned *Error says why). A refusal that stores nothing is returned as
// err, with no plan.
func (e *Engine) decideCapture(snap *store.Snapshot, req *CaptureRequest, now time.Time) (pl *plan, c *store.Capture, refused *Error, err error) {
	p := &snap.Payment
	switch {
	case p.PendingOp == PendingHold:
		return nil, nil, nil, errorf(CodeCaptureInProcess, "the hold of authorization %s is in flight", p.ID)
	case p.Status == PaymentAuthorized.String() && now.Before(p.AuthExpiresAt) && p.LastCaptureID != "":
		return nil, nil, nil, errorf(CodeCaptureInProcess, "the last capture of authorization %s is in flight", p.ID)
	case p.Status == PaymentAuthorized.String() && now.Before(p.AuthExpiresAt) && req.Last && p.CapturingAmount > 0:
		return nil, nil, nil, errorf(CodeCaptureInProcess, "authorization %s has captures in flight; the last one waits for them", p.ID)
	}
	pl = updatePlan(e.machine, snap, now)
	refused = captureRefusal(&pl.p, req.Amount, now)
	if refused != nil && refused.Code == CodeAuthExpired && authExpiryDue(&pl.p, now) {
		if err := e.endAuthorization(pl, CodeAuthExpired); err != nil {
			return nil, nil, nil, err
		}
	}
	c = e.newCapture(pl, req.RequestID, req.Amount, req.Last, req.ExtendInfo)
	if refused != nil {
		c.FailReason, c.FailMessage = codeToRecord(refused.Code), refused.Message
		c.NextCheckAt = time.Time{}
		if err := pl.moveCapture(c, EventRejectCapture, refused.Error()); err != nil {
			return nil, nil, nil, err
		}
	} else if err := e.startCapture(pl, c); err != nil {
		return nil, nil, nil, err
	}
	pl.newCaps = append(pl.newCaps, *c)
	return pl, &pl.newCaps[len(pl.newCaps)-1], refused, nil
}

// captureRefusal applies the capture rules to payment p; nil means
// allowed.
func captureRefusal(p *store.Payment, amount Money, now time.Time) *Error {
	st := paymentState(p)
	switch {
	case !p.Authorization:
		return errorf(CodeNotAuthorization, "payment %s is not an authorization", p.ID)
	case st == PaymentAuthorized && !now.Before(p.AuthExpiresAt):
		return errorf(CodeAuthExpired, "authorization %s expired at %s", p.ID, p.AuthExpiresAt.Format(time.RFC3339))
	case st == PaymentClosed && !p.CancelledAt.IsZero(), st == PaymentSuccess && !p.CancelledAt.IsZero():
		return errorf(CodeAuthCancelled, "authorization %s was cancelled", p.ID)
	case st == PaymentClosed:
		return errorf(CodeAuthExpired, "authorization %s expired", p.ID)
	case st == PaymentSuccess && !now.Before(p.AuthExpiresAt):
		return errorf(CodeAuthExpired, "authorization %s expired at %s", p.ID, p.AuthExpiresAt.Format(time.RFC3339))
	case st == PaymentSuccess:
		return errorf(CodeOrderStatusInvalid, "authorization %s is complete: nothing is left to capture", p.ID)
	case st != PaymentAuthorized:
		return errorf(CodeNotAuthorization, "payment %s is %s, not authorized", p.ID, st)
	case amount.Currency != p.Currency:
		return errorf(CodeCurrencyNotSupported, "capture currency %s differs from the authorization's %s", amount.Currency, p.Currency)
	case amount.Minor > p.Amount-p.CapturedAmount-p.CapturingAmount:
		return errorf(CodeCaptureAmountExceed, "capture of %s exceeds the %d minor units left to capture", amount.Value(), p.Amount-p.CapturedAmount-p.CapturingAmount)
	}
	return nil
}

// newCapture returns a capture of pl's payment in its pseudo-state NEW,
// counted on the payment.
func (e *Engine) newCapture(pl *plan, requestID string, amount Money, last bool, extendInfo string) *store.Capture {
	pl.p.CaptureCount++
	return &store.Capture{
		ID: e.cfg.NewID(), PaymentID: pl.p.ID, PartnerID: pl.p.PartnerID, RequestID: requestID,
		Fingerprint: captureFingerprint(pl.p.ID, amount, last), Currency: amount.Currency, Amount: amount.Minor,
		Last: last, Notify: pl.p.NotifyCaptures, ExtendInfo: extendInfo,
		Status: CaptureNew.String(), CreatedAt: pl.now, UpdatedAt: pl.now,
	}
}

// startCapture puts capture c in flight, its amount reserved on the
// payment.
func (e *Engine) startCapture(pl *plan, c *store.Capture) error {
	c.NextCheckAt = pl.now.Add(e.cfg.reconcileDelay(0))
	pl.p.CapturingAmount += c.Amount
	if c.Last {
		pl.p.LastCaptureID = c.ID
	}
	return pl.moveCapture(c, EventOpenCapture, "")
}

// openCapture adds to pl a capture in flight that needs no rule checks
// (the engine's own automatic capture of a hold just placed) and returns
// it.
func (e *Engine) openCapture(pl *plan, requestID string, amount Money, last bool, extendInfo string) *store.Capture {
	c := e.newCapture(pl, requestID, amount, last, extendInfo)
	_ = e.startCapture(pl, c) // NEW -> INIT is always declared
	pl.newCaps = append(pl.newCaps, *c)
	return &pl.newCaps[len(pl.newCaps)-1]
}

// captureFunds asks the funds port for capture c, whose intent is
// committed, records the answer and issues what the answer opened (the
// release after a last capture).
func (e *Engine) captureFunds(ctx context.Context, committed *store.Snapshot, c *store.Capture) (*store.Snapshot, error) {
	p := &committed.Payment
	res, err := e.holds.Capture(ctx, FundsRequest{
		OperationID: c.ID, PaymentID: p.ID, CaptureID: c.ID, PartnerID: p.PartnerID, UserID: p.UserID,
		HoldID: p.HoldID, Amount: Money{Currency: c.Currency, Minor: c.Amount},
	})
	res = e.fundsAnswer(ctx, res, err, c.ID)
	return e.updateAndFollow(ctx, p.ID, "", committed, func(snap *store.Snapshot, now time.Time) (*plan, error) {
		return e.decideCaptureResult(snap, c.ID, res, now)
	})
}

// decideCaptureResult records the funds answer to capture captureID. When
// the capture leaves flight and completes the authorization (its last
// capture, or the hold used up) the payment becomes SUCCESS and what the
// hold has left is released; when it leaves an AUTHORIZED payment past
// its expiry with nothing else in flight, the expiry happens now.
func (e *Engine) decideCaptureResult(snap *store.Snapshot, captureID string, res FundsResult, now time.Time) (*plan, error) {
	found := findCapture(snap, captureID)
	if found == nil || captureState(found) != CaptureInit {
		return nil, nil
	}
	pl := updatePlan(e.machine, snap, now)
	c := *found
	switch res.Status {
	case FundsUnknown:
		c.NextCheckAt = now.Add(e.cfg.reconcileDelay(c.CheckAttempts))
		c.CheckAttempts++
		c.UpdatedAt = now
		pl.events = append(pl.events, store.Event{
			PaymentID: c.PaymentID, RefundID: c.ID, Seq: pl.p.Version, At: now,
			Name: "funds_unknown", From: c.Status, To: c.Status, Detail: res.Message,
		})
		pl.updCaps = append(pl.updCaps, c)
		return pl, nil
	case FundsSucceeded:
		pl.p.CapturingAmount -= c.Amount
		pl.p.CapturedAmount += c.Amount
		if pl.p.PaidAt.IsZero() {
			pl.p.PaidAt = res.appliedAt(now)
		}
		if err := pl.moveCapture(&c, EventCaptureSucceeded, ""); err != nil {
			return nil, err
		}
	default:
		reason := declineCode(res.Reason)
		pl.p.CapturingAmount -= c.Amount
		c.FailReason, c.FailMessage = codeToRecord(reason), res.Message
		if err := pl.moveCapture(&c, EventCaptureDeclined, reason.String()+": "+res.Message); err != nil {
			return nil, err
		}
	}
	if pl.p.LastCaptureID == c.ID {
		pl.p.LastCaptureID = ""
	}
	pl.updCaps = append(pl.updCaps, c)
	if paymentState(&pl.p) != PaymentAuthorized {
		return pl, nil
	}
	switch {
	case pl.p.CapturedAmount == pl.p.Amount:
		return pl, pl.move(EventCaptureComplete, "captured in full")
	case c.Last && res.Status == FundsSucceeded:
		if err := pl.move(EventCaptureComplete, "last capture: the rest of the hold is released"); err != nil {
			return nil, err
		}
		pl.startOp(PendingRelease, e.cfg.reconcileDelay(0))
	case authExpiryDue(&pl.p, now):
		return pl, e.endAuthorization(pl, CodeAuthExpired)
	}
	return pl, nil
}
