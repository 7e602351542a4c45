package ledger

import (
	"context"
	"fmt"

	"github.com/paystate/paystate/engine"
)

// Evaluate implements engine.Evaluator: whether a debit of req could
// succeed now, changing nothing. The payer is resolved as by Debit; an
// evaluation request without a user is resolved by its auth code, an
// access token or an unspent payment code.
func (l *Ledger) Evaluate(ctx context.Context, req engine.FundsRequest) (engine.FundsResult, error) {
	if res, ok := checkAmount(req.Amount); !ok {
		return res, nil
	}
	q := l.db.read()
	user, res, err := l.evaluatedPayer(ctx, q, req)
	if err != nil {
		return engine.FundsResult{}, fmt.Errorf("ledger: evaluate: %w", err)
	}
	if res.Status == engine.FundsDeclined {
		return res, nil
	}
	_, balance, err := l.balance(ctx, q, user, req.Amount.Currency)
	if err != nil {
		return engine.FundsResult{}, fmt.Errorf("ledger: evaluate: %w", err)
	}
	if balance.Available < req.Amount.Minor {
		return declined(engine.CodeBalanceNotEnough, "balance too low"), nil
	}
	return succeeded(user), nil
}
