package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
	"github.com/paystate/paystate/store/storetest"
)

func usd(minor int64) engine.Money { return engine.Money{Currency: "USD", Minor: minor} }

// concurrentRig is one engine over one memstore and one memfunds ledger,
// shared by every goroutine of a test, on a step clock.
type concurrentRig struct {
	ctx     context.Context
	clock   *enginetest.Clock
	ledger  *memfunds.Ledger
	store   *memstore.Store
	checked *checkedStore
	eng     *engine.Engine
}

func newConcurrentRig(t *testing.T, cfg engine.Config) *concurrentRig {
	t.Helper()
	r := &concurrentRig{
		ctx: context.Background(), clock: enginetest.NewClock(scenarioStart),
		ledger: memfunds.New(), store: memstore.New(),
	}
	r.checked = &checkedStore{PaymentStore: r.store}
	ids := &enginetest.IDs{Prefix: "c"}
	cfg.Now, cfg.NewID = r.clock.Now, ids.Next
	eng, err := engine.New(r.checked, r.ledger, cfg)
	require.NoError(t, err)
	r.eng = eng
	return r
}

// checkedStore checks the refund rule on every state a commit produces:
// it reads the payment back right after each successful commit, with
// commits serialised so that the read sees exactly that commit's result.
type checkedStore struct {
	store.PaymentStore
	mu        sync.Mutex
	violation atomic.Pointer[string] // the first broken rule
}

func (s *checkedStore) Commit(ctx context.Context, c store.Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.PaymentStore.Commit(ctx, c); err != nil {
		return err
	}
	snap, err := s.PaymentStore.GetPayment(ctx, c.Payment.ID)
	msg := ""
	if err != nil {
		msg = err.Error()
	} else {
		if err := enginetest.CheckRefunds(snap); err != nil {
			msg = err.Error()
		}
	}
	if msg != "" {
		s.violation.CompareAndSwap(nil, &msg)
	}
	return nil
}

// requireNoViolation fails the test when a commit broke the refund rule.
func (s *checkedStore) requireNoViolation(t *testing.T) {
	t.Helper()
	if v := s.violation.Load(); v != nil {
		require.Fail(t, "a commit broke the refund rule", *v)
	}
}

// refundCounts counts a payment's refunds by state.
type refundCounts struct{ success, init, fail int }

func countRefunds(refunds []store.Refund) refundCounts {
	var c refundCounts
	for _, r := range refunds {
		switch r.Status {
		case engine.RefundSuccess.String():
			c.success++
		case engine.RefundInit.String():
			c.init++
		default:
			c.fail++
		}
	}
	return c
}

// refundOutcome is what one goroutine's Refund returned.
type refundOutcome struct {
	requestID string
	amount    int64
	refund    engine.Refund
	err       error
}

