package ledger

import (
	"context"
	"fmt"

	"github.com/paystate/paystate/engine"
)

var _ engine.PayerResolver = (*Ledger)(nil)

// Payer implements engine.PayerResolver: the owner of an agreement access
// token or of an unspent payment code, changing nothing; "" for an unknown
// token, an unknown or spent code, or another scenario (the debit then
// declines it with its reason).
func (l *Ledger) Payer(ctx context.Context, req engine.FundsRequest) (string, error) {
	q := l.db.read()
	var (
		user string
		res  engine.FundsResult
		err  error
	)
	switch req.Scenario {
	case engine.ScenarioAgreement:
		user, res, err = l.tokenPayer(ctx, q, req.AuthCode)
	case engine.ScenarioPaymentCode:
		user, res, err = l.codePayer(ctx, q, req.AuthCode)
	default:
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("ledger: payer: %w", err)
	}
	if res.Status == engine.FundsDeclined {
		return "", nil
	}
	return user, nil
}
