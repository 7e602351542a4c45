package enginetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/storetest"
)

// authorize places an authorization of amount minor units of USD for
// user (agreement scenario, token "token-"+user) and returns it.
func authorize(t *testing.T, eng *engine.Engine, requestID, user string, amount int64, authExpires time.Time) engine.Payment {
	t.Helper()
	p, err := eng.Pay(context.Background(), engine.PayRequest{
		PartnerID: "shop", RequestID: requestID, Scenario: engine.ScenarioAgreement,
		Amount: engine.Money{Currency: "USD", Minor: amount}, AuthCode: "token-" + user,
		Authorization: true, AuthExpiresAt: authExpires,
	})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentAuthorized, p.State)
	return p
}

// testCapturesOneAuthorization: 64 goroutines capture random amounts from
// one authorization through one engine over the store under test. Every
// request lands; afterwards captured plus capturing never exceed the
// authorized amount, every answer matches what is stored, the ledger
// captured exactly the successful captures, and a last capture completes
// the authorization and releases the rest exactly once.
func testCapturesOneAuthorization(t *testing.T, s store.Store) {
	const (
		workers    = 64
		authorized = 10_000
		user       = "user-1"
	)
	ctx := context.Background()
	ledger := memfunds.New()
	ledger.SetBalance(user, "USD", authorized+500)
	ledger.AddAccessToken("token-"+user, user)
	ids := &IDs{Prefix: "id-"}
	eng, err := engine.New(s, ledger, engine.Config{
		Now: NewClock(storeStart).Now, NewID: ids.Next, ConflictRetries: 1 << 20, MaxCaptures: workers + 1,
	})
	require.NoError(t, err)
	p := authorize(t, eng, "order-1", user, authorized, time.Time{})

	// On average 200 per capture, 12,800 asked for in all: some must be refused.
	amounts := randomAmounts(0xca97, workers)
	type outcome struct {
		capture engine.Capture
		err     error
	}
	outcomes := make([]outcome, workers)
	storetest.Parallel(workers, func(i int) {
		c, err := eng.Capture(ctx, engine.CaptureRequest{
			PartnerID: "shop", RequestID: fmt.Sprintf("capture-%02d", i), PaymentID: p.ID,
			Amount: engine.Money{Currency: "USD", Minor: amounts[i]},
		})
		outcomes[i] = outcome{c, err}
	})

	snap, err := s.GetPayment(ctx, p.ID)
	require.NoError(t, err)
	require.Len(t, snap.Captures, workers, "one stored capture per request")
	require.NoError(t, CheckPayment(ctx, s, p.ID))
	require.NoError(t, CheckFunds(snap, ledger))
	require.Zero(t, snap.Payment.CapturingAmount, "the ledger answers every capture: nothing stays in flight")
	var nSuccess, nFail int
	for i, o := range outcomes {
		switch code := engine.ErrorCode(o.err); code {
		case engine.CodeNone:
			require.Equal(t, engine.CaptureSuccess, o.capture.State, "capture %d", i)
			nSuccess++
		case engine.CodeCaptureAmountExceed, engine.CodeOrderStatusInvalid:
			// Refused: more than was left, or after the captures used
			// the hold up exactly.
			require.Equal(t, engine.CaptureFail, o.capture.State, "capture %d", i)
			nFail++
		default:
			require.NoError(t, o.err, "capture %d of %d", i, amounts[i])
		}
		stored, err := s.GetCaptureByRequest(ctx, "shop", fmt.Sprintf("capture-%02d", i))
		require.NoError(t, err)
		require.Equal(t, o.capture.ID, stored.ID, "capture %d", i)
		require.Equal(t, o.capture.State.String(), stored.Status, "capture %d: answer and store agree", i)
	}
	require.Positive(t, nSuccess, "some captures succeed")
	require.Positive(t, nFail, "more was asked than authorized: some captures are refused")
	_, captured, released, _ := ledger.HoldState(snap.Payment.HoldID)
	require.Equal(t, snap.Payment.CapturedAmount, captured, "the ledger captured exactly the successful captures")
	require.False(t, released)

	if left := authorized - snap.Payment.CapturedAmount; left > 0 {
		c, err := eng.Capture(ctx, engine.CaptureRequest{
			PartnerID: "shop", RequestID: "capture-last", PaymentID: p.ID,
			Amount: engine.Money{Currency: "USD", Minor: min(left, 1)}, Last: true,
		})
		require.NoError(t, err)
		require.Equal(t, engine.CaptureSuccess, c.State)
	}
	snap, err = s.GetPayment(ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess.String(), snap.Payment.Status, "the last capture completes the authorization")
	require.NoError(t, CheckPayment(ctx, s, p.ID))
	require.NoError(t, CheckFunds(snap, ledger))
	require.Equal(t, int64(authorized+500)-snap.Payment.CapturedAmount, ledger.Balance(user, "USD"), "the rest of the hold went back once")
}

