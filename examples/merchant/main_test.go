package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/examples/wallet/app"
)

// startWallet runs the reference wallet with its demo configuration on a
// free port and returns the merchant.json pointed at it.
func startWallet(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	path, _, err := app.DemoConfig(dir)
	require.NoError(t, err)
	cfg, err := app.LoadConfig(path)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg.Listen, cfg.PublicURL = ln.Addr().String(), "http://"+ln.Addr().String()
	require.NoError(t, cfg.Check())
	ctx, cancel := context.WithCancel(t.Context())
	s, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; s.Close() })

	merchantPath := filepath.Join(dir, "merchant.json")
	raw, err := os.ReadFile(merchantPath)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	m["walletURL"] = cfg.PublicURL
	raw, err = json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(merchantPath, raw, 0o600))
	return merchantPath
}

// answer runs the command line and decodes the JSON answer it prints.
func answer(t *testing.T, args ...string) (map[string]any, string) {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), args, &out))
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
	require.NoError(t, dec.Decode(&v), out.String())
	return v, out.String()
}

func result(v map[string]any) string {
	r := v["result"].(map[string]any)
	return r["resultStatus"].(string) + " " + r["resultCode"].(string)
}

func TestPayRefundInquireCancelAgainstTheWallet(t *testing.T) {
	cfg := startWallet(t)

	paid, _ := answer(t, "-config", cfg, "pay", "-agreement", "-amount", "2.50", "-request", "cli-1")
	require.Equal(t, "S SUCCESS", result(paid))
	id := paid["paymentId"].(string)
	again, _ := answer(t, "-config", cfg, "pay", "-agreement", "-amount", "2.50", "-request", "cli-1")
	assert.Equal(t, id, again["paymentId"], "the same request id is the same payment")

	refunded, _ := answer(t, "-config", cfg, "refund", "-payment", id, "-amount", "1.00", "-request", "cli-r1")
	assert.Equal(t, "S SUCCESS", result(refunded))
	over, _ := answer(t, "-config", cfg, "refund", "-payment", id, "-amount", "2.00")
	assert.Equal(t, "F REFUND_AMOUNT_EXCEED", result(over))
	inq, _ := answer(t, "-config", cfg, "inquire", id)
	assert.Equal(t, "SUCCESS", inq["paymentStatus"])
	inqRefund, _ := answer(t, "-config", cfg, "inquire-refund", "cli-r1")
	assert.Equal(t, "S SUCCESS", result(inqRefund))

	cashier, printed := answer(t, "-config", cfg, "pay", "-amount", "3.00")
	assert.Equal(t, "A ACCEPT", result(cashier))
	assert.Contains(t, printed, "Open the cashier to pay: http://127.0.0.1:")
	cancelled, _ := answer(t, "-config", cfg, "cancel", cashier["paymentId"].(string))
	assert.Equal(t, "S SUCCESS", result(cancelled))
	closed, _ := answer(t, "-config", cfg, "inquire", cashier["paymentId"].(string))
	assert.Equal(t, "CANCELLED", closed["paymentStatus"])
}

func TestBadArguments(t *testing.T) {
	cfg := startWallet(t)
	var out bytes.Buffer
	assert.ErrorContains(t, run(t.Context(), []string{"-config", cfg, "pay", "-amount", "abc"}, &out), `-amount "abc"`)
	assert.ErrorContains(t, run(t.Context(), []string{"-config", cfg, "pay", "-amount", "1.001"}, &out), "amount 1.001 USD has more than 2 digits after the decimal point")
	assert.ErrorContains(t, run(t.Context(), []string{"-config", cfg}, &out), "no command")
	assert.ErrorContains(t, run(t.Context(), []string{"-config", cfg, "ship"}, &out), `unknown command "ship"`)
	assert.ErrorContains(t, run(t.Context(), []string{"-config", filepath.Join(t.TempDir(), "none.json")}, &out), "none.json")
}
