package ledger

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// User is a wallet user as the configuration describes it, for Seed.
type User struct {
	ID           string
	AccessToken  string           // agreement access token; "" for none
	PaymentCodes []string         // single-use codes the user presents to merchants
	Balances     map[string]int64 // currency -> starting balance in minor units
}

// Seed loads users into the ledger, in one transaction; run it at every
// start with the configured users. It is safe to repeat:
//
//   - A user the ledger does not know is created.
//   - A starting balance is set only where the ledger has no balance yet
//     for that user and currency. A restart with the same configuration
//     therefore neither resets nor adds money, and raising a starting
//     balance in the configuration later changes nothing; a currency
//     added later gets its starting balance once.
//   - A user's access token is the configured one: a token seeded for
//     the user before stops working, and a token that belonged to another
//     user moves to this one. An empty AccessToken leaves the user with
//     none.
//   - A payment code is added when the ledger does not know it; a known
//     code keeps its user and whether it was spent, so a spent code never
//     becomes usable again. Seed removes no code.
//
// Users the ledger knows but users does not list are left alone. Seed
// refuses, changing nothing, a user without an ID, a user, access token or
// payment code listed twice, and a negative balance.
func (l *Ledger) Seed(ctx context.Context, users []User) error {
	if err := checkUsers(users); err != nil {
		return fmt.Errorf("ledger: seed: %w", err)
	}
	err := l.db.write(ctx, func(q conn) error {
		for _, u := range users {
			if err := l.seedUser(ctx, q, u); err != nil {
				return fmt.Errorf("user %q: %w", u.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ledger: seed: %w", err)
	}
	return nil
}

// seedUser loads one user; see Seed. Its first statement is a write, as the
// SQLite backend needs of every transaction.
func (l *Ledger) seedUser(ctx context.Context, q conn, u User) error {
	if _, err := q.exec(ctx, l.q.addUser, u.ID, l.stamp()); err != nil {
		return err
	}
	for _, cur := range slices.Sorted(maps.Keys(u.Balances)) {
		if _, err := q.exec(ctx, l.q.addBalance, u.ID, cur, u.Balances[cur]); err != nil {
			return fmt.Errorf("balance %s: %w", cur, err)
		}
	}
	if _, err := q.exec(ctx, l.q.dropOtherTokens, u.ID, u.AccessToken); err != nil {
		return fmt.Errorf("access tokens: %w", err)
	}
	if u.AccessToken != "" {
		if _, err := q.exec(ctx, l.q.putToken, u.AccessToken, u.ID); err != nil {
			return fmt.Errorf("access token: %w", err)
		}
	}
	for _, code := range u.PaymentCodes {
		if _, err := q.exec(ctx, l.q.addCode, code, u.ID); err != nil {
			return fmt.Errorf("payment code: %w", err)
		}
	}
	return nil
}

// checkUsers refuses what Seed cannot load faithfully.
func checkUsers(users []User) error {
	ids, tokens, codes := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i, u := range users {
		switch {
		case u.ID == "":
			return fmt.Errorf("users[%d]: empty ID", i)
		case ids[u.ID]:
			return fmt.Errorf("user %q is listed twice", u.ID)
		case u.AccessToken != "" && tokens[u.AccessToken]:
			return fmt.Errorf("user %q: access token is also another user's", u.ID)
		}
		ids[u.ID], tokens[u.AccessToken] = true, true
		for _, code := range u.PaymentCodes {
			if code == "" || codes[code] {
				return fmt.Errorf("user %q: payment code %q is empty or listed twice", u.ID, code)
			}
			codes[code] = true
		}
		for cur, minor := range u.Balances {
			if cur == "" || minor < 0 {
				return fmt.Errorf("user %q: balance %q: %d: want a currency and a balance >= 0", u.ID, cur, minor)
			}
		}
	}
	return nil
}