func TestConcurrentRefundsNeverExceedPaidAmount(t *testing.T) {
	payments := 40
	if testing.Short() {
		payments = 4
	}
	const workers = 64
	// 64 writers on one payment: each other refund commits to it twice
	// (opening and settling), so one refund may lose more races than the
	// default 64 retries (no backoff) allow and give up with CodeInternal,
	// nothing stored; that breaks no invariant but leaves fewer refunds to
	// check. Let every one land.
	rig := newConcurrentRig(t, engine.Config{ConflictRetries: 1 << 20})
	ctx := rig.ctx

	// Credits fail at random, from a source seeded per payment. Inject runs
	// with the ledger locked, which serialises the use of each source.
	var faultMu sync.Mutex
	faultRand := map[string]*rand.Rand{}
	rig.ledger.Inject = func(kind string, req engine.FundsRequest) memfunds.Fault {
		if kind != "credit" {
			return memfunds.NoFault
		}
		faultMu.Lock()
		r := faultRand[req.PaymentID]
		faultMu.Unlock()
		switch n := r.IntN(10); {
		case n < 2:
			return memfunds.LostAnswer
		case n < 4:
			return memfunds.HoldAsUnknown
		}
		return memfunds.NoFault
	}

	type paid struct {
		id, user string
		amount   int64
		before   int64 // the user's balance after paying, before any refund
	}
	var all []paid
	var total refundCounts
	var lostAnswers int // INIT refunds whose credit the ledger applied
	for n := range payments {
		seed := uint64(n + 1)
		rnd := rand.New(rand.NewPCG(seed, 0x5eed))

		user, token := fmt.Sprintf("user-%d", n), fmt.Sprintf("tok-%d", n)
		amount := 1 + rnd.Int64N(100_000)
		rig.ledger.SetBalance(user, "USD", amount+1_000)
		rig.ledger.AddAccessToken(token, user)
		p, err := rig.eng.Pay(ctx, engine.PayRequest{
			PartnerID: "shop", RequestID: fmt.Sprintf("order-%d", n), Scenario: engine.ScenarioAgreement,
			Amount: usd(amount), AuthCode: token,
		})
		require.NoError(t, err)
		require.Equal(t, engine.PaymentSuccess, p.State)
		faultMu.Lock()
		faultRand[p.ID] = rand.New(rand.NewPCG(seed, 0xfa17))
		faultMu.Unlock()
		pay := paid{id: p.ID, user: user, amount: amount, before: rig.ledger.Balance(user, "USD")}
		require.Equal(t, int64(1_000), pay.before)
		all = append(all, pay)

		// Each worker's amount: over the whole payment, small, up to a
		// quarter of it, or (decided when it runs) exactly what is left.
		amounts := make([]int64, workers)
		exact := make([]bool, workers)
		for i := range amounts {
			switch k := rnd.IntN(32); {
			case k < 2: // more than was paid
				amounts[i] = amount + 1 + rnd.Int64N(100)
			case k < 22: // small: many fit
				amounts[i] = 1 + rnd.Int64N(amount/32+1)
			case k < 29: // up to a quarter
				amounts[i] = 1 + rnd.Int64N(amount/4+1)
			default: // exactly what is left when it runs, after the others had a go
				exact[i] = true
				amounts[i] = rnd.Int64N(64) // yields before looking
			}
		}

		outcomes := make([]refundOutcome, workers)
		storetest.Parallel(workers, func(i int) {
			amt := amounts[i]
			if exact[i] {
				for range amt {
					runtime.Gosched()
				}
				cur, err := rig.eng.InquirePayment(ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: p.ID})
				if err != nil {
					outcomes[i] = refundOutcome{err: err}
					return
				}
				amt = max(cur.Refundable(), 1)
			}
			req := fmt.Sprintf("refund-%d-%d", n, i)
			r, err := rig.eng.Refund(ctx, engine.RefundRequest{
				PartnerID: "shop", RequestID: req, PaymentID: p.ID, Amount: usd(amt), Reason: "test",
			})
			outcomes[i] = refundOutcome{requestID: req, amount: amt, refund: r, err: err}
		})
		// The refund-sum rule held in every state any commit produced.
		rig.checked.requireNoViolation(t)

		// Every request has one stored refund, answered as it stands.
		snap, err := rig.store.GetPayment(ctx, p.ID)
		require.NoError(t, err)
		require.Len(t, snap.Refunds, workers, "payment %s: one refund per request", p.ID)
		stored := map[string]store.Refund{}
		for _, r := range snap.Refunds {
			stored[r.ID] = r
		}
		for _, o := range outcomes {
			switch engine.ErrorCode(o.err) {
			case engine.CodeNone, engine.CodeRefundAmountExceed:
			default:
				require.NoError(t, o.err, "refund %s of %d", o.requestID, o.amount)
			}
			require.NotEmpty(t, o.refund.ID, "refund %s: answer carries the refund", o.requestID)
			got, err := rig.eng.InquireRefund(ctx, engine.RefundRef{PartnerID: "shop", RequestID: o.requestID})
			require.NoError(t, err)
			require.Equal(t, o.refund.ID, got.ID)
			require.Equal(t, o.refund.State, got.State, "refund %s: answer and inquiry agree", o.requestID)
			require.Equal(t, got.State.String(), stored[got.ID].Status, "refund %s: inquiry and store agree", o.requestID)
			require.Equal(t, o.amount, got.Amount.Minor)
			if engine.ErrorCode(o.err) == engine.CodeRefundAmountExceed {
				require.Equal(t, engine.RefundFail, got.State)
				require.Equal(t, engine.CodeRefundAmountExceed, got.FailReason)
			}
			if _, net := rig.ledger.Applied(got.ID); got.State == engine.RefundInit && net != 0 {
				lostAnswers++
			}
		}
		// Rule 2 holds at rest too, the payment's answer matches its
		// record, and the ledger credited each refund as its state says.
		require.NoError(t, enginetest.CheckRefunds(snap))
		require.NoError(t, enginetest.CheckFunds(snap, rig.ledger))
		after, err := rig.eng.InquirePayment(ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: p.ID})
		require.NoError(t, err)
		require.Equal(t, snap.Payment.RefundedAmount, after.Refunded, "payment %s: refunded", p.ID)
		require.Equal(t, snap.Payment.HeldAmount, after.Held, "payment %s: held", p.ID)
		// The user's balance moved by exactly what the ledger applied for
		// the payment: the debit, the successful refunds and the in-flight
		// ones whose answer was lost.
		_, kept := enginetest.Moved(snap, rig.ledger)
		require.Equal(t, pay.before+pay.amount-kept, rig.ledger.Balance(user, "USD"), "payment %s: user balance", p.ID)
		c := countRefunds(snap.Refunds)
		total.success += c.success
		total.init += c.init
		total.fail += c.fail
	}
	t.Logf("%d payments: %d refunds succeeded, %d in flight (%d applied by the ledger), %d failed",
		payments, total.success, total.init, lostAnswers, total.fail)
	require.NotZero(t, total.success, "some refunds succeed")
	require.NotZero(t, total.init, "some credits are left without an answer")
	require.NotZero(t, total.fail, "some refunds are refused")

	// Reconcile until nothing is in flight: every unknown credit settles.
	inFlight := func() int {
		n := 0
		for _, pay := range all {
			snap, err := rig.store.GetPayment(ctx, pay.id)
			require.NoError(t, err)
			n += countRefunds(snap.Refunds).init
		}
		return n
	}
	for round := 0; inFlight() > 0; round++ {
		require.Less(t, round, 5, "refunds still in flight after %d reconcile rounds", round)
		rig.clock.Advance(25 * time.Hour) // past every entry of the reconcile schedule
		rep, err := rig.eng.Reconcile(ctx, 100_000)
		require.NoError(t, err)
		require.Zero(t, rep.Unknown, "memfunds always answers an inquiry")
	}
	rig.checked.requireNoViolation(t)
	for _, pay := range all {
		// Settled: the refund rule holds, nothing is held, and the ledger
		// credited exactly the successful refunds.
		snap, err := rig.store.GetPayment(ctx, pay.id)
		require.NoError(t, err)
		assert.NoError(t, enginetest.CheckRefunds(snap))
		assert.NoError(t, enginetest.CheckFunds(snap, rig.ledger))
		p, err := rig.eng.InquirePayment(ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: pay.id})
		require.NoError(t, err)
		assert.Equal(t, snap.Payment.RefundedAmount, p.Refunded, "payment %s: refunded after reconcile", pay.id)
		assert.Zero(t, p.Held, "payment %s: held after reconcile", pay.id)
		assert.Equal(t, pay.before+p.Refunded, rig.ledger.Balance(pay.user, "USD"), "payment %s: the ledger credited exactly the successful refunds", pay.id)
	}
}

