package store

import "errors"

// Sentinel errors every backend returns, wrapped or bare; callers test them
// with errors.Is, never by message.
var (
	// ErrNotFound means no record has the requested id or request key.
	ErrNotFound = errors.New("store: not found")
	// ErrAlreadyExists means a Commit tried to create a payment or refund
	// whose id or idempotency key (partner id + request id) is already
	// taken. Nothing of the Commit was applied.
	ErrAlreadyExists = errors.New("store: already exists")
	// ErrConflict means a Commit expected a payment version that is no
	// longer the stored one: somebody else committed first. Nothing of the
	// Commit was applied; reload and decide again.
	ErrConflict = errors.New("store: version conflict")
	// ErrLeaseLost means a delivery was recorded for an outbox message whose
	// lease has passed to another dispatcher (or was never held). The
	// attempt was not recorded.
	ErrLeaseLost = errors.New("store: outbox lease lost")
	// ErrDelivered means an outbox message cannot be resent because the
	// merchant has already acknowledged it.
	ErrDelivered = errors.New("store: outbox message already delivered")
	// ErrInvalidChange means a Commit was refused because its Change breaks
	// a rule about its own shape (see Change.Validate), whatever is stored:
	// a bug in the caller, not a state of the store. Nothing of the Commit
	// was applied, and the same Change is refused again. The error is a
	// *ChangeError naming the rule.
	ErrInvalidChange = errors.New("store: invalid change")
	// ErrLimitExceeded means a Commit was refused because a counter of
	// Change.Counters would have passed its cap. Nothing of the Commit was
	// applied. The error is a *LimitError naming the counter.
	ErrLimitExceeded = errors.New("store: counter limit exceeded")
)
