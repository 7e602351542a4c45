package ledger

import (
	"context"
	"errors"
	"fmt"
)

// ErrUnknownUser is returned by Balance for a user the ledger does not know.
var ErrUnknownUser = errors.New("ledger: unknown user")

// Balance returns a user's balance in currency, in minor units, as the
// database holds it now: 0 when the user has none in that currency, an
// error wrapping ErrUnknownUser when the ledger does not know the user.
func (l *Ledger) Balance(ctx context.Context, user, currency string) (int64, error) {
	known, balance, err := l.balance(ctx, l.db.read(), user, currency)
	if err != nil {
		return 0, fmt.Errorf("ledger: balance of %q: %w", user, err)
	}
	if !known {
		return 0, fmt.Errorf("ledger: balance of %q: %w", user, ErrUnknownUser)
	}
	return balance, nil
}

// balance reads whether user exists and its balance in currency, in one
// statement.
func (l *Ledger) balance(ctx context.Context, q conn, user, currency string) (known bool, balance int64, err error) {
	var n int
	if err := q.queryRow(ctx, l.q.balance, user, currency).Scan(&n, &balance); err != nil {
		return false, 0, err
	}
	return n > 0, balance, nil
}
