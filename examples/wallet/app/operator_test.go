package app

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/examples/merchant/shop"
	"github.com/paystate/paystate/examples/wallet/ledger"
	"github.com/paystate/paystate/store"
)

// The operator commands show a payment with its history and notification,
// list a parked notification and make it due again.
func TestOperatorCommands(t *testing.T) {
	dir := demoDir(t)
	w := start(t, dir)
	w.merchant.NotifyURL = "http://127.0.0.1:1/notify" // nobody listens
	pay, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "op-1", Title: "Beans", Amount: usd(700), AccessToken: demoAliceToken})
	require.NoError(t, err)
	require.NoError(t, w.stop())

	cfg, err := LoadConfig(filepath.Join(dir, walletConfigFile))
	require.NoError(t, err)
	operate := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		require.NoError(t, Operate(t.Context(), cfg, args, &out))
		return out.String()
	}

	shown := operate("payment", pay.PaymentID)
	assert.Contains(t, shown, "payment            "+pay.PaymentID)
	assert.Contains(t, shown, "SUCCESS")
	assert.Contains(t, shown, "7.00 USD (refunded 0.00 USD, held 0.00 USD)")
	assert.Contains(t, shown, "history:")
	assert.Contains(t, shown, "-> SUCCESS")
	assert.Contains(t, shown, "to http://127.0.0.1:1/notify")
	assert.Contains(t, operate("undelivered"), "0 undelivered")
	assert.Contains(t, operate("unknown"), "0 unknown outcomes")
	assert.Equal(t, "currency  available    held\n"+
		"JPY       500000 JPY   0 JPY\n"+
		"USD       9993.00 USD  0.00 USD\n", operate("balance", demoCashier))

	// Park the notification as the worker does after its last attempt.
	st, err := openStore(t.Context(), cfg)
	require.NoError(t, err)
	later := time.Now().Add(48 * time.Hour)
	claimed, err := st.store.ClaimOutbox(t.Context(), "test", later, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	msg := claimed[0]
	require.NoError(t, st.store.RecordDelivery(t.Context(), store.Delivery{MessageID: msg.ID, Owner: "test", At: later, Error: "connection refused", Park: true}))
	st.close()

	listed := operate("undelivered")
	assert.Contains(t, listed, msg.ID+" payment "+pay.PaymentID+" SUCCESS to http://127.0.0.1:1/notify: PARKED")
	assert.Contains(t, listed, "(last error: connection refused)")
	assert.Contains(t, listed, "1 undelivered")
	assert.Contains(t, operate("undelivered", "-resend", msg.ID), "due again: "+msg.ID)
	assert.Contains(t, operate("undelivered"), "0 undelivered", "resent: no longer parked")

	// Parked again, then everything resent at once.
	st, err = openStore(t.Context(), cfg)
	require.NoError(t, err)
	claimed, err = st.store.ClaimOutbox(t.Context(), "test", later.Add(time.Hour), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.NoError(t, st.store.RecordDelivery(t.Context(), store.Delivery{MessageID: msg.ID, Owner: "test", At: later.Add(time.Hour), Error: "HTTP 500", Park: true}))
	st.close()
	resentAll := operate("undelivered", "-resend-all")
	assert.Contains(t, resentAll, msg.ID+" payment "+pay.PaymentID+" SUCCESS to http://127.0.0.1:1/notify: waiting, next attempt ")
	assert.NotContains(t, resentAll, "PARKED", "shown as resent")
	assert.Contains(t, resentAll, "1 resent")
	assert.Contains(t, operate("undelivered"), "0 undelivered")

	var out bytes.Buffer
	assert.ErrorContains(t, Operate(t.Context(), cfg, []string{"payment", "nope"}, &out), "payment nope: ")
	assert.ErrorContains(t, Operate(t.Context(), cfg, []string{"refund"}, &out), "unknown command refund")
	assert.ErrorIs(t, Operate(t.Context(), cfg, []string{"balance", "carol"}, &out), ledger.ErrUnknownUser)
}

// The operator commands show an authorization's hold and captures, and
// the money its hold sets aside as held.
func TestOperatorShowsAuthorizations(t *testing.T) {
	dir := demoDir(t)
	w := start(t, dir)
	ctx, eng := t.Context(), w.server.Engine()
	p, err := eng.Pay(ctx, engine.PayRequest{PartnerID: demoPartnerID, RequestID: "stay-1", Scenario: engine.ScenarioAgreement,
		AuthCode: demoAliceToken, Amount: engine.Money{Currency: "USD", Minor: 300_00}, OrderTitle: "Room", Authorization: true})
	require.NoError(t, err)
	c, err := eng.Capture(ctx, engine.CaptureRequest{PartnerID: demoPartnerID, RequestID: "night-1", PaymentID: p.ID,
		Amount: engine.Money{Currency: "USD", Minor: 100_00}})
	require.NoError(t, err)
	require.NoError(t, w.stop())

	cfg, err := LoadConfig(filepath.Join(dir, walletConfigFile))
	require.NoError(t, err)
	operate := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		require.NoError(t, Operate(t.Context(), cfg, args, &out))
		return out.String()
	}
	shown := operate("payment", p.ID)
	assert.Contains(t, shown, "AUTHORIZED")
	assert.Contains(t, shown, "authorization      hold "+p.ID+"-1, captured 100.00 USD (in flight 0.00 USD), until ")
	assert.Contains(t, shown, "capture "+c.ID+" (request night-1): 100.00 USD SUCCESS")
	assert.Contains(t, operate("balance", demoCashier), "USD       9700.00 USD  200.00 USD\n")
}
