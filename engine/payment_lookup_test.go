package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/memstore"
)

// TestPaymentByWalletID: Payment finds a payment by its wallet id alone,
// whatever its partner, answers like InquirePayment, and changes nothing.
func TestPaymentByWalletID(t *testing.T) {
	ctx := context.Background()
	clock := enginetest.NewClock(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	st := memstore.New()
	eng, err := engine.New(st, memfunds.New(), engine.Config{Now: clock.Now, NewID: (&enginetest.IDs{Prefix: "p"}).Next})
	require.NoError(t, err)
	amount, err := engine.ParseMoney("JPY", "500")
	require.NoError(t, err)
	paid, err := eng.Pay(ctx, engine.PayRequest{
		PartnerID: "shop-b", RequestID: "order-1", Scenario: engine.ScenarioCashier,
		Amount: amount, OrderTitle: "Tea",
	})
	require.NoError(t, err)

	got, err := eng.Payment(ctx, paid.ID)
	require.NoError(t, err)
	require.Equal(t, paid, got)
	inquired, err := eng.InquirePayment(ctx, engine.PaymentRef{PartnerID: "shop-b", PaymentID: paid.ID})
	require.NoError(t, err)
	require.Equal(t, inquired, got)

	clock.Advance(time.Hour) // past the cashier expiry: reading expires nothing
	again, err := eng.Payment(ctx, paid.ID)
	require.NoError(t, err)
	require.Equal(t, got, again)

	_, err = eng.Payment(ctx, "no-such-payment")
	require.Equal(t, engine.CodePaymentNotFound, engine.ErrorCode(err))
	_, err = eng.Payment(ctx, "")
	require.Equal(t, engine.CodeParamIllegal, engine.ErrorCode(err))
}
