package store

import "time"

// Payment is the stored form of one payment. The engine owns its meaning;
// a backend stores and returns every field unchanged, except that a time
// comes back as the same instant, possibly in UTC and truncated to the
// microsecond (the zero time stays zero). The same holds for every record in
// this package. Strings never contain NUL bytes; OrderData may hold any bytes.
type Payment struct {
	ID          string // wallet payment id (paymentId), unique
	PartnerID   string // merchant/partner that created it
	RequestID   string // merchant's paymentRequestId; unique per PartnerID
	Fingerprint string // digest of the request content, for idempotency checks
	Scenario    string // how the user pays: CASHIER, AGREEMENT, PAYMENT_CODE, ...
	Status      string // INIT, ACCEPT, AUTHORIZED, SUCCESS, FAIL, CLOSED

	Currency       string // ISO 4217 alpha-3
	Amount         int64  // minor units, > 0
	RefundedAmount int64  // sum of successful refunds (a cancel's reversal is not a refund)
	HeldAmount     int64  // sum of in-flight refunds and reversals
	RefundCount    int    // number of refunds stored for it, whatever their state

	UserID     string // payer, known once the funds port identified them
	OrderTitle string
	OrderData  []byte // opaque display data, kept as given
	NotifyURL  string
	ReturnURL  string
	ExtendInfo string // the merchant's extendInfo, kept as given

	FailReason  string // engine error code when FAIL or CLOSED
	FailMessage string // human text for FailReason

	CreatedAt time.Time
	UpdatedAt time.Time
	PaidAt    time.Time // zero until SUCCESS
	ClosedAt  time.Time // zero until FAIL or CLOSED
	ExpiresAt time.Time // the payment never succeeds at or after this time

	// PendingOp names the funds operation in flight on this payment:
	// "" (none), "debit", "reversal", "hold" or "release". OpID is the id the funds port knows
	// it by; NextCheckAt says when the reconciler should ask about it, and
	// CheckAttempts how many times it already asked. OpCount counts the
	// funds operations ever started on the payment, so each gets a
	// distinct operation id.
	PendingOp     string
	OpID          string
	NextCheckAt   time.Time
	CheckAttempts int
	OpCount       int

	// CancelledAt is set when a merchant's cancel closed or reversed the
	// payment.
	CancelledAt time.Time

	// UsageDay is the day (YYYY-MM-DD in the engine's limit zone) whose
	// counters of UserID this payment holds room in (see Change.Counters),
	// "" when it holds none.
	UsageDay string

	// Authorization is set for an authorization payment: the funds port
	// places a hold of Amount on the payer, and captures (see Capture)
	// take money from it. The remaining fields describe that hold.
	Authorization bool
	// HoldID is the funds operation id of the hold, "" until one was
	// asked for.
	HoldID string
	// AuthorizedAt is when the hold was placed; AuthExpiresAt when what
	// is not captured by then is released.
	AuthorizedAt  time.Time
	AuthExpiresAt time.Time
	// CapturedAmount sums the succeeded captures, CapturingAmount the
	// captures in flight; CaptureCount counts the captures stored for the
	// payment, whatever their state.
	CapturedAmount  int64
	CapturingAmount int64
	CaptureCount    int
	// LastCaptureID names the capture in flight that asked to be the last
	// one (no other capture may start meanwhile), "" when none.
	LastCaptureID string
	// AutoCapture: the whole amount is captured as soon as the hold is
	// placed. NotifyCaptures: every capture's result is announced.
	AutoCapture    bool
	NotifyCaptures bool

	Version int64 // optimistic concurrency version, 1 after creation
}

// Refund is the stored form of one refund against a payment.
type Refund struct {
	ID        string // wallet refund id (refundId), unique
	PaymentID string
	PartnerID string
	RequestID string // merchant's refundRequestId; unique per PartnerID

	Fingerprint string
	Currency    string
	Amount      int64
	Reason      string
	Status      string // INIT, SUCCESS, FAIL
	NotifyURL   string // where the merchant asked to hear the result, "" for none
	ExtendInfo  string // the merchant's extendInfo, kept as given

	FailReason  string
	FailMessage string

	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time // zero while INIT

	// NextCheckAt and CheckAttempts drive the reconciler while the credit
	// back to the user is in flight (Status INIT).
	NextCheckAt   time.Time
	CheckAttempts int
}

