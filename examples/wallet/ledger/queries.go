package ledger

import "reflect"

// queries is every statement a Ledger runs, built once with the table names
// of its backend. Both backends take $1, $2, ... for arguments and
// understand INSERT ... ON CONFLICT and UPDATE ... RETURNING.
type queries struct {
	// ledger_operations
	claim, record, recordAmount, find, fence string
	// resolving the payer
	userCount, tokenUser, codeUser, claimCode, releaseCode string
	// balances
	take, give, balance, balances, merchantBalance string
	// holds
	takeToHold, addHold, findHold, captureHold, releaseHold, heldToMerchant, heldToUser, payMerchant string
	// seeding
	addUser, addBalance, dropOtherTokens, putToken, addCode string
}

func newQueries(table func(name string) string) queries {
	ops, users, balances := table("ledger_operations"), table("ledger_users"), table("ledger_balances")
	tokens, codes := table("ledger_access_tokens"), table("ledger_payment_codes")
	holds, merchants := table("ledger_holds"), table("ledger_merchant_balances")
	const opColumns = "operation_id, kind, payment_id, refund_id, user_id, currency, amount, status, reason, message, applied_at"
	return queries{
		claim: `INSERT INTO ` + ops + ` (` + opColumns + `, hold_id, capture_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', '', $9, $10, $11)
			ON CONFLICT (operation_id) DO NOTHING`,
		record: `UPDATE ` + ops + ` SET user_id = coalesce(nullif($2, ''), user_id), status = $3, reason = $4, message = $5, applied_at = $6
			WHERE operation_id = $1`,
		recordAmount: `UPDATE ` + ops + ` SET currency = $2, amount = $3 WHERE operation_id = $1`,
		find:         `SELECT status, reason, message, user_id, applied_at FROM ` + ops + ` WHERE operation_id = $1`,
		fence: `INSERT INTO ` + ops + ` (` + opColumns + `)
			VALUES ($1, $2, '', '', '', '', 0, $3, $4, $5, $6)
			ON CONFLICT (operation_id) DO NOTHING`,

		userCount:   `SELECT count(*) FROM ` + users + ` WHERE user_id = $1`,
		tokenUser:   `SELECT user_id FROM ` + tokens + ` WHERE token = $1`,
		codeUser:    `SELECT user_id, used_by FROM ` + codes + ` WHERE code = $1`,
		claimCode:   `UPDATE ` + codes + ` SET used_by = $2 WHERE code = $1 AND used_by = '' RETURNING user_id`,
		releaseCode: `UPDATE ` + codes + ` SET used_by = '' WHERE code = $1 AND used_by = $2`,

		// The guard balance >= amount is checked on the row as it is when
		// the UPDATE takes it, after any concurrent debit committed.
		take: `UPDATE ` + balances + ` SET balance = balance - $3
			WHERE user_id = $1 AND currency = $2 AND balance >= $3`,
		give: `INSERT INTO ` + balances + ` AS b (user_id, currency, balance) VALUES ($1, $2, $3)
			ON CONFLICT (user_id, currency) DO UPDATE SET balance = b.balance + excluded.balance`,
		// One row always: whether the user exists, and the available and
		// held balance (0 when the user has none in that currency).
		balance: `SELECT count(u.user_id), coalesce(max(b.balance), 0), coalesce(max(b.held), 0)
			FROM ` + users + ` u LEFT JOIN ` + balances + ` b ON b.user_id = u.user_id AND b.currency = $2
			WHERE u.user_id = $1`,
		balances:        `SELECT currency, balance, held FROM ` + balances + ` WHERE user_id = $1 ORDER BY currency`,
		merchantBalance: `SELECT coalesce(max(balance), 0) FROM ` + merchants + ` WHERE partner_id = $1 AND currency = $2`,

		// A hold moves money from available to held under the same guard
		// as a debit; a capture moves it from held to the merchant, a
		// release back to available. The guards on the hold's row order
		// concurrent captures and releases of one hold.
		takeToHold: `UPDATE ` + balances + ` SET balance = balance - $3, held = held + $3
			WHERE user_id = $1 AND currency = $2 AND balance >= $3`,
		addHold: `INSERT INTO ` + holds + ` (hold_id, payment_id, partner_id, user_id, currency, amount)
			VALUES ($1, $2, $3, $4, $5, $6)`,
		findHold: `SELECT user_id, currency, amount, captured, released, state FROM ` + holds + ` WHERE hold_id = $1`,
		captureHold: `UPDATE ` + holds + ` SET captured = captured + $2
			WHERE hold_id = $1 AND state = 'open' AND currency = $3 AND amount - captured >= $2
			RETURNING user_id, partner_id`,
		releaseHold: `UPDATE ` + holds + ` SET released = amount - captured, state = 'released'
			WHERE hold_id = $1 AND state = 'open'
			RETURNING user_id, currency, released`,
		heldToMerchant: `UPDATE ` + balances + ` SET held = held - $3
			WHERE user_id = $1 AND currency = $2 AND held >= $3`,
		heldToUser: `UPDATE ` + balances + ` SET held = held - $3, balance = balance + $3
			WHERE user_id = $1 AND currency = $2 AND held >= $3`,
		payMerchant: `INSERT INTO ` + merchants + ` AS m (partner_id, currency, balance) VALUES ($1, $2, $3)
			ON CONFLICT (partner_id, currency) DO UPDATE SET balance = m.balance + excluded.balance`,

		addUser:         `INSERT INTO ` + users + ` (user_id, created_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`,
		addBalance:      `INSERT INTO ` + balances + ` (user_id, currency, balance) VALUES ($1, $2, $3) ON CONFLICT (user_id, currency) DO NOTHING`,
		dropOtherTokens: `DELETE FROM ` + tokens + ` WHERE user_id = $1 AND token <> $2`,
		putToken:        `INSERT INTO ` + tokens + ` (token, user_id) VALUES ($1, $2) ON CONFLICT (token) DO UPDATE SET user_id = excluded.user_id`,
		addCode:         `INSERT INTO ` + codes + ` (code, user_id) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING`,
	}
}

// all is every statement of q, for a backend to prepare once.
func (q queries) all() []string {
	v := reflect.ValueOf(q)
	out := make([]string, v.NumField())
	for i := range out {
		out[i] = v.Field(i).String()
	}
	return out
}
