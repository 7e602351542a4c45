package engine

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/looplab/fsm"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

// naiveMachine answers transitions the way code without the compiled tables
// would: a fresh looplab FSM per call, asked by name, its answer mapped back
// to the engine's enums. It is what the tables are measured against.
type naiveMachine struct{}

var _ transitioner = naiveMachine{}

func (naiveMachine) payment(from PaymentState, ev PaymentEvent) (PaymentState, bool) {
	to, ok := naiveStep(PaymentTransitions, paymentStateNames[:], from.String(), ev.String())
	return PaymentState(to), ok
}

func (naiveMachine) refund(from RefundState, ev RefundEvent) (RefundState, bool) {
	to, ok := naiveStep(RefundTransitions, refundStateNames[:], from.String(), ev.String())
	return RefundState(to), ok
}

func naiveStep(events fsm.Events, states []string, from, event string) (int, bool) {
	f := fsm.NewFSM(from, events, fsm.Callbacks{})
	f.SetState(from)
	if !f.Can(event) {
		return 0, false
	}
	if err := f.Event(context.Background(), event); err != nil {
		var noTransition fsm.NoTransitionError
		if !errors.As(err, &noTransition) {
			return 0, false
		}
	}
	return enumIndex(states, f.Current())
}

// benchLedger stands in for memfunds.Ledger, which this internal test
// cannot import (memfunds imports engine: an import cycle). It is a trimmed
// copy of memfunds' path for cashier debits and credits: the same mutex, the
// same per-user, per-currency balance maps, the same at-most-once record of
// every operation id, so the funds side costs what memfunds costs.
type benchLedger struct {
	mu       sync.Mutex
	balances map[string]map[string]int64
	ops      map[string]benchOp
}

type benchOp struct {
	kind   string
	user   string
	amount Money
	result FundsResult
}

var _ Funds = (*benchLedger)(nil)

func newBenchLedger() *benchLedger {
	return &benchLedger{balances: map[string]map[string]int64{}, ops: map[string]benchOp{}}
}

func (l *benchLedger) SetBalance(user, currency string, minor int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.balances[user] == nil {
		l.balances[user] = map[string]int64{}
	}
	l.balances[user][currency] = minor
}

func (l *benchLedger) Balance(user, currency string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.balances[user][currency]
}

func (l *benchLedger) Debit(ctx context.Context, req FundsRequest) (FundsResult, error) {
	return l.move(ctx, "debit", req)
}

func (l *benchLedger) Credit(ctx context.Context, req FundsRequest) (FundsResult, error) {
	return l.move(ctx, "credit", req)
}

