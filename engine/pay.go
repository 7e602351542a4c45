package engine

import (
	"context"
	"errors"
	"time"

	"github.com/paystate/paystate/store"
)

// Pay creates a payment, or answers a repeat of one.
//
// The returned payment's State tells the merchant what happened:
// ACCEPT (the user must act: cashier, order code, entry code), SUCCESS
// (debited), FAIL (declined: FailReason says why), INIT (the funds port gave
// no answer: the outcome is unknown and Reconcile will find it). A request
// with ScenarioEvaluation stores nothing and moves no money: it returns a
// SUCCESS payment with an empty ID when the payment could succeed, or the
// decline as an error.
//
// With Authorization set the money is held instead of debited (the funds
// port must implement Holds, else CodeParamIllegal on FieldAuthorization):
// AUTHORIZED takes the place of SUCCESS ("authorized, awaiting capture",
// see Capture), and AuthExpiresAt must be in the future and within
// Config.MaxAuthExpiry (CodeParamIllegal on FieldAuthExpiresAt).
//
// A repeat of (PartnerID, RequestID) with the same content returns the
// payment as it stands now and changes nothing; with different content it
// fails with CodeRepeatInconsistent; for a payment that was cancelled or
// expired it fails with CodeOrderClosed. Concurrent twins create exactly
// one payment. Invalid input fails with CodeParamIllegal (Error.Field names
// the field), CodeCurrencyNotSupported or CodePaymentAmountLimit and stores
// nothing. Config.Limits' rules refuse a new payment (never a repeat) with
// CodePartnerStatusAbnormal, CodePaymentAmountLimit, CodeUserStatusAbnormal,
// CodeUserAmountLimit or CodePaymentCountLimit, storing nothing (see
// Limits).
func (e *Engine) Pay(ctx context.Context, req PayRequest) (Payment, error) {
	if err := req.validate(); err != nil {
		return Payment{}, err
	}
	if err := e.checkAmount(req.Amount); err != nil {
		return Payment{}, err
	}
	if req.Scenario == ScenarioEvaluation {
		if err := e.checkPartner(req.PartnerID, req.Amount); err != nil {
			return Payment{}, err
		}
		return e.evaluate(ctx, &req)
	}
	fp := req.fingerprint()
	for attempt := 0; ; attempt++ {
		snap, err := e.store.LoadPaymentByRequest(ctx, req.PartnerID, req.RequestID)
		if err == nil {
			return e.repeatPay(&snap, fp)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return Payment{}, e.internal(err, "load payment request %s/%s", req.PartnerID, req.RequestID)
		}
		if err := e.checkPartner(req.PartnerID, req.Amount); err != nil {
			return Payment{}, err
		}
		payer, err := e.resolvePayer(ctx, &req)
		if err != nil {
			return Payment{}, err
		}
		pl, perr := e.decideCreate(&req, fp, e.cfg.Now(), payer)
		if perr != nil {
			return Payment{}, perr
		}
		err = e.commit(ctx, pl)
		if errors.Is(err, store.ErrAlreadyExists) && attempt < e.cfg.ConflictRetries {
			continue // a twin won: answer as a repeat of it
		}
		if refusal := usageRefusal(err); refusal != nil {
			return Payment{}, refusal
		}
		if err != nil {
			return Payment{}, e.internal(err, "create payment %s", pl.p.ID)
		}
		if pl.p.PendingOp == PendingDebit || pl.p.PendingOp == PendingHold {
			moveIn := e.debit
			if pl.p.PendingOp == PendingHold {
				moveIn = e.hold
			}
			p, _, err := moveIn(ctx, &store.Snapshot{Payment: pl.p}, req.AuthCode)
			if err == nil && p.State == PaymentClosed {
				err = errorf(CodeOrderClosed, "payment %s expired before the debit was confirmed; the money goes back", p.ID)
			}
			return p, err
		}
		return e.view(&store.Snapshot{Payment: pl.p})
	}
}

// checkAmount applies the wallet's currency list and single-payment cap.
func (e *Engine) checkAmount(m Money) *Error {
	if e.currencies != nil && !e.currencies[m.Currency] {
		return errorf(CodeCurrencyNotSupported, "currency %s is not supported", m.Currency)
	}
	if e.cfg.MaxAmount > 0 && m.Minor > e.cfg.MaxAmount {
		return errorf(CodePaymentAmountLimit, "amount %s is over the limit of %d minor units", m.Value(), e.cfg.MaxAmount)
	}
	return nil
}

