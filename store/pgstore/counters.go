package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/paystate/paystate/store"
)

// counterQueries are the statements of Change.Counters and Store.Counter.
type counterQueries struct {
	add, get string
}

func newCounterQueries(schema string) counterQueries {
	counters := qualify(schema, "counters")
	return counterQueries{
		// Adds $2 to counter $1 unless the cap $3 (0: none) would be
		// passed, and then returns no row. Under READ COMMITTED the
		// conflict arm waits for the row lock and evaluates its WHERE on
		// the newest committed value, so the check and the addition are
		// one step across transactions and processes. A new counter is
		// inserted only when $2 alone fits.
		add: "INSERT INTO " + counters + " AS c (key, value) SELECT $1, $2::bigint WHERE $3::bigint = 0 OR $2::bigint <= $3::bigint" +
			" ON CONFLICT (key) DO UPDATE SET value = c.value + EXCLUDED.value" +
			" WHERE $3::bigint = 0 OR c.value + EXCLUDED.value <= $3::bigint RETURNING value",
		get: "SELECT value FROM " + counters + " WHERE key = $1",
	}
}

// queueCounters queues c's counter deltas on b in key order (so that two
// transactions never lock counters in opposite orders); a delta that would
// pass its cap makes w refuse the commit with a *store.LimitError.
func (s *Store) queueCounters(b *pgx.Batch, w *commitWrites, c *store.Change) {
	for _, d := range c.SortedCounters() {
		limit := d.Max
		if d.Delta < 0 {
			limit = 0 // a counter given back is never capped
		}
		b.Queue(s.cq.add, d.Key, d.Delta, limit).QueryRow(func(row pgx.Row) error {
			var v int64
			err := row.Scan(&v)
			if errors.Is(err, pgx.ErrNoRows) {
				w.refuse(&store.LimitError{Key: d.Key, Max: d.Max})
				return nil
			}
			return err
		})
	}
}

// Counter returns the counter's value (0 for a key never written).
func (s *Store) Counter(ctx context.Context, key string) (int64, error) {
	var v int64
	err := s.pool.QueryRow(ctx, s.cq.get, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("pgstore: counter %q: %w", key, err)
	}
	return v, nil
}