func TestConcurrentTwinPays(t *testing.T) {
	rounds := 10
	if testing.Short() {
		rounds = 3
	}
	const twins = 32

	t.Run("cashier", func(t *testing.T) {
		rig := newConcurrentRig(t, engine.Config{})
		for round := range rounds {
			user := fmt.Sprintf("user-%d", round)
			rig.ledger.SetBalance(user, "USD", 100_00)
			req := engine.PayRequest{
				PartnerID: "shop", RequestID: fmt.Sprintf("order-%d", round), Scenario: engine.ScenarioCashier,
				Amount: usd(42_00), OrderTitle: "Twins", NotifyURL: "https://shop.example/notify",
			}
			answers := make([]engine.Payment, twins)
			errs := make([]error, twins)
			storetest.Parallel(twins, func(i int) { answers[i], errs[i] = rig.eng.Pay(rig.ctx, req) })
			for i := range twins {
				require.NoError(t, errs[i])
				require.Equal(t, answers[0], answers[i], "twin %d: every answer is the same ACCEPT", i)
			}
			require.Equal(t, engine.PaymentAccept, answers[0].State)
			require.NotEmpty(t, answers[0].ID)
			id := answers[0].ID

			// The user confirms on many tabs at once: debited once.
			confirmed := make([]engine.Payment, twins)
			storetest.Parallel(twins, func(i int) { confirmed[i], errs[i] = rig.eng.Confirm(rig.ctx, id, user) })
			for i := range twins {
				require.NoError(t, errs[i], "confirm %d", i)
				require.Equal(t, id, confirmed[i].ID)
				require.Contains(t, []engine.PaymentState{engine.PaymentInit, engine.PaymentSuccess}, confirmed[i].State)
			}
			p, err := rig.eng.InquirePayment(rig.ctx, engine.PaymentRef{PartnerID: "shop", RequestID: req.RequestID})
			require.NoError(t, err)
			require.Equal(t, engine.PaymentSuccess, p.State)
			require.Equal(t, int64(58_00), rig.ledger.Balance(user, "USD"), "debited exactly once")
			msgs, err := rig.store.Outbox(rig.ctx, id)
			require.NoError(t, err)
			require.Len(t, msgs, 1, "one result notification")
		}
	})

	t.Run("agreement", func(t *testing.T) {
		rig := newConcurrentRig(t, engine.Config{})
		for round := range rounds {
			user, token := fmt.Sprintf("user-%d", round), fmt.Sprintf("tok-%d", round)
			rig.ledger.SetBalance(user, "USD", 100_00)
			rig.ledger.AddAccessToken(token, user)
			req := engine.PayRequest{
				PartnerID: "shop", RequestID: fmt.Sprintf("order-%d", round), Scenario: engine.ScenarioAgreement,
				Amount: usd(42_00), AuthCode: token, NotifyURL: "https://shop.example/notify",
			}
			answers := make([]engine.Payment, twins)
			errs := make([]error, twins)
			storetest.Parallel(twins, func(i int) { answers[i], errs[i] = rig.eng.Pay(rig.ctx, req) })
			id := answers[0].ID
			require.NotEmpty(t, id)
			for i := range twins {
				require.NoError(t, errs[i], "twin %d", i)
				require.Equal(t, id, answers[i].ID, "twin %d: the same payment", i)
				require.Contains(t, []engine.PaymentState{engine.PaymentInit, engine.PaymentSuccess}, answers[i].State, "twin %d", i)
			}
			p, err := rig.eng.InquirePayment(rig.ctx, engine.PaymentRef{PartnerID: "shop", RequestID: req.RequestID})
			require.NoError(t, err)
			require.Equal(t, engine.PaymentSuccess, p.State)
			require.Equal(t, int64(58_00), rig.ledger.Balance(user, "USD"), "debited exactly once")
			_, debited := rig.ledger.Applied(id + "-1")
			require.Equal(t, int64(42_00), debited, "the one debit operation")
			msgs, err := rig.store.Outbox(rig.ctx, id)
			require.NoError(t, err)
			require.Len(t, msgs, 1, "one result notification")
		}
	})
}

