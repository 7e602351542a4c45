package ledger

import (
	"context"
	"fmt"

	"github.com/paystate/paystate/engine"
)

// Inquire implements engine.Funds: it returns the recorded answer of the
// Debit, Credit, Hold, Capture or Release with operationID, which is how
// the engine's reconciler learns an outcome it missed. For an id the
// ledger has never seen it records a declined ("fenced") operation and
// answers declined with CodeProcessFail, so that any operation arriving
// later with that id is declined too and the engine's decision stands. In
// PostgreSQL, an Inquire that races an operation of the same id waits for
// the operation's transaction and returns its answer.
func (l *Ledger) Inquire(ctx context.Context, operationID string) (engine.FundsResult, error) {
	if operationID == "" {
		return engine.FundsResult{}, fmt.Errorf("ledger: inquire: empty operation id")
	}
	fence := declined(engine.CodeProcessFail, "operation never applied")
	var res engine.FundsResult
	err := l.db.write(ctx, func(q conn) error {
		_, err := q.exec(ctx, l.q.fence, operationID, kindFenced, statusDeclined, fence.Reason.String(), fence.Message, l.stamp())
		if err != nil {
			return fmt.Errorf("fence: %w", err)
		}
		res, err = l.recorded(ctx, q, operationID)
		return err
	})
	if err != nil {
		return engine.FundsResult{}, fmt.Errorf("ledger: inquire %s: %w", operationID, err)
	}
	return res, nil
}
