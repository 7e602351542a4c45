package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
)

// The wallets a run compares: the one under benchmark and the baseline.
const (
	labelWallet   = "wallet"
	labelBaseline = "baseline"
)

// databaseFor returns the PostgreSQL data source name the wallet labelled
// label runs on: dsn itself for the wallet under benchmark, and for the
// baseline a new database on the same server, so that neither wallet's
// worker claims the other's notifications.
func databaseFor(ctx context.Context, dsn, label string) (string, error) {
	if label == labelWallet {
		return dsn, nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("PAYSTATE_PG_DSN: %w", err)
	}
	var id [4]byte
	_, _ = crand.Read(id[:])
	name := "paystate_httpbench_" + label + "_" + hex.EncodeToString(id[:])
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", fmt.Errorf("create the %s database: %w", label, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create the %s database: %w", label, err)
	}
	u.Path = "/" + name
	return u.String(), nil
}
