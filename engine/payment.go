package engine

import (
	"fmt"
	"time"

	"github.com/paystate/paystate/store"
)

// Payment is what the engine answers about one payment. It is a value: the
// engine never changes a Payment it has returned.
type Payment struct {
	ID          string // wallet payment id
	PartnerID   string
	RequestID   string // merchant's paymentRequestId
	Scenario    Scenario
	State       PaymentState
	Amount      Money
	Refunded    int64 // minor units successfully refunded
	Held        int64 // minor units held by in-flight refunds or a reversal
	UserID      string
	OrderTitle  string
	OrderData   []byte // opaque display data, as given to Pay
	NotifyURL   string
	ReturnURL   string
	ExtendInfo  string // the merchant's extendInfo, as given to Pay
	FailReason  Code   // why FAIL or CLOSED (CodeExpired, CodeCancelled, a funds decline, ...)
	FailMessage string // human text for FailReason
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PaidAt      time.Time // zero unless paid
	ClosedAt    time.Time // zero unless FAIL or CLOSED
	ExpiresAt   time.Time
	CancelledAt time.Time // set when a merchant's cancel closed or reversed it
	// Pending names the funds operation in flight: "" (none), "debit",
	// "reversal", "hold" or "release". A payment with a pending operation
	// is resolved by Reconcile, never guessed.
	Pending string
	Version int64

	// Authorization is set for an authorization payment (see
	// PayRequest.Authorization). AuthorizedAt is when its hold was placed
	// (zero before), AuthExpiresAt when what is not captured is released.
	// Captured sums its succeeded captures, Capturing those in flight;
	// Captures lists them in creation order when the answer was read
	// with them (InquirePayment, Payment and Capture do).
	Authorization  bool
	AuthorizedAt   time.Time
	AuthExpiresAt  time.Time
	Captured       int64
	Capturing      int64
	AutoCapture    bool
	NotifyCaptures bool
	Captures       []Capture
}

// Capture is what the engine answers about one capture from an
// authorization.
type Capture struct {
	ID          string // wallet capture id (captureId)
	PaymentID   string
	PartnerID   string
	RequestID   string // merchant's captureRequestId
	State       CaptureState
	Amount      Money
	Last        bool // the merchant's isLastCapture
	ExtendInfo  string
	FailReason  Code
	FailMessage string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	FinishedAt  time.Time // zero while in flight; for SUCCESS, the capture time
}

// Capturable returns the minor units an authorization may still capture:
// authorized minus captured minus in flight, or 0 when it is not
// AUTHORIZED.
func (p Payment) Capturable() int64 {
	if p.State != PaymentAuthorized {
		return 0
	}
	return p.Amount.Minor - p.Captured - p.Capturing
}

// paidAmount is what a payment's refunds may give back: the amount, or
// for an authorization what was captured.
func (p Payment) paidAmount() int64 {
	if p.Authorization {
		return p.Captured
	}
	return p.Amount.Minor
}

// Refundable returns the minor units that may still be refunded: paid
// (for an authorization: captured) minus refunded minus held, or 0 when
// the payment is neither SUCCESS nor an AUTHORIZED authorization with
// captured money.
func (p Payment) Refundable() int64 {
	if p.State != PaymentSuccess && p.State != PaymentAuthorized {
		return 0
	}
	return p.paidAmount() - p.Refunded - p.Held
}

// Refund is what the engine answers about one refund.
type Refund struct {
	ID          string // wallet refund id
	PaymentID   string
	PartnerID   string
	RequestID   string // merchant's refundRequestId
	State       RefundState
	Amount      Money
	Reason      string
	NotifyURL   string // where the final result is announced, "" for nowhere
	ExtendInfo  string // the merchant's extendInfo, as given to Refund
	FailReason  Code
	FailMessage string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	FinishedAt  time.Time // zero while in flight
}

// The pending operations of a payment as stored (store.Payment.PendingOp):
// a debit or a reversal of a debit whose outcome the ledger has not told.
const (
	PendingDebit    = "debit"
	PendingReversal = "reversal"
	PendingHold     = "hold"    // an authorization's hold
	PendingRelease  = "release" // the release of what an authorization's hold has left
)

func paymentFromRecord(r *store.Payment) (Payment, error) {
	sc, ok := ParseScenario(r.Scenario)
	if !ok {
		return Payment{}, fmt.Errorf("payment %s: unknown scenario %q", r.ID, r.Scenario)
	}
	st, ok := enumIndex(paymentStateNames[:], r.Status)
	if !ok || st == int(PaymentNew) {
		return Payment{}, fmt.Errorf("payment %s: unknown status %q", r.ID, r.Status)
	}
	return Payment{
		ID: r.ID, PartnerID: r.PartnerID, RequestID: r.RequestID,
		Scenario: sc, State: PaymentState(st),
		Amount:   Money{Currency: r.Currency, Minor: r.Amount},
		Refunded: r.RefundedAmount, Held: r.HeldAmount,
		UserID: r.UserID, OrderTitle: r.OrderTitle, OrderData: r.OrderData,
		NotifyURL: r.NotifyURL, ReturnURL: r.ReturnURL, ExtendInfo: r.ExtendInfo,
		FailReason: codeFromRecord(r.FailReason), FailMessage: r.FailMessage,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, PaidAt: r.PaidAt, ClosedAt: r.ClosedAt,
		ExpiresAt: r.ExpiresAt, CancelledAt: r.CancelledAt,
		Pending: r.PendingOp, Version: r.Version,
		Authorization: r.Authorization, AuthorizedAt: r.AuthorizedAt, AuthExpiresAt: r.AuthExpiresAt,
		Captured: r.CapturedAmount, Capturing: r.CapturingAmount,
		AutoCapture: r.AutoCapture, NotifyCaptures: r.NotifyCaptures,
	}, nil
}

func captureFromRecord(r *store.Capture) (Capture, error) {
	st, ok := enumIndex(captureStateNames[:], r.Status)
	if !ok || st == int(CaptureNew) {
		return Capture{}, fmt.Errorf("capture %s: unknown status %q", r.ID, r.Status)
	}
	return Capture{
		ID: r.ID, PaymentID: r.PaymentID, PartnerID: r.PartnerID, RequestID: r.RequestID,
		State: CaptureState(st), Amount: Money{Currency: r.Currency, Minor: r.Amount}, Last: r.Last,
		ExtendInfo: r.ExtendInfo, FailReason: codeFromRecord(r.FailReason), FailMessage: r.FailMessage,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, FinishedAt: r.FinishedAt,
	}, nil
}

func refundFromRecord(r *store.Refund) (Refund, error) {
	st, ok := enumIndex(refundStateNames[:], r.Status)
	if !ok || st == int(RefundNew) {
		return Refund{}, fmt.Errorf("refund %s: unknown status %q", r.ID, r.Status)
	}
	return Refund{
		ID: r.ID, PaymentID: r.PaymentID, PartnerID: r.PartnerID, RequestID: r.RequestID,
		State: RefundState(st), Amount: Money{Currency: r.Currency, Minor: r.Amount},
		Reason: r.Reason, NotifyURL: r.NotifyURL, ExtendInfo: r.ExtendInfo,
		FailReason: codeFromRecord(r.FailReason), FailMessage: r.FailMessage,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, FinishedAt: r.FinishedAt,
	}, nil
}

func codeFromRecord(name string) Code {
	c, _ := ParseCode(name)
	return c
}

func codeToRecord(c Code) string { return c.String() }