// decideCreate builds the plan that creates the payment req asks for.
// payer, when known before the debit (see resolvePayer), is the user whose
// rules apply and whose day the payment takes room in.
func (e *Engine) decideCreate(req *PayRequest, fp string, now time.Time, payer string) (*plan, error) {
	expires := req.ExpiresAt
	if expires.IsZero() {
		expires = now.Add(e.cfg.Expiry[req.Scenario])
	} else if !expires.After(now) {
		return nil, paramError(FieldExpiresAt, "%s is not in the future", expires.UTC().Format(time.RFC3339))
	} else if expires.Sub(now) > e.cfg.MaxExpiry {
		return nil, paramError(FieldExpiresAt, "%s is more than %s ahead", expires.UTC().Format(time.RFC3339), readableDuration(e.cfg.MaxExpiry))
	}
	if req.Authorization {
		if err := e.checkAuthorization(req, now); err != nil {
			return nil, err
		}
	}
	pl := newPaymentPlan(e.machine, store.Payment{
		ID: e.cfg.NewID(), PartnerID: req.PartnerID, RequestID: req.RequestID, Fingerprint: fp,
		Scenario: req.Scenario.String(), Currency: req.Amount.Currency, Amount: req.Amount.Minor,
		OrderTitle: req.OrderTitle, OrderData: req.OrderData, NotifyURL: req.NotifyURL, ReturnURL: req.ReturnURL,
		ExtendInfo:    req.ExtendInfo,
		ExpiresAt:     expires.UTC(),
		Authorization: req.Authorization, AuthExpiresAt: utcOrZero(req.AuthExpiresAt),
		AutoCapture: req.CaptureAutomatically, NotifyCaptures: req.NotifyCaptures,
	}, now)
	if payer != "" {
		rules, refusal := e.userRules(payer)
		if refusal != nil {
			return nil, refusal
		}
		pl.p.UserID = payer
		pl.holdUsage(e, rules)
	}
	if req.Scenario.Synchronous() && req.Authorization {
		pl.startOp(PendingHold, e.cfg.reconcileDelay(0))
		return pl, pl.move(EventOpenHold, "")
	}
	if req.Scenario.Synchronous() {
		pl.startOp(PendingDebit, e.cfg.reconcileDelay(0))
		return pl, pl.move(EventOpenDebit, "")
	}
	return pl, pl.move(EventAccept, "")
}

// checkAuthorization applies the rules of an authorization pay: a funds
// port that holds money, and an AuthExpiresAt in the future within
// Config.MaxAuthExpiry.
func (e *Engine) checkAuthorization(req *PayRequest, now time.Time) *Error {
	if e.holds == nil {
		return paramError(FieldAuthorization, "this wallet does not offer authorization payments (its funds port places no holds)")
	}
	switch at := req.AuthExpiresAt; {
	case at.IsZero():
	case !at.After(now):
		return paramError(FieldAuthExpiresAt, "%s is not in the future", at.UTC().Format(time.RFC3339))
	case at.Sub(now) > e.cfg.MaxAuthExpiry:
		return paramError(FieldAuthExpiresAt, "%s is more than %s ahead", at.UTC().Format(time.RFC3339), readableDuration(e.cfg.MaxAuthExpiry))
	}
	return nil
}

func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// repeatPay answers a pay whose request id is already taken.
func (e *Engine) repeatPay(snap *store.Snapshot, fp string) (Payment, error) {
	if snap.Payment.Fingerprint != fp {
		return Payment{}, &Error{Code: CodeRepeatInconsistent, Field: FieldRequestID,
			Message: snap.Payment.RequestID + " was used for a different payment"}
	}
	p, err := e.view(snap)
	if err != nil {
		return Payment{}, err
	}
	if p.State == PaymentClosed {
		return p, errorf(CodeOrderClosed, "payment %s is closed (%s)", p.ID, p.FailReason)
	}
	return p, nil
}

// evaluate answers a ScenarioEvaluation request without storing anything.
func (e *Engine) evaluate(ctx context.Context, req *PayRequest) (Payment, error) {
	now := e.cfg.Now()
	p := Payment{
		PartnerID: req.PartnerID, RequestID: req.RequestID, Scenario: req.Scenario, State: PaymentSuccess,
		Amount: req.Amount, OrderTitle: req.OrderTitle, CreatedAt: now, UpdatedAt: now,
	}
	ev, ok := e.funds.(Evaluator)
	if !ok {
		return p, nil
	}
	res, err := ev.Evaluate(ctx, FundsRequest{
		PartnerID: req.PartnerID, AuthCode: req.AuthCode, Scenario: req.Scenario, Amount: req.Amount,
	})
	switch {
	case err != nil || res.Status == FundsUnknown:
		return Payment{}, &Error{Code: CodePaymentInProcess, Message: "evaluation has no answer", Err: err}
	case res.Status == FundsDeclined:
		return Payment{}, &Error{Code: declineCode(res.Reason), Message: res.Message}
	}
	p.UserID = res.UserID
	if e.cfg.Limits != nil && p.UserID != "" {
		if _, refusal := e.userRules(p.UserID); refusal != nil {
			return Payment{}, refusal
		}
	}
	return p, nil
}
