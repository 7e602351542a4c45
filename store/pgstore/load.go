package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/paystate/paystate/store"
)

// GetPayment returns the payment with the given id, its refunds and its
// captures, each in creation order, read in one statement (one snapshot),
// or store.ErrNotFound.
func (s *Store) GetPayment(ctx context.Context, paymentID string) (store.Snapshot, error) {
	snap, err := s.snapshot(ctx, s.q.paymentByID, paymentID)
	if err != nil {
		return store.Snapshot{}, fmt.Errorf("pgstore: payment %q: %w", paymentID, err)
	}
	return snap, nil
}

// GetPaymentByRequest returns the payment partnerID created with requestID,
// its refunds and its captures, or store.ErrNotFound.
func (s *Store) GetPaymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	snap, err := s.snapshot(ctx, s.q.paymentByRequest, partnerID, requestID)
	if err != nil {
		return store.Snapshot{}, fmt.Errorf("pgstore: payment %s/%s: %w", partnerID, requestID, err)
	}
	return snap, nil
}

// LoadPayment returns the payment with the given id, when refundID names
// one of its refunds that refund, and all of its captures (none are read
// when its CaptureCount is 0), read in one statement, or
// store.ErrNotFound.
func (s *Store) LoadPayment(ctx context.Context, paymentID, refundID string) (store.Snapshot, error) {
	snap, err := s.snapshot(ctx, s.q.loadPayment, paymentID, refundID)
	if err != nil {
		return store.Snapshot{}, fmt.Errorf("pgstore: payment %q: %w", paymentID, err)
	}
	return snap, nil
}

// LoadPaymentByRequest returns the payment partnerID created with
// requestID, without its refunds and captures, or store.ErrNotFound.
func (s *Store) LoadPaymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	var pr paymentRow
	err := s.pool.QueryRow(ctx, s.q.loadPaymentByReq, partnerID, requestID).Scan(pr.dest()...)
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Snapshot{}, fmt.Errorf("pgstore: payment %s/%s: %w", partnerID, requestID, err)
	}
	return store.Snapshot{Payment: pr.record(), Refunds: []store.Refund{}, Captures: []store.Capture{}}, nil
}

// snapshot runs one of the payment-with-children queries: one row per
// refund and per capture, or one row with NULL child columns.
func (s *Store) snapshot(ctx context.Context, query string, args ...any) (store.Snapshot, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return store.Snapshot{}, err
	}
	defer rows.Close()
	var (
		snap  store.Snapshot
		found bool
		pr    paymentRow
		rr    refundRow
		cr    captureRow
	)
	dest := append(append(pr.dest(), rr.dest()...), cr.dest()...)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return store.Snapshot{}, err
		}
		if !found {
			snap.Payment, found = pr.record(), true
			snap.Refunds, snap.Captures = []store.Refund{}, []store.Capture{}
		}
		if rr.valid() {
			snap.Refunds = append(snap.Refunds, rr.record())
		}
		if cr.valid() {
			snap.Captures = append(snap.Captures, cr.record())
		}
	}
	if err := rows.Err(); err != nil {
		return store.Snapshot{}, err
	}
	if !found {
		return store.Snapshot{}, store.ErrNotFound
	}
	return snap, nil
}

// GetRefund returns the refund with the given id, or store.ErrNotFound.
func (s *Store) GetRefund(ctx context.Context, refundID string) (store.Refund, error) {
	r, err := s.refund(ctx, s.q.refundByID, refundID)
	if err != nil {
		return store.Refund{}, fmt.Errorf("pgstore: refund %q: %w", refundID, err)
	}
	return r, nil
}

// GetRefundByRequest returns the refund partnerID asked for with requestID,
// or store.ErrNotFound.
func (s *Store) GetRefundByRequest(ctx context.Context, partnerID, requestID string) (store.Refund, error) {
	r, err := s.refund(ctx, s.q.refundByRequest, partnerID, requestID)
	if err != nil {
		return store.Refund{}, fmt.Errorf("pgstore: refund %s/%s: %w", partnerID, requestID, err)
	}
	return r, nil
}

func (s *Store) refund(ctx context.Context, query string, args ...any) (store.Refund, error) {
	var rr refundRow
	err := s.pool.QueryRow(ctx, query, args...).Scan(rr.dest()...)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Refund{}, store.ErrNotFound
	}
	if err != nil {
		return store.Refund{}, err
	}
	return rr.record(), nil
}

// GetCaptureByRequest returns the capture partnerID asked for with
// requestID, or store.ErrNotFound.
func (s *Store) GetCaptureByRequest(ctx context.Context, partnerID, requestID string) (store.Capture, error) {
	var cr captureRow
	err := s.pool.QueryRow(ctx, s.q.captureByRequest, partnerID, requestID).Scan(cr.dest()...)
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Capture{}, fmt.Errorf("pgstore: capture %s/%s: %w", partnerID, requestID, err)
	}
	return cr.record(), nil
}

// History returns the payment's events in Seq order and, within one Seq,
// in commit order; an empty slice when there are none, also for an unknown
// payment.
func (s *Store) History(ctx context.Context, paymentID string) ([]store.Event, error) {
	rows, err := s.pool.Query(ctx, s.q.history, paymentID)
	if err != nil {
		return nil, fmt.Errorf("pgstore: history of %q: %w", paymentID, err)
	}
	events, err := collect(rows, func(r *eventRow) store.Event { return r.record() })
	if err != nil {
		return nil, fmt.Errorf("pgstore: history of %q: %w", paymentID, err)
	}
	return events, nil
}

// Outbox returns all messages of a payment in creation order; an empty
// slice when there are none, also for an unknown payment.
func (s *Store) Outbox(ctx context.Context, paymentID string) ([]store.OutboxMessage, error) {
	rows, err := s.pool.Query(ctx, s.q.outbox, paymentID)
	if err != nil {
		return nil, fmt.Errorf("pgstore: outbox of %q: %w", paymentID, err)
	}
	msgs, err := collect(rows, func(r *outboxRow) store.OutboxMessage { return r.record() })
	if err != nil {
		return nil, fmt.Errorf("pgstore: outbox of %q: %w", paymentID, err)
	}
	return msgs, nil
}

// scannable is a row type of rows.go.
type scannable interface{ dest() []any }

// collect scans every row into a fresh R and returns record of each, never
// nil. It closes rows.
func collect[R any, PR interface {
	*R
	scannable
}, T any](rows pgx.Rows, record func(PR) T) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		row := PR(new(R))
		if err := rows.Scan(row.dest()...); err != nil {
			return nil, err
		}
		out = append(out, record(row))
	}
	return out, rows.Err()
}
