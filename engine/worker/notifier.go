package worker

import (
	"context"

	"github.com/paystate/paystate/engine"
)

// Notifier delivers one notification to its merchant.
type Notifier interface {
	// Notify makes one attempt to deliver n. It returns nil only when the
	// merchant acknowledged the notification; any error is a failed
	// attempt, tried again on the retry schedule, and its text is kept as
	// the outbox message's LastError. It must return by the time ctx is
	// done.
	Notify(ctx context.Context, n engine.Notification) error
}
