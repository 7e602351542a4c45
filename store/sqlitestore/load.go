package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/paystate/paystate/store"
)

var (
	qPaymentByID      = paymentSelect + ` WHERE id = ?`
	qPaymentByRequest = paymentSelect + ` WHERE partner_id = ? AND request_id = ?`
	qRefundsOf        = refundSelect + ` WHERE payment_id = CAST(? AS TEXT) ORDER BY pos`
	qRefundByID       = refundSelect + ` WHERE id = ?`
	qRefundOfPayment  = refundSelect + ` WHERE id = ? AND payment_id = ?`
	qRefundByRequest  = refundSelect + ` WHERE partner_id = ? AND request_id = ?`
	qCapturesOf       = captureSelect + ` WHERE payment_id = CAST(? AS TEXT) ORDER BY pos`
	qCaptureByRequest = captureSelect + ` WHERE partner_id = ? AND request_id = ?`
	qHistory          = `SELECT ` + eventColumns + ` FROM events WHERE payment_id = CAST(? AS TEXT) ORDER BY seq, pos`
)

// GetPayment returns the payment with the given id, its refunds and its
// captures in creation order, read from one snapshot, or
// store.ErrNotFound.
func (s *Store) GetPayment(ctx context.Context, paymentID string) (store.Snapshot, error) {
	return s.snapshot(ctx, fmt.Sprintf("payment %q", paymentID), qPaymentByID, paymentID)
}

// GetPaymentByRequest returns the payment partnerID created with
// requestID, its refunds and its captures, or store.ErrNotFound.
func (s *Store) GetPaymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	return s.snapshot(ctx, fmt.Sprintf("payment %s/%s", partnerID, requestID), qPaymentByRequest, partnerID, requestID)
}

// LoadPayment returns the payment with the given id, its captures (read
// only when its CaptureCount says it has some) and, when refundID names
// one of its refunds, that refund, read from one snapshot, or
// store.ErrNotFound.
func (s *Store) LoadPayment(ctx context.Context, paymentID, refundID string) (store.Snapshot, error) {
	what := fmt.Sprintf("payment %q", paymentID)
	if refundID == "" {
		// One statement reads from a snapshot of its own: a payment with
		// no captures needs no read transaction around it (most commands
		// and inquiries read just that).
		p, err := s.paymentIn(ctx, nil, what, qPaymentByID, paymentID)
		if err != nil {
			return store.Snapshot{}, err
		}
		if p.CaptureCount == 0 {
			return store.Snapshot{Payment: p, Refunds: []store.Refund{}, Captures: []store.Capture{}}, nil
		}
	}
	var snap store.Snapshot
	err := s.read(ctx, "load "+what, func(tx *sql.Tx) error {
		var err error
		if snap.Payment, err = s.paymentIn(ctx, tx, what, qPaymentByID, paymentID); err != nil {
			return err
		}
		snap.Refunds = []store.Refund{}
		snap.Captures = []store.Capture{}
		if snap.Payment.CaptureCount > 0 {
			if snap.Captures, err = s.capturesOf(ctx, tx, paymentID); err != nil {
				return fmt.Errorf("sqlitestore: load %s: captures: %w", what, err)
			}
		}
		if refundID == "" {
			return nil
		}
		st, err := s.stmt(ctx, tx, qRefundOfPayment)
		if err != nil {
			return err
		}
		r, err := scanRefund(st.QueryRowContext(ctx, refundID, paymentID))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil
		case err != nil:
			return fmt.Errorf("sqlitestore: load %s: refund %q: %w", what, refundID, err)
		}
		snap.Refunds = append(snap.Refunds, r)
		return nil
	})
	return snap, err
}

// LoadPaymentByRequest returns the payment partnerID created with
// requestID, without its refunds and captures, or store.ErrNotFound.
func (s *Store) LoadPaymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	what := fmt.Sprintf("payment %s/%s", partnerID, requestID)
	st, err := s.stmt(ctx, nil, qPaymentByRequest)
	if err != nil {
		return store.Snapshot{}, err
	}
	p, err := scanPayment(st.QueryRowContext(ctx, partnerID, requestID))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Snapshot{}, fmt.Errorf("sqlitestore: %s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return store.Snapshot{}, fmt.Errorf("sqlitestore: load %s: %w", what, err)
	}
	return store.Snapshot{Payment: p, Refunds: []store.Refund{}, Captures: []store.Capture{}}, nil
}

