package engine

import (
	"context"
	"time"
)

// Funds is the port through which money moves: the host wallet's ledger.
// The engine calls it only after it has durably recorded its intent, and
// identifies every call by an OperationID that never changes, so a call that
// is repeated (after a crash, a timeout or by the reconciler) must be applied
// at most once by the host.
//
// Every method answers with a FundsResult. A returned error counts as
// FundsUnknown: the engine keeps the operation in flight and asks Inquire
// later; it never guesses success or failure.
type Funds interface {
	// Debit takes req.Amount from the payer. For the cashier, order code and
	// entry code scenarios req.UserID names the payer; for agreement and
	// payment code scenarios req.AuthCode does (an access token or a
	// user-presented code) and the host resolves it. A succeeded result
	// names the debited user in FundsResult.UserID.
	Debit(ctx context.Context, req FundsRequest) (FundsResult, error)
	// Credit gives req.Amount back to req.UserID (refunds and reversals of
	// earlier debits).
	Credit(ctx context.Context, req FundsRequest) (FundsResult, error)
	// Inquire reports what became of an earlier Debit or Credit with the
	// given operation id. For an id the host never applied it must answer
	// FundsDeclined and from then on refuse that id forever, so that a late
	// duplicate cannot move money after the engine gave up on it.
	Inquire(ctx context.Context, operationID string) (FundsResult, error)
}

// Holds is the optional capability of a Funds that authorization payments
// need: money set aside on the payer's account (a hold), later captured
// in one or more parts or released. Without it the engine refuses
// authorization payments with CodeParamIllegal on FieldAuthorization.
//
// Holds follow the Funds rules: every call carries an OperationID applied
// at most once, an error counts as FundsUnknown, and Funds.Inquire reports
// what became of any of these operations (declining, and from then on
// refusing, an id it never applied).
type Holds interface {
	// Hold sets req.Amount aside on the payer, named by req.UserID or
	// req.AuthCode as for Funds.Debit. The hold is known from then on by
	// req.OperationID (the HoldID of later calls). A succeeded result
	// names the payer in FundsResult.UserID.
	Hold(ctx context.Context, req FundsRequest) (FundsResult, error)
	// Capture moves req.Amount from hold req.HoldID to the merchant. The
	// engine never asks for more than the hold has left; it may capture a
	// hold several times, each with its own operation id.
	Capture(ctx context.Context, req FundsRequest) (FundsResult, error)
	// Release gives what hold req.HoldID has left back to the payer
	// (req.Amount says how much the engine expects that to be) and closes
	// the hold: nothing can be captured from it afterwards. The engine
	// releases a hold at most once with success; releasing a hold that
	// has nothing left succeeds.
	Release(ctx context.Context, req FundsRequest) (FundsResult, error)
}

// Evaluator is an optional capability of a Funds: it answers whether a debit
// could succeed without moving money. The engine uses it for
// ScenarioEvaluation; without it, a valid evaluation request succeeds.
type Evaluator interface {
	Evaluate(ctx context.Context, req FundsRequest) (FundsResult, error)
}

// FundsRequest describes one movement of money.
type FundsRequest struct {
	OperationID string // stable, unique per movement: apply at most once
	PaymentID   string
	RefundID    string // set for refund credits
	CaptureID   string // set for captures
	HoldID      string // the hold a Capture or Release applies to (the Hold's OperationID)
	PartnerID   string
	UserID      string // payer (cashier debits, every credit)
	AuthCode    string // access token or payment code (synchronous debits)
	Scenario    Scenario
	Amount      Money
}

// FundsStatus is the outcome of a funds call.
type FundsStatus uint8

// The funds outcomes.
const (
	FundsUnknown   FundsStatus = iota // no answer (timeout, crash): ask again later
	FundsSucceeded                    // the money moved
	FundsDeclined                     // the money did not move and never will for this operation id
)

// FundsResult is the host's answer to a funds call.
type FundsResult struct {
	Status FundsStatus
	// Reason says why a debit or credit was declined, as an engine code:
	// CodeBalanceNotEnough, CodeUserNotExist, CodeUserStatusAbnormal,
	// CodeInvalidAccessToken, CodeExpiredAccessToken, CodeInvalidCode,
	// CodeAuthCodeAlreadyUsed, CodeUserAmountLimit, CodePaymentAmountLimit,
	// CodeRiskReject or CodeProcessFail. Any other code reads as
	// CodeProcessFail.
	Reason  Code
	Message string // human text for the decline, kept in history
	UserID  string // for a succeeded debit: the user who paid
	// At is when the ledger applied a succeeded operation, if it knows.
	// The engine uses it as the payment time and to judge whether a debit
	// landed before the payment's expiry (an answer learned late, through
	// Reconcile, still counts from when the money moved). Zero, or a time
	// after the engine's clock, reads as the engine's clock.
	At time.Time
}

func (r FundsResult) appliedAt(now time.Time) time.Time {
	if r.At.IsZero() || r.At.After(now) {
		return now
	}
	return r.At.UTC()
}

// declineCode narrows a host's decline reason to the codes a decline may
// carry.
func declineCode(c Code) Code {
	switch c {
	case CodeBalanceNotEnough, CodeUserNotExist, CodeUserStatusAbnormal, CodeInvalidAccessToken,
		CodeExpiredAccessToken, CodeInvalidCode, CodeAuthCodeAlreadyUsed, CodeUserAmountLimit,
		CodePaymentAmountLimit, CodeRiskReject, CodeProcessFail:
		return c
	}
	return CodeProcessFail
}
