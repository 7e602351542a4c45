package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/paystate/paystate/store"
)

var (
	// qAddCounter adds ?2 to counter ?1 unless the cap ?3 (0: none) would
	// be passed; it returns no row when it would. SQLite runs one writer
	// at a time, so the check and the addition are one step.
	qAddCounter = `INSERT INTO counters (key, value) SELECT ?1, ?2 WHERE ?3 = 0 OR ?2 <= ?3
	ON CONFLICT (key) DO UPDATE SET value = value + excluded.value
	WHERE ?3 = 0 OR value + excluded.value <= ?3 RETURNING value`
	qCounter = `SELECT value FROM counters WHERE key = ?`
)

// writeCounters applies c's counter deltas in key order, refusing with a
// *store.LimitError at the first that would pass its cap.
func (s *Store) writeCounters(ctx context.Context, tx *sql.Tx, c *store.Change) error {
	if len(c.Counters) == 0 {
		return nil
	}
	st, err := s.stmt(ctx, tx, qAddCounter)
	if err != nil {
		return err
	}
	for _, d := range c.SortedCounters() {
		limit := d.Max
		if d.Delta < 0 {
			limit = 0 // a counter given back is never capped
		}
		var v int64
		err := st.QueryRowContext(ctx, d.Key, d.Delta, limit).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return &store.LimitError{Key: d.Key, Max: d.Max}
		}
		if err != nil {
			return fmt.Errorf("sqlitestore: commit %q: counter %q: %w", c.Payment.ID, d.Key, err)
		}
	}
	return nil
}

// Counter returns the counter's value (0 for a key never written).
func (s *Store) Counter(ctx context.Context, key string) (int64, error) {
	var v int64
	err := s.read(ctx, fmt.Sprintf("counter %q", key), func(tx *sql.Tx) error {
		st, err := s.stmt(ctx, tx, qCounter)
		if err != nil {
			return err
		}
		err = st.QueryRowContext(ctx, key).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			v, err = 0, nil
		}
		return err
	})
	return v, err
}