// testCaptureRacesVoidAndExpiry: rounds of a full last capture, a
// merchant's cancel and the expiry job (of a process whose clock is past
// the authorization's expiry) racing on one authorization through engines
// over the store under test. In every round exactly one of them ends the
// hold: either the capture took all of it, or the void or the expiry
// released all of it, and the answers say which.
func testCaptureRacesVoidAndExpiry(t *testing.T, s store.Store) {
	const (
		rounds = 24
		amount = 1_000
		user   = "user-1"
	)
	ctx := context.Background()
	ledger := memfunds.New()
	ledger.SetBalance(user, "USD", rounds*amount)
	ledger.AddAccessToken("token-"+user, user)
	ids := &IDs{Prefix: "id-"}
	authExpires := storeStart.Add(time.Hour)
	cfg := engine.Config{Now: NewClock(storeStart).Now, NewID: ids.Next, ConflictRetries: 1 << 20}
	eng, err := engine.New(s, ledger, cfg)
	require.NoError(t, err)
	cfg.Now = NewClock(authExpires).Now // another process, its clock at the expiry
	late, err := engine.New(s, ledger, cfg)
	require.NoError(t, err)

	wins := map[string]int{}
	var kept int64 // what the payments' records say the ledger kept
	for round := range rounds {
		p := authorize(t, eng, fmt.Sprintf("order-%02d", round), user, amount, authExpires)
		var (
			wg        sync.WaitGroup
			capture   engine.Capture
			captureEr error
			cancelled engine.Payment
			cancelEr  error
			expired   int
			expireEr  error
		)
		wg.Add(3)
		go func() {
			defer wg.Done()
			capture, captureEr = eng.Capture(ctx, engine.CaptureRequest{
				PartnerID: "shop", RequestID: fmt.Sprintf("capture-%02d", round), PaymentID: p.ID,
				Amount: engine.Money{Currency: "USD", Minor: amount}, Last: true,
			})
		}()
		go func() {
			defer wg.Done()
			cancelled, cancelEr = eng.Cancel(ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: p.ID})
		}()
		go func() {
			defer wg.Done()
			expired, expireEr = late.ExpireDue(ctx, 10)
		}()
		wg.Wait()
		require.NoError(t, expireEr)

		snap, err := s.GetPayment(ctx, p.ID)
		require.NoError(t, err)
		require.NoError(t, CheckPayment(ctx, s, p.ID))
		require.NoError(t, CheckFunds(snap, ledger))
		_, net := Moved(snap, ledger)
		kept += net
		_, captured, released, _ := ledger.HoldState(snap.Payment.HoldID)
		captureWon := captured == amount
		require.True(t, captureWon != released, "round %d: the hold was captured (%d) and released (%v)", round, captured, released)

		switch {
		case captureWon:
			wins["capture"]++
			require.NoError(t, captureEr, "round %d", round)
			require.Equal(t, engine.CaptureSuccess, capture.State)
			require.Zero(t, expired, "round %d: the expiry found nothing to end", round)
			// The cancel either came first and was told to wait, or came
			// after and reversed the completed payment.
			if cancelEr == nil {
				require.Equal(t, engine.PaymentClosed, cancelled.State, "round %d", round)
			} else {
				require.Equal(t, engine.CodePaymentInProcess, engine.ErrorCode(cancelEr), "round %d", round)
			}
		case snap.Payment.FailReason == engine.CodeCancelled.String():
			wins["void"]++
			require.NoError(t, cancelEr, "round %d", round)
			require.Equal(t, engine.PaymentClosed, cancelled.State)
			require.Contains(t, []engine.Code{engine.CodeAuthCancelled, engine.CodeCaptureInProcess}, engine.ErrorCode(captureEr), "round %d", round)
		default:
			wins["expiry"]++
			require.Equal(t, engine.CodeAuthExpired.String(), snap.Payment.FailReason, "round %d", round)
			require.Equal(t, 1, expired, "round %d", round)
			require.Contains(t, []engine.Code{engine.CodeAuthExpired, engine.CodeCaptureInProcess}, engine.ErrorCode(captureEr), "round %d", round)
		}
	}
	t.Logf("winners over %d rounds: %v", rounds, wins)
	require.Equal(t, int64(rounds*amount)-kept, ledger.Balance(user, "USD"), "money is conserved")
}