func (l *benchLedger) Inquire(ctx context.Context, operationID string) (FundsResult, error) {
	if err := ctx.Err(); err != nil {
		return FundsResult{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if o, ok := l.ops[operationID]; ok {
		return o.result, nil
	}
	res := FundsResult{Status: FundsDeclined, Reason: CodeProcessFail, Message: "operation never applied"}
	l.ops[operationID] = benchOp{kind: "fenced", result: res}
	return res, nil
}

func (l *benchLedger) move(ctx context.Context, kind string, req FundsRequest) (FundsResult, error) {
	if err := ctx.Err(); err != nil {
		return FundsResult{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if o, ok := l.ops[req.OperationID]; ok {
		return o.result, nil
	}
	var res FundsResult
	bal := l.balances[req.UserID]
	switch {
	case bal == nil:
		res = FundsResult{Status: FundsDeclined, Reason: CodeUserNotExist, Message: "no such user"}
	case kind == "debit" && bal[req.Amount.Currency] < req.Amount.Minor:
		res = FundsResult{Status: FundsDeclined, Reason: CodeBalanceNotEnough, Message: "balance too low"}
	case kind == "debit":
		bal[req.Amount.Currency] -= req.Amount.Minor
		res = FundsResult{Status: FundsSucceeded, UserID: req.UserID}
	default:
		bal[req.Amount.Currency] += req.Amount.Minor
		res = FundsResult{Status: FundsSucceeded, UserID: req.UserID}
	}
	l.ops[req.OperationID] = benchOp{kind: kind, user: req.UserID, amount: req.Amount, result: res}
	return res, nil
}

// benchEnv is one engine over a fresh memstore and ledger, with a stopped
// clock and a counter id source, so two envs given the same commands produce
// identical records.
type benchEnv struct {
	eng    *Engine
	store  *memstore.Store
	ledger *benchLedger
}

func newBenchEnv(tb testing.TB, m transitioner) *benchEnv {
	tb.Helper()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	n := 0
	ledger := newBenchLedger()
	ledger.SetBalance("alice", "USD", 1<<60)
	st := memstore.New()
	eng, err := New(st, ledger, Config{
		Now:   func() time.Time { return now },
		NewID: func() string { n++; return "id" + strconv.Itoa(n) },
	})
	if err != nil {
		tb.Fatal(err)
	}
	if m != nil {
		eng.machine = m
	}
	return &benchEnv{eng: eng, store: st, ledger: ledger}
}

// lifecycle runs one payment through its common life: a cashier payment of
// 100.00 USD, confirmed by the user, then refunded 30.00 and 20.00. The
// request ids derive from i, so every i is a new payment. It returns the
// payment id.
func (env *benchEnv) lifecycle(ctx context.Context, i int) (string, error) {
	rid := strconv.Itoa(i)
	p, err := env.eng.Pay(ctx, PayRequest{
		PartnerID: "shop", RequestID: "order-" + rid, Scenario: ScenarioCashier,
		Amount: Money{Currency: "USD", Minor: 10000}, OrderTitle: "Coffee beans",
		NotifyURL: "https://shop.example/notify",
	})
	if err != nil {
		return "", err
	}
	if p.State != PaymentAccept {
		return p.ID, errors.New("pay: state " + p.State.String())
	}
	p, err = env.eng.Confirm(ctx, p.ID, "alice")
	if err != nil {
		return p.ID, err
	}
	if p.State != PaymentSuccess {
		return p.ID, errors.New("confirm: state " + p.State.String())
	}
	for k, minor := range [...]int64{3000, 2000} {
		r, err := env.eng.Refund(ctx, RefundRequest{
			PartnerID: "shop", RequestID: "refund-" + rid + "-" + strconv.Itoa(k), PaymentID: p.ID,
			Amount: Money{Currency: "USD", Minor: minor}, Reason: "partial return",
		})
		if err != nil {
			return p.ID, err
		}
		if r.State != RefundSuccess {
			return p.ID, errors.New("refund: state " + r.State.String())
		}
	}
	return p.ID, nil
}

var machines = []struct {
	name string
	m    transitioner
}{
	{"compiled", compiledMachine{}},
	{"naive-fsm", naiveMachine{}},
}

// BenchmarkLifecycle measures a whole payment life (pay, confirm, two
// refunds: seven transitions, four commits of the payment plus the funds
// calls) with the compiled tables and with a looplab FSM per transition.
func BenchmarkLifecycle(b *testing.B) {
	for _, mc := range machines {
		b.Run("engine="+mc.name, func(b *testing.B) {
			ctx := context.Background()
			env := newBenchEnv(b, mc.m)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := env.lifecycle(ctx, i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var (
	sinkState PaymentState
	sinkOK    bool
)

// BenchmarkTransition measures one transition lookup (confirm in ACCEPT)
// through the transitioner interface.
func BenchmarkTransition(b *testing.B) {
	for _, mc := range machines {
		b.Run(mc.name, func(b *testing.B) {
			m := mc.m
			b.ReportAllocs()
			for b.Loop() {
				sinkState, sinkOK = m.payment(PaymentAccept, EventConfirm)
			}
			if !sinkOK || sinkState != PaymentInit {
				b.Fatalf("confirm in ACCEPT: got %s, %v", sinkState, sinkOK)
			}
		})
	}
}

// lifecycleRecord is everything a lifecycle leaves behind in one env.
type lifecycleRecord struct {
	Snapshot store.Snapshot
	Payment  Payment
	Refunds  []Refund
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
	rec.Payment, err = env.eng.InquirePayment(ctx, PaymentRef{PartnerID: "shop", PaymentID: paymentID})
	require.NoError(t, err)
	for _, r := range rec.Snapshot.Refunds {
		v, err := env.eng.InquireRefund(ctx, RefundRef{PartnerID: "shop", RefundID: r.ID})
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
	compiled, naive := newBenchEnv(t, nil), newBenchEnv(t, naiveMachine{})
	require.IsType(t, compiledMachine{}, compiled.eng.machine, "engine.New must install the compiled tables")
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
		require.Equal(t, PaymentSuccess, p.State)
		require.Equal(t, int64(5000), p.Refunded)
		require.Zero(t, p.Held)
		require.Equal(t, int64(5000), p.Refundable())
		require.Len(t, recC.Refunds, 2)
		for _, r := range recC.Refunds {
			require.Equal(t, RefundSuccess, r.State)
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

// TestNaiveMachineAgreesWithCompiled checks the naive machine on every
// (state, event), including the refused ones.
func TestNaiveMachineAgreesWithCompiled(t *testing.T) {
	for s := PaymentState(0); s < paymentStateCount; s++ {
		for ev := PaymentEvent(0); ev < paymentEventCount; ev++ {
			wantTo, wantOK := compiledMachine{}.payment(s, ev)
			gotTo, gotOK := naiveMachine{}.payment(s, ev)
			require.Equal(t, wantOK, gotOK, "%s in %s", ev, s)
			if wantOK {
				require.Equal(t, wantTo, gotTo, "%s in %s", ev, s)
			}
		}
	}
	for s := RefundState(0); s < refundStateCount; s++ {
		for ev := RefundEvent(0); ev < refundEventCount; ev++ {
			wantTo, wantOK := compiledMachine{}.refund(s, ev)
			gotTo, gotOK := naiveMachine{}.refund(s, ev)
			require.Equal(t, wantOK, gotOK, "%s in %s", ev, s)
			if wantOK {
				require.Equal(t, wantTo, gotTo, "%s in %s", ev, s)
			}
		}
	}
}
