package engine_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

// benchEnv is one engine over a fresh memstore and ledger, with a stopped
// clock and a counter id source, so two envs given the same commands produce
// identical records.
type benchEnv struct {
	eng    *engine.Engine
	store  *memstore.Store
	ledger *memfunds.Ledger
}

func newBenchEnv(tb testing.TB, naive bool) *benchEnv {
	tb.Helper()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	n := 0
	ledger := memfunds.New()
	ledger.SetBalance("alice", "USD", 1<<60)
	st := memstore.New()
	eng, err := engine.New(st, ledger, engine.Config{
		Now:   func() time.Time { return now },
		NewID: func() string { n++; return "id" + strconv.Itoa(n) },
	})
	if err != nil {
		tb.Fatal(err)
	}
	if naive {
		engine.UseNaiveMachine(eng)
	}
	return &benchEnv{eng: eng, store: st, ledger: ledger}
}

// lifecycle runs one payment through its common life: a cashier payment of
// 100.00 USD, confirmed by the user, then refunded 30.00 and 20.00. The
// request ids derive from i, so every i is a new payment. It returns the
// payment id.
func (env *benchEnv) lifecycle(ctx context.Context, i int) (string, error) {
	rid := strconv.Itoa(i)
	p, err := env.eng.Pay(ctx, engine.PayRequest{
		PartnerID: "shop", RequestID: "order-" + rid, Scenario: engine.ScenarioCashier,
		Amount: engine.Money{Currency: "USD", Minor: 10000}, OrderTitle: "Coffee beans",
		NotifyURL: "https://shop.example/notify",
	})
	if err != nil {
		return "", err
	}
	if p.State != engine.PaymentAccept {
		return p.ID, errors.New("pay: state " + p.State.String())
	}
	p, err = env.eng.Confirm(ctx, p.ID, "alice")
	if err != nil {
		return p.ID, err
	}
	if p.State != engine.PaymentSuccess {
		return p.ID, errors.New("confirm: state " + p.State.String())
	}
	for k, minor := range [...]int64{3000, 2000} {
		r, err := env.eng.Refund(ctx, engine.RefundRequest{
			PartnerID: "shop", RequestID: "refund-" + rid + "-" + strconv.Itoa(k), PaymentID: p.ID,
			Amount: engine.Money{Currency: "USD", Minor: minor}, Reason: "partial return",
		})
		if err != nil {
			return p.ID, err
		}
		if r.State != engine.RefundSuccess {
			return p.ID, errors.New("refund: state " + r.State.String())
		}
	}
	return p.ID, nil
}

// BenchmarkLifecycle measures a whole payment life (pay, confirm, two
// refunds: seven transitions, four commits of the payment plus the funds
// calls) with the compiled tables and with a looplab FSM per transition.
func BenchmarkLifecycle(b *testing.B) {
	for _, naive := range []bool{false, true} {
		name := "engine=compiled"
		if naive {
			name = "engine=naive-fsm"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			env := newBenchEnv(b, naive)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := env.lifecycle(ctx, i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// lifecycleRecord is everything a lifecycle leaves behind in one env.
type lifecycleRecord struct {
	Snapshot store.Snapshot
	Payment  engine.Payment
	Refunds  []engine.Refund
	History  []store.Event
	Outbox   []store.OutboxMessage
	Balance  int64
}

func (env *benchEnv) record(t *testing.T, ctx context.Context, paymentID string) lifecycleRecord {
	t.Helper()
	var rec lifecycleRecord
	var err error
	rec.Snapshot, err = env.store.GetPayment(ctx, paymentID)
	require.NoError(t, err)
	rec.Payment, err = env.eng.InquirePayment(ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: paymentID})
	require.NoError(t, err)
	for _, r := range rec.Snapshot.Refunds {
		v, err := env.eng.InquireRefund(ctx, engine.RefundRef{PartnerID: "shop", RefundID: r.ID})
		require.NoError(t, err)
		rec.Refunds = append(rec.Refunds, v)
	}
	rec.History, err = env.store.History(ctx, paymentID)
	require.NoError(t, err)
	rec.Outbox, err = env.store.Outbox(ctx, paymentID)
	require.NoError(t, err)
	rec.Balance = env.ledger.Balance("alice", "USD")
	return rec
}

// TestLifecycleNaiveEqualsCompiled checks that BenchmarkLifecycle compares
// like with like: both machines leave identical records behind.
func TestLifecycleNaiveEqualsCompiled(t *testing.T) {
	ctx := context.Background()
	compiled, naive := newBenchEnv(t, false), newBenchEnv(t, true)
	require.True(t, engine.UsesCompiledMachine(compiled.eng), "engine.New must install the compiled tables")
	for i := range 3 {
		idC, err := compiled.lifecycle(ctx, i)
		require.NoError(t, err)
		idN, err := naive.lifecycle(ctx, i)
		require.NoError(t, err)
		require.Equal(t, idC, idN)

		recC, recN := compiled.record(t, ctx, idC), naive.record(t, ctx, idN)
		require.Equal(t, recC, recN)

		// The records are the expected ones, not merely equal.
		p := recC.Payment
		require.Equal(t, engine.PaymentSuccess, p.State)
		require.Equal(t, int64(5000), p.Refunded)
		require.Zero(t, p.Held)
		require.Equal(t, int64(5000), p.Refundable())
		require.Len(t, recC.Refunds, 2)
		for _, r := range recC.Refunds {
			require.Equal(t, engine.RefundSuccess, r.State)
		}
		var steps []string
		for _, e := range recC.History {
			steps = append(steps, e.From+" -"+e.Name+"-> "+e.To)
		}
		require.Equal(t, []string{
			"NEW -accept-> ACCEPT",
			"ACCEPT -confirm-> INIT",
			"INIT -debit_succeeded-> SUCCESS",
			"NEW -open_credit-> INIT",
			"INIT -credit_succeeded-> SUCCESS",
			"NEW -open_credit-> INIT",
			"INIT -credit_succeeded-> SUCCESS",
		}, steps)
		require.Len(t, recC.Outbox, 1)
		require.Equal(t, int64(1<<60-5000*(i+1)), recC.Balance)
	}
}
