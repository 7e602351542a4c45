package enginetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/storetest"
)

// RunStore runs the engine over the backend newStore creates, as a wallet
// process would, and holds what it stores against paystate's invariants: the
// part of a backend's conformance that needs the real engine. The store
// contract itself is store/storetest's, which drives the store with
// hand-built Changes and never imports the engine; a backend calls both
// from its TestConformance:
//
//	func TestConformance(t *testing.T) {
//		newStore := func(t *testing.T) store.Store { return memstore.New() }
//		storetest.Run(t, newStore)
//		enginetest.RunStore(t, newStore)
//	}
//
// newStore is called once per subtest and must return an empty store no
// other subtest sees (see store/storetest).
func RunStore(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	t.Run("Engine", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			fn   func(t *testing.T, s store.Store)
		}{
			{"RefundsOnePayment", testRefundsOnePayment},
			{"DailyLimitUnderConcurrency", testDailyLimitUnderConcurrency},
			{"CapturesOneAuthorization", testCapturesOneAuthorization},
			{"CaptureRacesVoidAndExpiry", testCaptureRacesVoidAndExpiry},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s := newStore(t)
				require.NotNil(t, s, "newStore returned nil")
				tc.fn(t, s)
			})
		}
	})
}

// storeStart is the clock of RunStore's engines.
var storeStart = time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)

// testRefundsOnePayment: 64 goroutines refund one paid payment with random
// amounts through one engine over the store under test. Every request
// lands (unbounded conflict retries); afterwards the refund rule holds,
// every answer matches what is stored, and the ledger credited exactly the
// successful refunds.
func testRefundsOnePayment(t *testing.T, s store.Store) {
	const (
		workers    = 64
		paidAmount = 10_000
		user       = "user-1"
	)
	ctx := context.Background()
	ledger := memfunds.New()
	ledger.SetBalance(user, "USD", paidAmount+500)
	ledger.AddAccessToken("token-1", user)
	ids := &IDs{Prefix: "id-"}
	eng, err := engine.New(s, ledger, engine.Config{
		Now:             NewClock(storeStart).Now,
		NewID:           ids.Next,
		ConflictRetries: 1 << 20,
	})
	require.NoError(t, err)

	p, err := eng.Pay(ctx, engine.PayRequest{
		PartnerID: "shop", RequestID: "order-1", Scenario: engine.ScenarioAgreement,
		Amount: engine.Money{Currency: "USD", Minor: paidAmount}, AuthCode: "token-1", OrderTitle: "one payment, many refunds",
	})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p.State)
	balanceBefore := ledger.Balance(user, "USD")
	require.Equal(t, int64(500), balanceBefore)

	// On average 200 per refund, 12,800 requested in all: some must be refused.
	amounts := randomAmounts(0x5eed, workers)
	type outcome struct {
		refund engine.Refund
		err    error
	}
	outcomes := make([]outcome, workers)
	storetest.Parallel(workers, func(i int) {
		r, err := eng.Refund(ctx, engine.RefundRequest{
			PartnerID: "shop", RequestID: fmt.Sprintf("refund-%02d", i), PaymentID: p.ID,
			Amount: engine.Money{Currency: "USD", Minor: amounts[i]}, Reason: "concurrency",
		})
		outcomes[i] = outcome{r, err}
	})

	snap, err := s.GetPayment(ctx, p.ID)
	require.NoError(t, err)
	require.Len(t, snap.Refunds, workers, "one stored refund per request")
	require.NoError(t, CheckPayment(ctx, s, p.ID))
	require.NoError(t, CheckFunds(snap, ledger))
	var nSuccess, nFail int
	for _, r := range snap.Refunds {
		switch r.Status {
		case refundOK:
			nSuccess++
		case refundFailed:
			nFail++
		}
	}
	require.Zero(t, snap.Payment.HeldAmount, "the ledger answers every credit: nothing stays in flight")
	require.Equal(t, balanceBefore+snap.Payment.RefundedAmount, ledger.Balance(user, "USD"), "the ledger credited exactly the successful refunds")
	require.Positive(t, nSuccess, "some refunds succeed")
	require.Positive(t, nFail, "more was asked than paid: some refunds are refused")

	for i, o := range outcomes {
		switch code := engine.ErrorCode(o.err); code {
		case engine.CodeNone:
			require.Equal(t, engine.RefundSuccess, o.refund.State, "refund %d", i)
		case engine.CodeRefundAmountExceed:
			require.Equal(t, engine.RefundFail, o.refund.State, "refund %d", i)
		default:
			require.NoError(t, o.err, "refund %d of %d", i, amounts[i])
		}
		stored, err := s.GetRefundByRequest(ctx, "shop", fmt.Sprintf("refund-%02d", i))
		require.NoError(t, err)
		require.Equal(t, o.refund.ID, stored.ID, "refund %d", i)
		require.Equal(t, o.refund.State.String(), stored.Status, "refund %d: answer and store agree", i)
		require.Equal(t, amounts[i], stored.Amount, "refund %d", i)
	}
}

// randomAmounts returns n amounts of 1 to 400 minor units (200 on
// average), the same for the same seed.
func randomAmounts(seed uint64, n int) []int64 {
	rnd := rand.New(rand.NewPCG(64, seed))
	amounts := make([]int64, n)
	for i := range amounts {
		amounts[i] = 1 + rnd.Int64N(400)
	}
	return amounts
}
