package ledger

import (
	"context"
	"errors"
	"fmt"
)

// ErrUnknownUser is returned by Balance and Balances for a user the ledger
// does not know.
var ErrUnknownUser = errors.New("ledger: unknown user")

// ErrUnknownHold is returned by HoldState for a hold the ledger never
// placed.
var ErrUnknownHold = errors.New("ledger: unknown hold")

// Balance is a user's money in one currency, in minor units.
type Balance struct {
	Currency string
	// Available is what the user can pay with: debits and new holds take
	// from it, credits and releases give to it.
	Available int64
	// Held is what holds set aside and neither captured nor released yet.
	Held int64
}

// Balance returns a user's balance in currency as the database holds it
// now: zeros when the user has none in that currency, an error wrapping
// ErrUnknownUser when the ledger does not know the user.
func (l *Ledger) Balance(ctx context.Context, user, currency string) (Balance, error) {
	known, b, err := l.balance(ctx, l.db.read(), user, currency)
	if err != nil {
		return Balance{}, fmt.Errorf("ledger: balance of %q: %w", user, err)
	}
	if !known {
		return Balance{}, fmt.Errorf("ledger: balance of %q: %w", user, ErrUnknownUser)
	}
	return b, nil
}

// Balances returns a user's balance in every currency the ledger has one
// for, ordered by currency code, as one statement reads them now; an
// error wrapping ErrUnknownUser when the ledger does not know the user.
func (l *Ledger) Balances(ctx context.Context, user string) ([]Balance, error) {
	q := l.db.read()
	known, err := l.userExists(ctx, q, user)
	if err != nil {
		return nil, fmt.Errorf("ledger: balances of %q: %w", user, err)
	}
	if !known {
		return nil, fmt.Errorf("ledger: balances of %q: %w", user, ErrUnknownUser)
	}
	var out []Balance
	err = q.query(ctx, l.q.balances, []any{user}, func(r row) error {
		var b Balance
		if err := r.Scan(&b.Currency, &b.Available, &b.Held); err != nil {
			return err
		}
		out = append(out, b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: balances of %q: %w", user, err)
	}
	return out, nil
}

// MerchantBalance returns what captures paid to a merchant (partner id)
// in currency, in minor units: 0 for a merchant the ledger has paid
// nothing in that currency.
func (l *Ledger) MerchantBalance(ctx context.Context, partnerID, currency string) (int64, error) {
	var balance int64
	if err := l.db.read().queryRow(ctx, l.q.merchantBalance, partnerID, currency).Scan(&balance); err != nil {
		return 0, fmt.Errorf("ledger: balance of merchant %q: %w", partnerID, err)
	}
	return balance, nil
}

// HoldState is a hold as the ledger keeps it, in minor units of Currency.
type HoldState struct {
	User     string
	Currency string
	Amount   int64 // set aside by the Hold
	Captured int64 // taken by captures
	Released int64 // given back by the release
	Open     bool  // false once released: nothing more can be captured
}

// Left is what the hold still holds.
func (h HoldState) Left() int64 {
	if !h.Open {
		return 0
	}
	return h.Amount - h.Captured
}

// HoldState returns hold holdID (the operation id of its Hold), or an
// error wrapping ErrUnknownHold when the ledger never placed it.
func (l *Ledger) HoldState(ctx context.Context, holdID string) (HoldState, error) {
	h, found, err := l.findHold(ctx, l.db.read(), holdID)
	switch {
	case err != nil:
		return HoldState{}, fmt.Errorf("ledger: hold %q: %w", holdID, err)
	case !found:
		return HoldState{}, fmt.Errorf("ledger: hold %q: %w", holdID, ErrUnknownHold)
	}
	return HoldState{User: h.user, Currency: h.currency, Amount: h.amount, Captured: h.captured,
		Released: h.released, Open: h.state == holdOpen}, nil
}

// balance reads whether user exists and its balance in currency, in one
// statement.
func (l *Ledger) balance(ctx context.Context, q conn, user, currency string) (known bool, b Balance, err error) {
	var n int
	b.Currency = currency
	if err := q.queryRow(ctx, l.q.balance, user, currency).Scan(&n, &b.Available, &b.Held); err != nil {
		return false, Balance{}, err
	}
	return n > 0, b, nil
}
