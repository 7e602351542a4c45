package worker

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
)

func TestExpiryClosesExactlyTheDuePaymentsAndNotifiesThem(t *testing.T) {
	r := newRig(t, nil)
	n := newScripted(t, r.clock.Now, always(nil))
	w := r.worker(n, nil)
	early := r.waiting("shop", "early", time.Minute)
	onTime := r.waiting("shop", "on-time", 2*time.Minute)
	later := r.waiting("shop", "later", 2*time.Minute+time.Second)
	paid := r.waiting("shop", "paid", time.Minute)
	_, err := r.eng.Confirm(r.ctx, paid.ID, "alice")
	require.NoError(t, err)
	require.NoError(t, w.DeliverDue(r.ctx)) // the paid one's SUCCESS

	r.clock.Advance(2 * time.Minute)
	w.Sweep(r.ctx)
	for _, c := range []struct {
		p    engine.Payment
		want engine.PaymentState
	}{{early, engine.PaymentClosed}, {onTime, engine.PaymentClosed}, {later, engine.PaymentAccept}, {paid, engine.PaymentSuccess}} {
		got, err := r.eng.InquirePayment(r.ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: c.p.ID})
		require.NoError(t, err)
		assert.Equal(t, c.want, got.State, "payment %s", c.p.RequestID)
		if c.want == engine.PaymentClosed {
			assert.Equal(t, engine.CodeExpired, got.FailReason)
		}
	}
	assert.Equal(t, int64(2), w.Stats().Expired)

	require.NoError(t, w.DeliverDue(r.ctx))
	for _, p := range []engine.Payment{early, onTime} {
		m := r.message(p.ID)
		assert.Equal(t, "FAIL", m.Status)
		assert.Equal(t, "expired", m.FailReason)
		assert.Empty(t, m.FailMsg, "the code says it; the adapter words it")
		assert.Equal(t, r.clock.Now(), m.DeliveredAt)
	}
	msgs, err := r.st.Outbox(r.ctx, later.ID)
	require.NoError(t, err)
	assert.Empty(t, msgs, "a payment not yet due is not told anything")

	// The user comes back too late: refused, no money moves.
	_, err = r.eng.Confirm(r.ctx, early.ID, "alice")
	assert.Equal(t, engine.CodeOrderClosed, engine.ErrorCode(err))
	assert.Equal(t, int64(1_000_000_000-500), r.ledger.Balance("alice", "USD"))
}

// inquiryOutage answers every Inquire unknown while down is set.
type inquiryOutage struct {
	*memfunds.Ledger
	down bool
}

func (f *inquiryOutage) Inquire(ctx context.Context, opID string) (engine.FundsResult, error) {
	if f.down {
		return engine.FundsResult{Status: engine.FundsUnknown}, nil
	}
	return f.Ledger.Inquire(ctx, opID)
}

