package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/store/memstore"
)

// silentLedger never knows: every call's outcome is unknown.
type silentLedger struct{ inquiries int }

func (l *silentLedger) Debit(context.Context, engine.FundsRequest) (engine.FundsResult, error) {
	return engine.FundsResult{Status: engine.FundsUnknown}, nil
}

func (l *silentLedger) Credit(context.Context, engine.FundsRequest) (engine.FundsResult, error) {
	return engine.FundsResult{Status: engine.FundsUnknown}, nil
}

func (l *silentLedger) Inquire(context.Context, string) (engine.FundsResult, error) {
	l.inquiries++
	return engine.FundsResult{Status: engine.FundsUnknown}, nil
}

// An outcome the ledger never tells is asked about 1 min, 5 min, 1 h and
// then every 24 h after the unknown answer, each check in the history, and
// stays in flight: never guessed.
func TestReconcileScheduleRepeatsItsLastDelay(t *testing.T) {
	clock := enginetest.NewClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	ledger := &silentLedger{}
	st := memstore.New()
	eng, err := engine.New(st, ledger, engine.Config{Now: clock.Now, NewID: (&enginetest.IDs{Prefix: "id"}).Next})
	require.NoError(t, err)
	ctx := context.Background()
	p, err := eng.Pay(ctx, engine.PayRequest{PartnerID: "shop", RequestID: "r-1", Scenario: engine.ScenarioAgreement,
		AuthCode: "tok", Amount: engine.Money{Currency: "USD", Minor: 100}})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentInit, p.State)

	checks := 0
	for i, delay := range []time.Duration{time.Minute, 5 * time.Minute, time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour} {
		clock.Advance(delay - time.Second)
		rep, err := eng.Reconcile(ctx, 10)
		require.NoError(t, err)
		require.Zero(t, rep.Checked, "check %d: not before %s", i+1, delay)
		clock.Advance(time.Second)
		rep, err = eng.Reconcile(ctx, 10)
		require.NoError(t, err)
		require.Equal(t, 1, rep.Checked, "check %d: due %s after the last", i+1, delay)
		require.Equal(t, 1, rep.Unknown)
		checks++
	}
	assert.Equal(t, checks, ledger.inquiries)
	snap, err := st.GetPayment(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, "INIT", snap.Payment.Status, "still in flight, never guessed")
	assert.Equal(t, clock.Now().Add(24*time.Hour), snap.Payment.NextCheckAt)
	history, err := eng.History(ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: p.ID})
	require.NoError(t, err)
	unknowns := 0
	for _, e := range history {
		if e.Name == "funds_unknown" {
			unknowns++
		}
	}
	assert.Equal(t, 1+checks, unknowns, "the debit's unknown answer, then one event per check: %+v", history)
}
