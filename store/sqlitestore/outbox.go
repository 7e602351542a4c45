package sqlitestore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/paystate/paystate/store"
)

var (
	// The inner SELECT walks the partial index outbox_claimable, which
	// holds only messages still to be delivered, in claim order; its WHERE
	// must repeat the index's condition literally for SQLite to use it.
	// ?5 is a JSON array of the partners to skip, tested per row.
	qClaimOutbox = `UPDATE outbox SET lease_owner = ?1, lease_until = ?2
		WHERE pos IN (
			SELECT pos FROM outbox
			WHERE delivered_at = 0 AND parked = 0 AND next_attempt_at <= CAST(?3 AS INTEGER)
				AND (lease_owner = '' OR lease_until <= ?3)
				AND partner_id NOT IN (SELECT value FROM json_each(?5))
			ORDER BY next_attempt_at, created_at, id LIMIT ?4)
		RETURNING ` + outboxColumns

	// One statement per outcome of an attempt; each counts the attempt,
	// keeps the error and frees the lease, if owner holds it.
	qDelivered   = recordDelivery("delivered_at = ?")
	qParked      = recordDelivery("parked = 1")
	qRescheduled = recordDelivery("next_attempt_at = ?")
	qLeaseOwner  = `SELECT lease_owner FROM outbox WHERE id = ?`

	qOutboxOf = `SELECT ` + outboxColumns + ` FROM outbox WHERE payment_id = CAST(? AS TEXT) ORDER BY pos`
)

// recordDelivery returns the UPDATE that records one attempt with outcome;
// its parameters are outcome's (if any), the last error, the message id and
// the owner.
func recordDelivery(outcome string) string {
	return `UPDATE outbox SET ` + outcome + `, attempts = attempts + 1, last_error = ?,
		lease_owner = '', lease_until = 0
		WHERE id = ? AND lease_owner = ? AND lease_owner <> ''`
}

// ClaimOutbox leases to owner, until now+lease, up to limit undelivered,
// unparked messages whose NextAttemptAt is at or before now and whose lease
// is free or expired (LeaseUntil at or before now), except those of the
// partners in skipPartners. Messages are taken earliest NextAttemptAt
// first, ties by CreatedAt and then ID, and returned in that order showing
// the new lease. The selection and the lease are one statement in one
// write transaction, so two owners never hold the same message. Owner must
// not be empty; a limit of zero or less claims none.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int, skipPartners ...string) ([]store.OutboxMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if owner == "" {
		return nil, errors.New("sqlitestore: claim outbox: owner is empty")
	}
	if limit <= 0 {
		return []store.OutboxMessage{}, nil
	}
	skip, err := jsonStrings(skipPartners)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: claim outbox: %w", err)
	}
	var msgs []store.OutboxMessage
	err = s.write(ctx, "claim outbox", func(tx *sql.Tx) error {
		st, err := s.stmt(ctx, tx, qClaimOutbox)
		if err != nil {
			return err
		}
		rows, err := st.QueryContext(ctx, owner, micros(now.Add(lease)), micros(now), limit, skip)
		if err != nil {
			return fmt.Errorf("sqlitestore: claim outbox: %w", err)
		}
		msgs, err = collect(rows, scanOutbox)
		if err != nil {
			return fmt.Errorf("sqlitestore: claim outbox: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// RETURNING yields rows in no particular order.
	slices.SortFunc(msgs, func(a, b store.OutboxMessage) int {
		return cmp.Or(
			a.NextAttemptAt.Compare(b.NextAttemptAt),
			a.CreatedAt.Compare(b.CreatedAt),
			cmp.Compare(a.ID, b.ID),
		)
	})
	return msgs, nil
}

// RecordDelivery stores the outcome of one attempt under d.Owner's lease:
// it counts the attempt, records d.Error, marks the message delivered (at
// d.At) or parked or due again at d.NextAttemptAt, and frees the lease. It
// returns store.ErrNotFound for an unknown message and store.ErrLeaseLost
// when d.Owner does not hold the lease (including when nobody does); then
// nothing is recorded.
func (s *Store) RecordDelivery(ctx context.Context, d store.Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	query, args := qRescheduled, []any{micros(d.NextAttemptAt)}
	switch {
	case d.Delivered:
		query, args = qDelivered, []any{micros(d.At)}
	case d.Park:
		query, args = qParked, nil
	}
	args = append(args, d.Error, d.MessageID, d.Owner)
	// Deliveries finish concurrently (one per merchant POST in flight), so
	// they join the group commits rather than commit one by one.
	what := func() string { return fmt.Sprintf("record delivery of %q", d.MessageID) }
	return s.commitQueued(ctx, what, func(ctx context.Context, tx *sql.Tx) error {
		st, err := s.stmt(ctx, tx, query)
		if err != nil {
			return err
		}
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("sqlitestore: record delivery of %q: %w", d.MessageID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		return s.leaseLost(ctx, tx, d)
	})
}

// leaseLost explains why recording d changed no row.
func (s *Store) leaseLost(ctx context.Context, tx *sql.Tx, d store.Delivery) error {
	st, err := s.stmt(ctx, tx, qLeaseOwner)
	if err != nil {
		return err
	}
	var holder string
	switch err := st.QueryRowContext(ctx, d.MessageID).Scan(&holder); {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlitestore: record delivery of %q: %w", d.MessageID, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("sqlitestore: record delivery of %q: %w", d.MessageID, err)
	}
	return fmt.Errorf("sqlitestore: record delivery of %q by %q (lease held by %q): %w",
		d.MessageID, d.Owner, holder, store.ErrLeaseLost)
}

// Outbox returns all messages of a payment in creation order; an empty
// slice when there are none, also for an unknown payment.
func (s *Store) Outbox(ctx context.Context, paymentID string) ([]store.OutboxMessage, error) {
	st, err := s.stmt(ctx, nil, qOutboxOf)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, paymentID)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: outbox of %q: %w", paymentID, err)
	}
	msgs, err := collect(rows, scanOutbox)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: outbox of %q: %w", paymentID, err)
	}
	return msgs, nil
}