func TestReconcilerResolvesUnknownDebitsAndCreditsBothWays(t *testing.T) {
	r := newRig(t, nil)
	funds := &inquiryOutage{Ledger: r.ledger}
	eng, err := engine.New(r.st, funds, engine.Config{Now: r.clock.Now, NewID: r.ids.Next})
	require.NoError(t, err)
	r.eng = eng
	n := newScripted(t, r.clock.Now, always(nil))
	w := r.worker(n, nil)

	// Debits: one applied whose answer got lost, one never applied.
	lost := map[string]memfunds.Fault{}
	r.ledger.Inject = func(kind string, req engine.FundsRequest) memfunds.Fault { return lost[kind+"/"+req.PartnerID] }
	lost["debit/applied"], lost["debit/never"] = memfunds.LostAnswer, memfunds.LostRequest
	pay := func(partner string) engine.Payment {
		p, err := r.eng.Pay(r.ctx, engine.PayRequest{PartnerID: partner, RequestID: "r", Scenario: engine.ScenarioAgreement,
			AuthCode: "tok-alice", Amount: usd(1000), NotifyURL: "https://m.example/n"})
		require.NoError(t, err)
		assert.Equal(t, engine.PaymentInit, p.State, "the outcome is not known: the caller sees U")
		return p
	}
	applied, never := pay("applied"), pay("never")
	// Credits: a paid payment with two refunds in the same two situations.
	lost["credit/refunds"] = memfunds.LostAnswer
	paid := r.paid("refunds", "paid")
	refundApplied, err := r.eng.Refund(r.ctx, engine.RefundRequest{PartnerID: "refunds", RequestID: "ra", PaymentID: paid.ID, Amount: usd(300)})
	require.NoError(t, err)
	assert.Equal(t, engine.RefundInit, refundApplied.State)
	lost["credit/refunds"] = memfunds.LostRequest
	refundNever, err := r.eng.Refund(r.ctx, engine.RefundRequest{PartnerID: "refunds", RequestID: "rn", PaymentID: paid.ID, Amount: usd(200)})
	require.NoError(t, err)
	assert.Equal(t, engine.RefundInit, refundNever.State)
	r.ledger.Inject = nil

	open, err := r.eng.Unresolved(r.ctx, 10)
	require.NoError(t, err)
	assert.ElementsMatch(t, []store.Check{{PaymentID: applied.ID}, {PaymentID: never.ID},
		{PaymentID: paid.ID, RefundID: refundApplied.ID}, {PaymentID: paid.ID, RefundID: refundNever.ID}}, open)

	// Not due yet: nothing is asked.
	w.Sweep(r.ctx)
	assert.Equal(t, Stats{}, w.Stats())

	// Due while the funds port still cannot tell: they stay listed, and the
	// attempt is in the payment's history.
	r.clock.Advance(time.Minute)
	funds.down = true
	w.Sweep(r.ctx)
	assert.Equal(t, int64(4), w.Stats().StillUnknown)
	open, err = r.eng.Unresolved(r.ctx, 10)
	require.NoError(t, err)
	assert.Len(t, open, 4)
	hist, err := r.eng.History(r.ctx, engine.PaymentRef{PartnerID: "applied", PaymentID: applied.ID})
	require.NoError(t, err)
	assert.Equal(t, []string{"open_debit", "funds_unknown", "funds_unknown"}, names(hist),
		"the first answer and the check, both unknown")

	// The next check (5 min later by the default schedule) gets answers.
	funds.down = false
	r.clock.Advance(5 * time.Minute)
	w.Sweep(r.ctx)
	assert.Equal(t, int64(4), w.Stats().Resolved)
	open, err = r.eng.Unresolved(r.ctx, 10)
	require.NoError(t, err)
	assert.Empty(t, open)

	state := func(partner, id string) engine.PaymentState {
		p, err := r.eng.InquirePayment(r.ctx, engine.PaymentRef{PartnerID: partner, PaymentID: id})
		require.NoError(t, err)
		return p.State
	}
	assert.Equal(t, engine.PaymentSuccess, state("applied", applied.ID))
	assert.Equal(t, engine.PaymentFail, state("never", never.ID))
	refund := func(id string) engine.RefundState {
		rf, err := r.eng.InquireRefund(r.ctx, engine.RefundRef{PartnerID: "refunds", RefundID: id})
		require.NoError(t, err)
		return rf.State
	}
	assert.Equal(t, engine.RefundSuccess, refund(refundApplied.ID))
	assert.Equal(t, engine.RefundFail, refund(refundNever.ID))
	p, err := r.eng.InquirePayment(r.ctx, engine.PaymentRef{PartnerID: "refunds", PaymentID: paid.ID})
	require.NoError(t, err)
	assert.Equal(t, int64(300), p.Refunded)
	assert.Zero(t, p.Held)
	// Money: 1000 (applied debit) + 1000 (paid) - 300 (applied credit).
	assert.Equal(t, int64(1_000_000_000-1700), r.ledger.Balance("alice", "USD"))

	require.NoError(t, w.DeliverDue(r.ctx))
	assert.Equal(t, "SUCCESS", r.message(applied.ID).Status)
	assert.Equal(t, "FAIL", r.message(never.ID).Status)
}

func names(events []store.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Name)
	}
	return out
}
