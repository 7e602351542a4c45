package pgstore

import (
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ConfigureFailover makes a pool fit for a PostgreSQL cluster that fails
// over: a connection whose server says it no longer takes writes (a
// standby in recovery, or default_transaction_read_only on, as PostgreSQL
// 14 and later report) is closed when it is released instead of going back
// to the pool, so that the next write opens a new connection, and a
// multi-host DSN with target_session_attrs=read-write then finds the
// primary. Any AfterRelease hook cfg already has still runs for the
// connections kept. Open applies it to the pools it creates; callers of
// New that build their own pool should apply it too.
//
// Connections that broke (a killed server, a reset socket) need nothing
// more: pgx closes them on the error and the pool discards them, and a
// connection idle for over a second is pinged before it is handed out.
func ConfigureFailover(cfg *pgxpool.Config) {
	keep := cfg.AfterRelease
	cfg.AfterRelease = func(c *pgx.Conn) bool {
		if serverReadOnly(c.PgConn()) {
			return false
		}
		return keep == nil || keep(c)
	}
}

// serverReadOnly says whether the server of c last reported that it takes
// no writes.
func serverReadOnly(c *pgconn.PgConn) bool {
	return c.ParameterStatus("in_hot_standby") == "on" ||
		c.ParameterStatus("default_transaction_read_only") == "on"
}

// refusedAsReadOnly says whether err is the server refusing a write because
// it takes none (SQLSTATE 25006, read_only_sql_transaction): a standby, or a
// primary being demoted. Nothing of the transaction was applied. It resets
// the pool, whose other connections are likely on the same server, so that
// the next acquire connects anew and, with target_session_attrs=read-write,
// reaches whichever server is the primary now.
func (s *Store) refusedAsReadOnly(err error) bool {
	if sqlState(err) != codeReadOnlyTransaction {
		return false
	}
	s.pool.Reset()
	return true
}