// paymentIn reads the payment query finds within tx. what names it in
// errors.
func (s *Store) paymentIn(ctx context.Context, tx *sql.Tx, what, query string, args ...any) (store.Payment, error) {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return store.Payment{}, err
	}
	p, err := scanPayment(st.QueryRowContext(ctx, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Payment{}, fmt.Errorf("sqlitestore: %s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return store.Payment{}, fmt.Errorf("sqlitestore: get %s: %w", what, err)
	}
	return p, nil
}

// snapshot reads the payment that query finds, its refunds and its
// captures in one read transaction. what names the payment in errors.
func (s *Store) snapshot(ctx context.Context, what, query string, args ...any) (store.Snapshot, error) {
	var snap store.Snapshot
	err := s.read(ctx, "get "+what, func(tx *sql.Tx) error {
		var err error
		if snap.Payment, err = s.paymentIn(ctx, tx, what, query, args...); err != nil {
			return err
		}
		snap.Refunds, err = s.refundsOf(ctx, tx, snap.Payment.ID)
		if err != nil {
			return fmt.Errorf("sqlitestore: get %s: refunds: %w", what, err)
		}
		snap.Captures, err = s.capturesOf(ctx, tx, snap.Payment.ID)
		if err != nil {
			return fmt.Errorf("sqlitestore: get %s: captures: %w", what, err)
		}
		return nil
	})
	return snap, err
}

// refundsOf returns a payment's refunds in creation order, never nil.
func (s *Store) refundsOf(ctx context.Context, tx *sql.Tx, paymentID string) ([]store.Refund, error) {
	st, err := s.stmt(ctx, tx, qRefundsOf)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, paymentID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanRefund)
}

// capturesOf returns a payment's captures in creation order, never nil.
func (s *Store) capturesOf(ctx context.Context, tx *sql.Tx, paymentID string) ([]store.Capture, error) {
	st, err := s.stmt(ctx, tx, qCapturesOf)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, paymentID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCapture)
}

// GetCaptureByRequest returns the capture partnerID asked for with
// requestID, or store.ErrNotFound.
func (s *Store) GetCaptureByRequest(ctx context.Context, partnerID, requestID string) (store.Capture, error) {
	what := fmt.Sprintf("capture %s/%s", partnerID, requestID)
	st, err := s.stmt(ctx, nil, qCaptureByRequest)
	if err != nil {
		return store.Capture{}, err
	}
	k, err := scanCapture(st.QueryRowContext(ctx, partnerID, requestID))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Capture{}, fmt.Errorf("sqlitestore: %s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return store.Capture{}, fmt.Errorf("sqlitestore: get %s: %w", what, err)
	}
	return k, nil
}

// GetRefund returns the refund with the given id, or store.ErrNotFound.
func (s *Store) GetRefund(ctx context.Context, refundID string) (store.Refund, error) {
	return s.refund(ctx, fmt.Sprintf("refund %q", refundID), qRefundByID, refundID)
}

// GetRefundByRequest returns the refund partnerID asked for with
// requestID, or store.ErrNotFound.
func (s *Store) GetRefundByRequest(ctx context.Context, partnerID, requestID string) (store.Refund, error) {
	return s.refund(ctx, fmt.Sprintf("refund %s/%s", partnerID, requestID), qRefundByRequest, partnerID, requestID)
}

// refund reads the one refund query finds. what names it in errors.
func (s *Store) refund(ctx context.Context, what, query string, args ...any) (store.Refund, error) {
	st, err := s.stmt(ctx, nil, query)
	if err != nil {
		return store.Refund{}, err
	}
	r, err := scanRefund(st.QueryRowContext(ctx, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Refund{}, fmt.Errorf("sqlitestore: %s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return store.Refund{}, fmt.Errorf("sqlitestore: get %s: %w", what, err)
	}
	return r, nil
}

// History returns the payment's events in Seq order and, within one Seq,
// in commit order; an empty slice when there are none, also for an unknown
// payment.
func (s *Store) History(ctx context.Context, paymentID string) ([]store.Event, error) {
	st, err := s.stmt(ctx, nil, qHistory)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, paymentID)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: history of %q: %w", paymentID, err)
	}
	events, err := collect(rows, scanEvent)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: history of %q: %w", paymentID, err)
	}
	return events, nil
}

// collect scans every row with scan and closes rows. It returns an empty,
// non-nil slice when there are no rows.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
