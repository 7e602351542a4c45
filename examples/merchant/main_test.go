package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/examples/wallet/wallettest"
)

// startWallet runs the reference wallet with its demo configuration on a
// free port and returns the merchant.json pointed at it.
func startWallet(t *testing.T) string {
	t.Helper()
	return wallettest.Start(t, wallettest.Demo(t, nil)).MerchantConfigFile(t)
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

func TestAuthorizeAndCaptureInTwoParts(t *testing.T) {
	cfg := startWallet(t)

	auth, _ := answer(t, "-config", cfg, "pay", "-agreement", "-authorize", "-amount", "10.00", "-request", "cli-auth")
	require.Equal(t, "S SUCCESS", result(auth))
	assert.NotEmpty(t, auth["authExpiryTime"], "an authorization says until when it holds")
	id := auth["paymentId"].(string)

	first, _ := answer(t, "-config", cfg, "capture", "-payment", id, "-amount", "4.00", "-request", "cli-c1")
	require.Equal(t, "S SUCCESS", result(first))
	assert.NotEmpty(t, first["captureId"])
	over, _ := answer(t, "-config", cfg, "capture", "-payment", id, "-amount", "7.00")
	assert.Equal(t, "F CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT", result(over))
	last, _ := answer(t, "-config", cfg, "capture", "-payment", id, "-amount", "5.00", "-last", "-request", "cli-c2")
	require.Equal(t, "S SUCCESS", result(last))
	after, _ := answer(t, "-config", cfg, "capture", "-payment", id, "-amount", "0.50")
	assert.Equal(t, "F", result(after)[:1], "nothing is left to capture after the last capture")

	inq, _ := answer(t, "-config", cfg, "inquire", id)
	assert.Equal(t, "SUCCESS", inq["paymentStatus"])
	refunded, _ := answer(t, "-config", cfg, "refund", "-payment", id, "-amount", "9.00")
	assert.Equal(t, "S SUCCESS", result(refunded), "the captured 9.00 can be refunded")
	over2, _ := answer(t, "-config", cfg, "refund", "-payment", id, "-amount", "0.01")
	assert.Equal(t, "F REFUND_AMOUNT_EXCEED", result(over2))
}