// Capture is the stored form of one capture from an authorization
// payment's hold.
type Capture struct {
	ID        string // wallet capture id (captureId), unique
	PaymentID string
	PartnerID string
	RequestID string // merchant's captureRequestId; unique per PartnerID

	Fingerprint string
	Currency    string
	Amount      int64
	Last        bool   // the merchant's isLastCapture: the rest of the hold is released after it
	Status      string // INIT, SUCCESS, FAIL
	Notify      bool   // announce the result to the payment's NotifyURL
	ExtendInfo  string // the merchant's extendInfo, kept as given

	FailReason  string
	FailMessage string

	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time // zero while INIT

	// NextCheckAt and CheckAttempts drive the reconciler while the
	// capture is in flight (Status INIT).
	NextCheckAt   time.Time
	CheckAttempts int
}

// Snapshot is a payment together with all of its refunds, in creation
// order, and, for an authorization payment, all of its captures in
// creation order.
type Snapshot struct {
	Payment  Payment
	Refunds  []Refund
	Captures []Capture
}

// Event is one entry of a payment's history. Seq is the payment version the
// change produced; events of one payment are returned in Seq order, and
// within one Seq in the order they were committed.
type Event struct {
	PaymentID string
	RefundID  string // set when the event concerns a refund, or a capture (its id: ids of both are unique together)
	Seq       int64
	At        time.Time
	Name      string // transition or activity, e.g. "confirm", "debit_succeeded"
	From      string // state before (payment or refund), "" when created
	To        string // state after
	Detail    string // free text: decline reason, funds answer, ...
}

// OutboxMessage is a notification to a merchant, committed in the same
// transaction as the change it announces and delivered later.
type OutboxMessage struct {
	ID               string // stable: merchants de-duplicate on it
	PaymentID        string
	PartnerID        string
	RequestID        string // the payment's paymentRequestId
	Kind             string // "payment_result", "refund_result" or "capture_result"
	NotifyURL        string
	Status           string // state announced: SUCCESS or FAIL
	FailReason       string
	FailMsg          string
	Currency         string
	Amount           int64 // the payment's amount, or the refund's for refund_result
	PaymentCreatedAt time.Time
	PaymentTime      time.Time // PaidAt for SUCCESS, ClosedAt for FAIL; the refund's FinishedAt for refund_result
	ExtendInfo       string    // the payment's extendInfo, announced with its result

	// RefundID and RefundRequestID name the refund a refund_result
	// message announces; both are empty for payment_result.
	RefundID        string
	RefundRequestID string

	// CaptureID and CaptureRequestID name the capture a capture_result
	// message announces; both are empty for other kinds.
	CaptureID        string
	CaptureRequestID string

	CreatedAt     time.Time
	NextAttemptAt time.Time // due when <= now
	Attempts      int       // sends already made
	LeaseOwner    string    // dispatcher holding the lease, "" when free
	LeaseUntil    time.Time
	DeliveredAt   time.Time // zero until the merchant acknowledged
	Parked        bool      // gave up after the last scheduled attempt
	LastError     string
}

// Change is everything one engine command writes, applied atomically by
// Store.Commit: all of it or none of it.
type Change struct {
	// Payment is the new state of the payment. When ExpectedVersion is 0
	// the payment is created (Payment.Version must be 1); otherwise the
	// stored payment must have version ExpectedVersion and is replaced, and
	// Payment.Version must be ExpectedVersion+1.
	Payment         Payment
	ExpectedVersion int64

	// NewRefunds are inserted; UpdatedRefunds replace stored refunds of
	// the same payment, matched by ID. The payment's version check guards
	// both.
	NewRefunds     []Refund
	UpdatedRefunds []Refund

	// NewCaptures are inserted; UpdatedCaptures replace stored captures
	// of the same payment, matched by ID, as for refunds.
	NewCaptures     []Capture
	UpdatedCaptures []Capture

	Events []Event
	Outbox []OutboxMessage

	// Counters are added to in the same atomic write (see CounterDelta):
	// when one of them would pass its cap, Commit applies nothing of the
	// Change and returns a *LimitError.
	Counters []CounterDelta
}

// Check names an in-flight funds operation due for the reconciler: a
// payment's own operation (RefundID and CaptureID empty), a refund's
// credit or a capture.
type Check struct {
	PaymentID string
	RefundID  string
	CaptureID string
}

// Backlog counts the outbox messages still to deliver (see
// Store.OutboxBacklog).
type Backlog struct {
	Due     int // to be sent now: NextAttemptAt at or before the given time
	Waiting int // waiting for a later retry
}

// Delivery is the outcome of one attempt to deliver an outbox message
// (see Store.RecordDelivery).
type Delivery struct {
	MessageID string
	Owner     string    // the dispatcher that holds the lease
	At        time.Time // when the attempt finished
	Delivered bool      // merchant acknowledged with result S
	Error     string    // why it failed, when not delivered
	// NextAttemptAt is when to try again when not delivered; ignored when
	// Delivered or Park.
	NextAttemptAt time.Time
	Park          bool // no attempts left: keep as undelivered
}
