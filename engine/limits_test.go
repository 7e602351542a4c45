package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

// limitsRig is an engine with rules over memstore and memfunds: alice
// (token-a) may pay 100.00 USD and 3 payments a day, frozen bob (token-b)
// nothing; partner "capped" takes at most 50.00 USD or 5,000 JPY a
// payment, partner "suspended" is suspended.
type limitsRig struct {
	ctx    context.Context
	eng    *engine.Engine
	st     *memstore.Store
	ledger *memfunds.Ledger
	clock  *enginetest.Clock
	rules  *engine.StaticLimits
}

func newLimitsRig(t *testing.T, zone *time.Location, start time.Time) *limitsRig {
	t.Helper()
	r := &limitsRig{ctx: context.Background(), st: memstore.New(), ledger: memfunds.New(), clock: enginetest.NewClock(start)}
	r.ledger.SetBalance("alice", "USD", 1_000_000)
	r.ledger.SetBalance("alice", "JPY", 1_000_000)
	r.ledger.SetBalance("bob", "USD", 1_000_000)
	r.ledger.AddAccessToken("token-a", "alice")
	r.ledger.AddAccessToken("token-b", "bob")
	r.rules = &engine.StaticLimits{
		Partners: map[string]engine.PartnerRules{
			"capped":    {PerPayment: map[string]int64{"USD": 5_000, "JPY": 5_000}},
			"suspended": {Suspended: true},
		},
		Users: map[string]engine.UserRules{
			"alice": {Daily: map[string]int64{"USD": 10_000}, DailyCount: 3},
			"bob":   {Frozen: true},
		},
	}
	eng, err := engine.New(r.st, r.ledger, engine.Config{Now: r.clock.Now, NewID: (&enginetest.IDs{Prefix: "id-"}).Next,
		Limits: r.rules, LimitZone: zone})
	require.NoError(t, err)
	r.eng = eng
	return r
}

func (r *limitsRig) agreement(partner, request, token string, m engine.Money) (engine.Payment, error) {
	return r.eng.Pay(r.ctx, engine.PayRequest{PartnerID: partner, RequestID: request, Scenario: engine.ScenarioAgreement, Amount: m, AuthCode: token})
}

func requireCode(t *testing.T, want engine.Code, err error) {
	t.Helper()
	require.Equal(t, want, engine.ErrorCode(err), "error %v", err)
}

