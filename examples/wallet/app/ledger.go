package app

import (
	"context"
	"fmt"

	"github.com/paystate/paystate/examples/wallet/ledger"
)

// openLedger opens the funds port in the store's own database (so a
// restart neither loses nor duplicates money) and seeds the configured
// users into it.
func openLedger(ctx context.Context, cfg *Config, st *stores) (*ledger.Ledger, error) {
	l, err := sharedLedger(ctx, st)
	if err != nil {
		return nil, err
	}
	users, err := cfg.ledgerUsers()
	if err != nil {
		return nil, err
	}
	if err := l.Seed(ctx, users); err != nil {
		return nil, err
	}
	return l, nil
}

// sharedLedger opens the ledger in the store's database, without seeding
// it. On SQLite the ledger's writes join the store's group commits.
func sharedLedger(ctx context.Context, st *stores) (*ledger.Ledger, error) {
	switch {
	case st.db != nil:
		return ledger.Open(ctx, ledger.SQLiteSharing(st.db, st.sqlite))
	case st.pool != nil:
		return ledger.Open(ctx, ledger.Postgres(st.pool, st.schema))
	}
	return nil, fmt.Errorf("ledger: the store has no database to share")
}

// ledgerUsers converts the configured users for ledger.Seed.
func (c *Config) ledgerUsers() ([]ledger.User, error) {
	out := make([]ledger.User, 0, len(c.Users))
	for i, u := range c.Users {
		b, err := balances(fmt.Sprintf("users[%d]", i), u.Balances)
		if err != nil {
			return nil, err
		}
		out = append(out, ledger.User{ID: u.UserID, AccessToken: u.AccessToken, PaymentCodes: u.PaymentCodes, Balances: b})
	}
	return out, nil
}
