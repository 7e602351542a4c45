package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
)

// The wallets a run compares: the one under benchmark and the baseline.
const (
	labelWallet   = "wallet"
	labelBaseline = "baseline"
)

// databaseFor returns the PostgreSQL data source name the wallet labelled
// label runs on, and what removes what it made: dsn itself for the wallet
// under benchmark, and for the baseline a new database on the same server,
// so that neither wallet's worker claims the other's notifications. The
// database is dropped when the baseline wallet has stopped.
func databaseFor(ctx context.Context, dsn, label string) (string, func(), error) {
	if label == labelWallet {
		return dsn, func() {}, nil
	}
	var id [4]byte
	_, _ = crand.Read(id[:])
	name := "paystate_httpbench_" + label + "_" + hex.EncodeToString(id[:])
	var own string
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + name
		own = u.String()
	} else {
		own = dsn + " dbname=" + name // key=value form: the last dbname counts
	}
	admin := func(ctx context.Context, statement string) error {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, statement)
		return err
	}
	if err := admin(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create the %s database: %w", label, err)
	}
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := admin(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "httpbench: drop the %s database %s: %v\n", label, name, err)
		}
	}
	return own, drop, nil
}
