package store

import (
	"context"
	"time"
)

// Store is the durable state of paystate: everything a backend implements,
// in two parts for their two users. PaymentStore is what the engine needs;
// OutboxStore is what delivers notifications and what an operator needs
// (engine/worker, a wallet's operator commands). A backend implements both
// and says so with `var _ store.Store = (*Store)(nil)`.
//
// The doc comments of both parts are the implementer's checklist;
// store/storetest checks every point. Every method is safe for concurrent
// use by many goroutines and, for backends that say so, many processes.
// Every method honours ctx.
type Store interface {
	PaymentStore
	OutboxStore
}

// PaymentStore holds payments with their refunds and history, changed only
// by an atomic, version-checked Commit, and lists the payments background
// work is due for: all that package engine reads and writes.
type PaymentStore interface {
	// GetPayment returns the payment with the given wallet id, its
	// refunds and its captures, or ErrNotFound.
	GetPayment(ctx context.Context, paymentID string) (Snapshot, error)
	// GetPaymentByRequest returns the payment a partner created with the
	// given paymentRequestId, or ErrNotFound.
	GetPaymentByRequest(ctx context.Context, partnerID, requestID string) (Snapshot, error)
	// LoadPayment returns the payment with the given wallet id and, when
	// refundID is not empty and names one of its refunds, that refund
	// (Snapshot.Refunds holds it, or nothing), together with all of the
	// payment's captures (an authorization has at most a few; none are
	// read when CaptureCount is 0), read at one instant, or ErrNotFound.
	// Its cost does not grow with the payment's other refunds: it is how
	// the engine reads a payment it is about to change.
	LoadPayment(ctx context.Context, paymentID, refundID string) (Snapshot, error)
	// LoadPaymentByRequest returns the payment a partner created with the
	// given paymentRequestId, without its refunds and captures
	// (Snapshot.Refunds and Snapshot.Captures are empty), or ErrNotFound.
	LoadPaymentByRequest(ctx context.Context, partnerID, requestID string) (Snapshot, error)
	// GetRefund returns the refund with the given wallet id, or ErrNotFound.
	GetRefund(ctx context.Context, refundID string) (Refund, error)
	// GetRefundByRequest returns the refund a partner asked for with the
	// given refundRequestId, or ErrNotFound.
	GetRefundByRequest(ctx context.Context, partnerID, requestID string) (Refund, error)
	// GetCaptureByRequest returns the capture a partner asked for with the
	// given captureRequestId, or ErrNotFound.
	GetCaptureByRequest(ctx context.Context, partnerID, requestID string) (Capture, error)

	// Commit applies c atomically (see Change). Before it reads or writes
	// anything it calls c.Validate and returns its error as is: a
	// malformed c is a *ChangeError matching ErrInvalidChange (and
	// ErrAlreadyExists for an id or request key given twice within c); a
	// backend never restates those rules. Past that check, it returns
	// ErrConflict when the stored payment version is not c.ExpectedVersion
	// (or the payment is missing), and ErrAlreadyExists when a created
	// payment or refund collides on id or on (partner id, request id), or
	// an outbox message on id, with stored records (a created capture
	// likewise on id or (partner id, request id)), and a *LimitError
	// (ErrLimitExceeded) when c.Counters would take a counter over its
	// cap (see CounterDelta). On any error nothing
	// of c is applied; on success all of it is durable before Commit
	// returns.
	Commit(ctx context.Context, c Change) error

	// Counter returns the value of the counter named key, as the Commits
	// that changed it left it (0 for a key never written).
	Counter(ctx context.Context, key string) (int64, error)

	// History returns a payment's events in order (see Event), or an empty
	// slice when there are none (also for an unknown payment).
	History(ctx context.Context, paymentID string) ([]Event, error)

	// DueExpiries returns the ids of up to limit payments due to expire,
	// earliest first: those in ACCEPT whose ExpiresAt is at or before now
	// and those in AUTHORIZED with no capture in flight (CapturingAmount
	// 0: one in flight ends the authorization itself when it settles)
	// whose AuthExpiresAt is (each ordered by the time that makes it due,
	// ties by id).
	DueExpiries(ctx context.Context, now time.Time, limit int) ([]string, error)
	// DueChecks returns up to limit in-flight funds operations whose
	// NextCheckAt is at or before now, earliest first: payments with a
	// PendingOp, refunds in INIT and captures in INIT.
	DueChecks(ctx context.Context, now time.Time, limit int) ([]Check, error)
}

// OutboxStore holds the notifications that Commit queued (Change.Outbox)
// until their merchants acknowledge them: claimed under a lease by the
// dispatchers that send them, listed, parked and resent for an operator,
// and counted for a monitor.
type OutboxStore interface {
	// ClaimOutbox leases up to limit undelivered, unparked messages whose
	// NextAttemptAt is at or before now and whose lease is free or expired
	// (LeaseUntil at or before now), earliest due first, to owner until
	// now+lease, and returns them as stored after the claim. Two owners
	// never hold the same message at once.
	//
	// Messages of the partners named in skipPartners are not claimed (nor
	// counted against limit): a dispatcher passes the partners it is
	// already sending to as fast as it allows, so that one slow merchant's
	// backlog never fills its claims.
	ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int, skipPartners ...string) ([]OutboxMessage, error)
	// RecordDelivery stores the outcome of one attempt made under owner's
	// lease, counts the attempt and frees the lease. It returns ErrLeaseLost
	// when d.Owner is not the message's lease owner (another dispatcher
	// claimed it, or nobody holds it), and ErrNotFound for an unknown
	// message. A holder whose lease ran out may still record its attempt as
	// long as nobody claimed the message since.
	RecordDelivery(ctx context.Context, d Delivery) error
	// Outbox returns all messages of a payment in creation order (empty for
	// an unknown payment).
	Outbox(ctx context.Context, paymentID string) ([]OutboxMessage, error)
	// ParkedOutbox returns up to limit parked (undelivered after their last
	// scheduled attempt) messages, oldest CreatedAt first, ties by ID,
	// starting after the message with id after ("" for the start): pages
	// for an operator. Empty when there are none.
	ParkedOutbox(ctx context.Context, after string, limit int) ([]OutboxMessage, error)
	// ResendOutbox makes an undelivered message due again at now: a parked
	// message is unparked (it gets one more attempt; Attempts keeps
	// counting), a waiting one is brought forward. A lease someone holds is
	// left alone. It returns the message as stored after the change,
	// ErrNotFound for an unknown id and ErrDelivered when the merchant has
	// already acknowledged it.
	ResendOutbox(ctx context.Context, messageID string, now time.Time) (OutboxMessage, error)
	// OutboxBacklog counts the undelivered, unparked messages: those whose
	// NextAttemptAt is at or before now (Due, leased ones included) and
	// those after it (Waiting), each count capped at limit, so that a
	// monitor counts a huge backlog in bounded time. Delivered and parked
	// messages are never counted and never slow it down.
	OutboxBacklog(ctx context.Context, now time.Time, limit int) (Backlog, error)
}
