package app

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/examples/merchant/shop"
)

// TestConfiguredLimits: the keys reach the engine and the
// handler: alice's daily sum and count, the partner's single-payment cap,
// and, in a second configuration, a suspended partner and a frozen user.
func TestConfiguredLimits(t *testing.T) {
	dir := demoDir(t)
	editConfig(t, dir, func(c map[string]any) {
		partner(c)["limits"] = map[string]any{"perPayment": map[string]any{"USD": "5000"}}
		partner(c)["rateLimit"] = map[string]any{"perSecond": 100, "burst": 100}
		user(c, 0)["limits"] = map[string]any{"daily": map[string]any{"USD": "2000"}, "dailyCount": 2}
	})
	w := start(t, dir)
	pay := func(req string, minor int64) wire.Result {
		t.Helper()
		a, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: req, Title: "Beans", Amount: usd(minor), AccessToken: demoAliceToken})
		require.NoError(t, err)
		return a.Result
	}
	assert.Equal(t, wire.CodePaymentAmountExceedLimit, pay("cap", 5001).ResultCode)
	assert.Equal(t, wire.CodeSuccess, pay("a-1", 1250).ResultCode)
	assert.Equal(t, wire.CodeUserAmountExceedLimit, pay("a-2", 1000).ResultCode, "12.50 + 10.00 passes 20.00 a day")
	assert.Equal(t, wire.CodeSuccess, pay("a-3", 500).ResultCode)
	assert.Equal(t, wire.CodePaymentCountExceedLimit, pay("a-4", 1).ResultCode, "two payments a day")
	require.NoError(t, w.stop())

	editConfig(t, dir, func(c map[string]any) {
		user(c, 0)["status"] = "frozen"
	})
	w = start(t, dir)
	assert.Equal(t, wire.CodeUserStatusAbnormal, pay("f-1", 1).ResultCode)
	require.NoError(t, w.stop())

	editConfig(t, dir, func(c map[string]any) {
		partner(c)["status"] = "suspended"
	})
	w = start(t, dir)
	assert.Equal(t, wire.CodePartnerStatusAbnormal, pay("s-1", 1).ResultCode)
	assert.Equal(t, wire.CodeSuccess, pay("a-1", 1250).ResultCode, "a repeat still answers")
}