func TestConcurrentTwinRefunds(t *testing.T) {
	rounds := 10
	if testing.Short() {
		rounds = 3
	}
	const twins = 32
	rig := newConcurrentRig(t, engine.Config{})
	for round := range rounds {
		user, token := fmt.Sprintf("user-%d", round), fmt.Sprintf("tok-%d", round)
		rig.ledger.SetBalance(user, "USD", 100_00)
		rig.ledger.AddAccessToken(token, user)
		p, err := rig.eng.Pay(rig.ctx, engine.PayRequest{
			PartnerID: "shop", RequestID: fmt.Sprintf("order-%d", round), Scenario: engine.ScenarioAgreement,
			Amount: usd(60_00), AuthCode: token,
		})
		require.NoError(t, err)
		require.Equal(t, engine.PaymentSuccess, p.State)

		req := engine.RefundRequest{PartnerID: "shop", RequestID: fmt.Sprintf("refund-%d", round), PaymentID: p.ID, Amount: usd(45_00)}
		answers := make([]engine.Refund, twins)
		errs := make([]error, twins)
		storetest.Parallel(twins, func(i int) { answers[i], errs[i] = rig.eng.Refund(rig.ctx, req) })
		id := answers[0].ID
		require.NotEmpty(t, id)
		for i := range twins {
			require.NoError(t, errs[i], "twin %d", i)
			require.Equal(t, id, answers[i].ID, "twin %d: the same refund", i)
			require.Contains(t, []engine.RefundState{engine.RefundInit, engine.RefundSuccess}, answers[i].State, "twin %d", i)
		}
		snap, err := rig.store.GetPayment(rig.ctx, p.ID)
		require.NoError(t, err)
		require.Len(t, snap.Refunds, 1, "exactly one refund created")
		require.Equal(t, engine.RefundSuccess.String(), snap.Refunds[0].Status)
		require.Equal(t, int64(45_00), snap.Payment.RefundedAmount)
		require.Zero(t, snap.Payment.HeldAmount)
		require.Equal(t, int64(85_00), rig.ledger.Balance(user, "USD"), "credited exactly once")
	}
	rig.checked.requireNoViolation(t)
}