func TestPartnerRules(t *testing.T) {
	r := newLimitsRig(t, nil, time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	_, err := r.agreement("capped", "o1", "token-a", usd(5_001))
	requireCode(t, engine.CodePaymentAmountLimit, err)
	_, err = r.agreement("capped", "o1", "token-a", engine.Money{Currency: "JPY", Minor: 5_001})
	requireCode(t, engine.CodePaymentAmountLimit, err)
	p, err := r.agreement("capped", "o1", "token-a", usd(5_000))
	require.NoError(t, err, "the cap itself is allowed")
	require.Equal(t, engine.PaymentSuccess, p.State)
	_, err = r.agreement("other", "o1", "token-a", engine.Money{Currency: "JPY", Minor: 9_000})
	require.NoError(t, err, "another partner has no cap")

	// A partner suspended after a payment: the repeat and the inquiry still
	// answer, new pays and refunds are refused and store nothing.
	r.rules.Partners["capped"] = engine.PartnerRules{Suspended: true}
	again, err := r.agreement("capped", "o1", "token-a", usd(5_000))
	require.NoError(t, err)
	require.Equal(t, p.ID, again.ID)
	_, err = r.eng.InquirePayment(r.ctx, engine.PaymentRef{PartnerID: "capped", PaymentID: p.ID})
	require.NoError(t, err)
	_, err = r.agreement("capped", "o2", "token-a", usd(100))
	requireCode(t, engine.CodePartnerStatusAbnormal, err)
	_, err = r.eng.Refund(r.ctx, engine.RefundRequest{PartnerID: "capped", RequestID: "r1", PaymentID: p.ID, Amount: usd(100)})
	requireCode(t, engine.CodePartnerStatusAbnormal, err)
	_, err = r.st.GetRefundByRequest(r.ctx, "capped", "r1")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.Equal(t, int64(1_000_000-5_000), r.ledger.Balance("alice", "USD"))
}

func TestUserRules(t *testing.T) {
	r := newLimitsRig(t, nil, time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	_, err := r.agreement("shop", "frozen", "token-b", usd(100))
	requireCode(t, engine.CodeUserStatusAbnormal, err)
	require.Equal(t, int64(1_000_000), r.ledger.Balance("bob", "USD"), "a frozen user is not debited")

	_, err = r.agreement("shop", "big", "token-a", usd(10_001))
	requireCode(t, engine.CodeUserAmountLimit, err)
	for _, req := range []string{"a1", "a2", "a3"} {
		_, err = r.agreement("shop", req, "token-a", usd(100))
		require.NoError(t, err)
	}
	_, err = r.agreement("shop", "a4", "token-a", usd(100))
	requireCode(t, engine.CodePaymentCountLimit, err)

	// A cashier payment: the rules apply at confirm and leave it waiting.
	c, err := r.eng.Pay(r.ctx, engine.PayRequest{PartnerID: "shop", RequestID: "c1", Scenario: engine.ScenarioCashier, Amount: usd(100)})
	require.NoError(t, err)
	got, err := r.eng.Confirm(r.ctx, c.ID, "alice")
	requireCode(t, engine.CodePaymentCountLimit, err)
	require.Equal(t, engine.PaymentAccept, got.State)
	got, err = r.eng.Confirm(r.ctx, c.ID, "bob")
	requireCode(t, engine.CodeUserStatusAbnormal, err)
	require.Equal(t, engine.PaymentAccept, got.State)
	got, err = r.eng.Confirm(r.ctx, c.ID, "carol") // no rules, no balance: declined by the ledger
	require.Error(t, err)
	require.Equal(t, engine.PaymentAccept, got.State)
	hold, err := r.st.Counter(r.ctx, "user/carol/2026-12-06/count")
	require.NoError(t, err)
	require.Zero(t, hold, "a declined confirm gives its room back")

	// The next day (UTC) alice pays again.
	r.clock.Advance(12 * time.Hour)
	c, err = r.eng.Pay(r.ctx, engine.PayRequest{PartnerID: "shop", RequestID: "c2", Scenario: engine.ScenarioCashier, Amount: usd(100)})
	require.NoError(t, err)
	got, err = r.eng.Confirm(r.ctx, c.ID, "alice")
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, got.State)
}

// TestLimitZone: days follow Config.LimitZone: at 23:30 and 00:30 in
// UTC+9 two payments count on two days although both are on one UTC day.
func TestLimitZone(t *testing.T) {
	tokyo := time.FixedZone("UTC+9", 9*3600)
	r := newLimitsRig(t, tokyo, time.Date(2026, 12, 6, 14, 30, 0, 0, time.UTC)) // 23:30 in Tokyo
	_, err := r.agreement("shop", "t1", "token-a", usd(10_000))
	require.NoError(t, err)
	_, err = r.agreement("shop", "t2", "token-a", usd(1))
	requireCode(t, engine.CodeUserAmountLimit, err)
	r.clock.Advance(time.Hour) // 00:30 in Tokyo, still 6 December in UTC
	_, err = r.agreement("shop", "t2", "token-a", usd(10_000))
	require.NoError(t, err)
}

// TestFailedPaymentGivesRoomBack: a declined debit and a cancelled payment
// free their room; a refund does not.
func TestFailedPaymentGivesRoomBack(t *testing.T) {
	r := newLimitsRig(t, nil, time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	r.rules.Users["alice"] = engine.UserRules{Daily: map[string]int64{"USD": 10_000}}
	r.ledger.SetBalance("alice", "USD", 5_000)
	p, err := r.agreement("shop", "d1", "token-a", usd(8_000))
	require.NoError(t, err)
	require.Equal(t, engine.PaymentFail, p.State, "declined: balance too low")
	p, err = r.agreement("shop", "d2", "token-a", usd(5_000))
	require.NoError(t, err)
	_, err = r.eng.Refund(r.ctx, engine.RefundRequest{PartnerID: "shop", RequestID: "r1", PaymentID: p.ID, Amount: usd(5_000)})
	require.NoError(t, err)
	_, err = r.agreement("shop", "d3", "token-a", usd(5_001))
	requireCode(t, engine.CodeUserAmountLimit, err)
	q, err := r.agreement("shop", "d4", "token-a", usd(5_000))
	require.NoError(t, err)
	_, err = r.eng.Cancel(r.ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: q.ID})
	require.NoError(t, err)
	_, err = r.agreement("shop", "d5", "token-a", usd(5_000))
	require.NoError(t, err, "the cancelled payment gave its 50.00 back")
}
