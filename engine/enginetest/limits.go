package enginetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/storetest"
)

// testDailyLimitUnderConcurrency: 50 concurrent agreement pays of 10.00
// against a daily limit of 100.00 through engines over the store under
// test give exactly 10 successes and 40 USER_AMOUNT_EXCEED_LIMIT refusals
// that stored nothing; the ledger moved exactly 100.00. After two of the
// payments are cancelled, 50 more concurrent cashier confirms of 10.00 give
// exactly 2 successes: a cancelled payment gives its room back.
func testDailyLimitUnderConcurrency(t *testing.T, s store.Store) {
	RunDailyLimit(t, []store.Store{s})
}

// RunDailyLimit runs the daily-limit race of RunStore with one engine per
// store in stores (stores sharing one database stand for processes).
func RunDailyLimit(t *testing.T, stores []store.Store) {
	const (
		attempts = 50
		user     = "user-1"
	)
	ctx := context.Background()
	ledger := memfunds.New()
	ledger.SetBalance(user, "USD", 1_000_000)
	ledger.AddAccessToken("token-1", user)
	rules := &engine.StaticLimits{Users: map[string]engine.UserRules{user: {Daily: map[string]int64{"USD": 10_000}}}}
	clock := NewClock(storeStart)
	ids := &IDs{Prefix: "id-"}
	engines := make([]*engine.Engine, len(stores))
	for i, s := range stores {
		eng, err := engine.New(s, ledger, engine.Config{
			Now: clock.Now, Limits: rules, ConflictRetries: 1 << 20,
			NewID: ids.Next,
		})
		require.NoError(t, err)
		engines[i] = eng
	}
	ten := engine.Money{Currency: "USD", Minor: 1_000}

	paid := make([]engine.Payment, attempts)
	errs := make([]error, attempts)
	storetest.Parallel(attempts, func(i int) {
		paid[i], errs[i] = engines[i%len(engines)].Pay(ctx, engine.PayRequest{
			PartnerID: "shop", RequestID: fmt.Sprintf("agreement-%02d", i), Scenario: engine.ScenarioAgreement,
			Amount: ten, AuthCode: "token-1",
		})
	})
	var won []engine.Payment
	for i, err := range errs {
		if err == nil {
			require.Equal(t, engine.PaymentSuccess, paid[i].State)
			won = append(won, paid[i])
			continue
		}
		require.Equal(t, engine.CodeUserAmountLimit, engine.ErrorCode(err), "pay %d: %v", i, err)
		_, lerr := stores[0].GetPaymentByRequest(ctx, "shop", fmt.Sprintf("agreement-%02d", i))
		require.ErrorIs(t, lerr, store.ErrNotFound, "a refused pay stores nothing")
	}
	require.Len(t, won, 10, "50 pays of 10.00 against 100.00 a day")
	require.Equal(t, int64(1_000_000-10_000), ledger.Balance(user, "USD"))

	for _, p := range won[:2] {
		_, err := engines[0].Cancel(ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: p.ID})
		require.NoError(t, err)
	}
	cashier := make([]engine.Payment, attempts)
	for i := range cashier {
		p, err := engines[i%len(engines)].Pay(ctx, engine.PayRequest{
			PartnerID: "shop", RequestID: fmt.Sprintf("cashier-%02d", i), Scenario: engine.ScenarioCashier, Amount: ten,
		})
		require.NoError(t, err)
		cashier[i] = p
	}
	storetest.Parallel(attempts, func(i int) {
		cashier[i], errs[i] = engines[i%len(engines)].Confirm(ctx, cashier[i].ID, user)
	})
	ok := 0
	for i, err := range errs {
		if err == nil {
			require.Equal(t, engine.PaymentSuccess, cashier[i].State)
			ok++
			continue
		}
		require.Equal(t, engine.CodeUserAmountLimit, engine.ErrorCode(err), "confirm %d: %v", i, err)
		require.Equal(t, engine.PaymentAccept, cashier[i].State, "a refused confirm leaves the payment waiting")
	}
	require.Equal(t, 2, ok, "two cancelled payments gave 20.00 back")
	v, err := stores[0].Counter(ctx, "user/"+user+"/"+storeStart.Format("2006-01-02")+"/USD")
	require.NoError(t, err)
	require.Equal(t, int64(10_000), v)
}
