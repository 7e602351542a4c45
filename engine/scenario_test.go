package engine_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

var update = flag.Bool("update", false, "rewrite golden files")

// scenarioStart is where every scenario's clock starts.
var scenarioStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// balanceKey names one balance the transcript follows.
type balanceKey struct{ user, currency string }

// scenario drives one engine over memstore and memfunds on a step clock and
// writes a transcript of every command, its answer and, at the end, the
// history and outbox of every payment it created.
type scenario struct {
	t        *testing.T
	ctx      context.Context
	clock    *enginetest.Clock
	ledger   *memfunds.Ledger
	store    *memstore.Store
	eng      *engine.Engine
	out      strings.Builder
	balances []balanceKey
	payments []string
	// nextFault holds one-shot faults for the next Debit or Credit call.
	nextFault map[string]memfunds.Fault
}

func newScenario(t *testing.T, title string) *scenario {
	t.Helper()
	s := &scenario{
		t: t, ctx: context.Background(), clock: enginetest.NewClock(scenarioStart),
		ledger: memfunds.New(), store: memstore.New(), nextFault: map[string]memfunds.Fault{},
	}
	s.ledger.Inject = func(kind string, _ engine.FundsRequest) memfunds.Fault {
		f := s.nextFault[kind]
		delete(s.nextFault, kind)
		return f
	}
	ids := &enginetest.IDs{Prefix: "id"}
	eng, err := engine.New(s.store, s.ledger, engine.Config{Now: s.clock.Now, NewID: ids.Next})
	require.NoError(t, err)
	s.eng = eng
	s.printf("# %s\n", title)
	s.printf("# clock starts at %s; times below are offsets from it\n", scenarioStart.Format(time.RFC3339))
	return s
}

func (s *scenario) printf(format string, args ...any) { fmt.Fprintf(&s.out, format, args...) }

// at formats a time as an offset from the scenario start, "-" for zero.
func at(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := t.Sub(scenarioStart)
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	days := d / (24 * time.Hour)
	d %= 24 * time.Hour
	switch {
	case days == 0:
		return sign + d.String()
	case d == 0:
		return fmt.Sprintf("%s%dd", sign, days)
	default:
		return fmt.Sprintf("%s%dd%s", sign, days, d)
	}
}

func usd(minor int64) engine.Money { return engine.Money{Currency: "USD", Minor: minor} }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func codeOrDash(c engine.Code) string { return orDash(c.String()) }

var faultNames = map[memfunds.Fault]string{
	memfunds.NoFault: "NoFault", memfunds.LostRequest: "LostRequest",
	memfunds.LostAnswer: "LostAnswer", memfunds.HoldAsUnknown: "HoldAsUnknown",
}

// command writes a command line, stamped with the clock.
func (s *scenario) command(format string, args ...any) {
	s.printf("\n[%s] %s\n", at(s.clock.Now()), fmt.Sprintf(format, args...))
}

func (s *scenario) note(format string, args ...any) {
	s.printf("\n# %s\n", fmt.Sprintf(format, args...))
}

func (s *scenario) setBalance(user, currency string, minor int64) {
	s.ledger.SetBalance(user, currency, minor)
	k := balanceKey{user, currency}
	found := false
	for _, b := range s.balances {
		found = found || b == k
	}
	if !found {
		s.balances = append(s.balances, k)
	}
	s.command("ledger: set %s balance to %s", user, engine.Money{Currency: currency, Minor: minor})
}

func (s *scenario) balance(user, currency string) int64 { return s.ledger.Balance(user, currency) }

// injectNext makes the next funds call of kind ("debit" or "credit") hit f.
func (s *scenario) injectNext(kind string, f memfunds.Fault) {
	s.nextFault[kind] = f
	s.command("ledger: next %s will be %s", kind, faultNames[f])
}

func (s *scenario) advance(d time.Duration) {
	s.clock.Advance(d)
	s.printf("\n[%s] clock advanced by %s\n", at(s.clock.Now()), d)
}

// answer writes the payment and error a command returned, and the followed
// balances.
func (s *scenario) answerPayment(p engine.Payment, err error) {
	if p.ID != "" || p.State != engine.PaymentNew {
		s.printf("  payment %s\n", paymentLine(p))
	}
	if p.ID != "" && !contains(s.payments, p.ID) {
		s.payments = append(s.payments, p.ID)
	}
	s.answerErr(err)
}

func (s *scenario) answerRefund(r engine.Refund, err error) {
	if r.ID != "" {
		s.printf("  refund %s\n", refundLine(r))
	}
	s.answerErr(err)
}

func (s *scenario) answerErr(err error) {
	if err != nil {
		s.printf("  error %s\n", engine.ErrorCode(err))
	}
	s.printBalances()
}

func (s *scenario) printBalances() {
	if len(s.balances) == 0 {
		return
	}
	parts := make([]string, 0, len(s.balances))
	for _, b := range s.balances {
		parts = append(parts, fmt.Sprintf("%s=%s", b.user, engine.Money{Currency: b.currency, Minor: s.balance(b.user, b.currency)}))
	}
	s.printf("  ledger %s\n", strings.Join(parts, " "))
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func paymentLine(p engine.Payment) string {
	money := func(minor int64) string { return engine.Money{Currency: p.Amount.Currency, Minor: minor}.String() }
	return fmt.Sprintf("id=%s req=%s %s state=%s amount=%s refunded=%s held=%s user=%s pending=%s fail=%s paid=%s closed=%s cancelled=%s expires=%s",
		orDash(p.ID), p.RequestID, p.Scenario, p.State, p.Amount, money(p.Refunded), money(p.Held),
		orDash(p.UserID), orDash(p.Pending), codeOrDash(p.FailReason),
		at(p.PaidAt), at(p.ClosedAt), at(p.CancelledAt), at(p.ExpiresAt))
}

func refundLine(r engine.Refund) string {
	return fmt.Sprintf("id=%s req=%s payment=%s state=%s amount=%s fail=%s finished=%s",
		r.ID, r.RequestID, r.PaymentID, r.State, r.Amount, codeOrDash(r.FailReason), at(r.FinishedAt))
}

func (s *scenario) pay(req engine.PayRequest) (engine.Payment, error) {
	if req.PartnerID == "" {
		req.PartnerID = "shop"
	}
	if req.NotifyURL == "" {
		req.NotifyURL = "https://shop.example/notify"
	}
	auth := ""
	if req.AuthCode != "" {
		auth = " authCode=" + req.AuthCode
	}
	s.command("pay %s req=%s amount=%s%s", req.Scenario, req.RequestID, req.Amount, auth)
	p, err := s.eng.Pay(s.ctx, req)
	s.answerPayment(p, err)
	return p, err
}

func (s *scenario) confirm(paymentID, user string) (engine.Payment, error) {
	s.command("confirm %s by %s", paymentID, user)
	p, err := s.eng.Confirm(s.ctx, paymentID, user)
	s.answerPayment(p, err)
	return p, err
}

func (s *scenario) cancel(paymentID string) (engine.Payment, error) {
	s.command("cancel %s", paymentID)
	p, err := s.eng.Cancel(s.ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: paymentID})
	s.answerPayment(p, err)
	return p, err
}

func (s *scenario) refund(requestID, paymentID string, amount engine.Money) (engine.Refund, error) {
	s.command("refund req=%s payment=%s amount=%s", requestID, paymentID, amount)
	r, err := s.eng.Refund(s.ctx, engine.RefundRequest{PartnerID: "shop", RequestID: requestID, PaymentID: paymentID, Amount: amount})
	s.answerRefund(r, err)
	return r, err
}

func (s *scenario) expireDue() int {
	s.command("expire due")
	n, err := s.eng.ExpireDue(s.ctx, 100)
	s.printf("  closed %d\n", n)
	s.answerErr(err)
	require.NoError(s.t, err)
	return n
}

func (s *scenario) reconcile() engine.ReconcileReport {
	s.command("reconcile")
	rep, err := s.eng.Reconcile(s.ctx, 100)
	s.printf("  checked=%d resolved=%d unknown=%d\n", rep.Checked, rep.Resolved, rep.Unknown)
	s.answerErr(err)
	require.NoError(s.t, err)
	return rep
}

func (s *scenario) inquirePayment(ref engine.PaymentRef) (engine.Payment, error) {
	ref.PartnerID = "shop"
	s.command("inquire payment id=%s req=%s", orDash(ref.PaymentID), orDash(ref.RequestID))
	p, err := s.eng.InquirePayment(s.ctx, ref)
	s.answerPayment(p, err)
	return p, err
}

func (s *scenario) inquireRefund(requestID string) (engine.Refund, error) {
	s.command("inquire refund req=%s", requestID)
	r, err := s.eng.InquireRefund(s.ctx, engine.RefundRef{PartnerID: "shop", RequestID: requestID})
	s.answerRefund(r, err)
	return r, err
}

// outbox returns the messages queued for a payment.
func (s *scenario) outbox(paymentID string) []store.OutboxMessage {
	msgs, err := s.store.Outbox(s.ctx, paymentID)
	require.NoError(s.t, err)
	return msgs
}

// finish writes every payment's history and outbox and compares the
// transcript with testdata/scenarios/<name>.golden (rewritten with -update).
func (s *scenario) finish(name string) {
	t := s.t
	t.Helper()
	for _, id := range s.payments {
		events, err := s.eng.History(s.ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: id})
		require.NoError(t, err)
		s.printf("\nhistory %s\n", id)
		for _, e := range events {
			subject := "payment"
			if e.RefundID != "" {
				subject = "refund " + e.RefundID
			}
			s.printf("  %d [%s] %s: %s %s -> %s", e.Seq, at(e.At), subject, e.Name, orDash(e.From), orDash(e.To))
			if e.Detail != "" {
				s.printf(" %q", e.Detail)
			}
			s.printf("\n")
		}
		s.printf("outbox %s\n", id)
		msgs := s.outbox(id)
		if len(msgs) == 0 {
			s.printf("  (none)\n")
		}
		for _, m := range msgs {
			s.printf("  %s %s status=%s fail=%s %q amount=%s paymentTime=%s created=%s\n",
				m.ID, m.Kind, m.Status, orDash(m.FailReason), m.FailMsg,
				engine.Money{Currency: m.Currency, Minor: m.Amount}, at(m.PaymentTime), at(m.CreatedAt))
		}
	}
	got := s.out.String()
	path := filepath.Join("testdata", "scenarios", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing: run go test ./engine -run %s -update", t.Name())
	require.Equal(t, string(want), got, "transcript differs from %s (refresh with -update and review the diff)", path)
}

// requireOutbox checks the one result notification of a payment.
func (s *scenario) requireOutbox(paymentID, status string, reason engine.Code) {
	s.t.Helper()
	msgs := s.outbox(paymentID)
	require.Len(s.t, msgs, 1, "payment %s: notifications", paymentID)
	assert.Equal(s.t, status, msgs[0].Status, "payment %s: notified status", paymentID)
	assert.Equal(s.t, reason.String(), msgs[0].FailReason, "payment %s: notified fail reason", paymentID)
}

func (s *scenario) requireNoOutbox(paymentID string) {
	s.t.Helper()
	assert.Empty(s.t, s.outbox(paymentID), "payment %s: notifications", paymentID)
}

func requireCode(t *testing.T, want engine.Code, err error) {
	t.Helper()
	require.Equal(t, want, engine.ErrorCode(err), "error %v", err)
}

func TestScenarioCashierRefunds(t *testing.T) {
	s := newScenario(t, "cashier paid, two partial refunds, an over-refund, a refund past the refund window")
	s.setBalance("alice", "USD", 500_00)
	p, err := s.pay(engine.PayRequest{RequestID: "order-1", Scenario: engine.ScenarioCashier, Amount: usd(100_00), OrderTitle: "Shoes"})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentAccept, p.State)
	s.advance(time.Minute)
	p, err = s.confirm(p.ID, "alice")
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p.State)
	require.Equal(t, int64(400_00), s.balance("alice", "USD"))

	s.advance(time.Hour)
	r, err := s.refund("refund-1", p.ID, usd(30_00))
	require.NoError(t, err)
	require.Equal(t, engine.RefundSuccess, r.State)
	r, err = s.refund("refund-2", p.ID, usd(50_00))
	require.NoError(t, err)
	require.Equal(t, engine.RefundSuccess, r.State)
	require.Equal(t, int64(480_00), s.balance("alice", "USD"))

	r, err = s.refund("refund-3", p.ID, usd(20_01))
	requireCode(t, engine.CodeRefundAmountExceed, err)
	require.Equal(t, engine.RefundFail, r.State)
	s.note("a repeat of the refused refund gets the same answer")
	_, err = s.refund("refund-3", p.ID, usd(20_01))
	requireCode(t, engine.CodeRefundAmountExceed, err)
	require.Equal(t, int64(480_00), s.balance("alice", "USD"))

	s.advance(366 * 24 * time.Hour)
	r, err = s.refund("refund-4", p.ID, usd(10_00))
	requireCode(t, engine.CodeRefundWindowExceed, err)
	require.Equal(t, engine.RefundFail, r.State)

	p, err = s.inquirePayment(engine.PaymentRef{RequestID: "order-1"})
	require.NoError(t, err)
	assert.Equal(t, int64(80_00), p.Refunded)
	assert.Equal(t, int64(0), p.Held)
	assert.Equal(t, int64(480_00), s.balance("alice", "USD"))
	s.requireOutbox(p.ID, "SUCCESS", engine.CodeNone)
	s.finish("cashier_refunds")
}

func TestScenarioCashierBalanceTopUp(t *testing.T) {
	s := newScenario(t, "cashier: balance too low, the user tops up and pays")
	s.setBalance("bob", "USD", 10_00)
	p, err := s.pay(engine.PayRequest{RequestID: "order-1", Scenario: engine.ScenarioCashier, Amount: usd(25_00), OrderTitle: "Book"})
	require.NoError(t, err)
	s.advance(time.Minute)
	p, err = s.confirm(p.ID, "bob")
	requireCode(t, engine.CodeBalanceNotEnough, err)
	require.Equal(t, engine.PaymentAccept, p.State)
	require.Equal(t, int64(10_00), s.balance("bob", "USD"))
	s.requireNoOutbox(p.ID)

	s.advance(2 * time.Minute)
	s.setBalance("bob", "USD", 40_00)
	p, err = s.confirm(p.ID, "bob")
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p.State)
	require.Equal(t, int64(15_00), s.balance("bob", "USD"))
	s.note("confirming again changes nothing")
	p, err = s.confirm(p.ID, "bob")
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p.State)
	require.Equal(t, int64(15_00), s.balance("bob", "USD"))
	s.requireOutbox(p.ID, "SUCCESS", engine.CodeNone)
	s.finish("cashier_balance_topup")
}

func TestScenarioCashierExpired(t *testing.T) {
	s := newScenario(t, "cashier: nobody pays, ExpireDue closes it, later confirm and repeat pay are refused")
	s.setBalance("carol", "USD", 100_00)
	req := engine.PayRequest{RequestID: "order-1", Scenario: engine.ScenarioCashier, Amount: usd(12_00), OrderTitle: "Lamp"}
	p, err := s.pay(req)
	require.NoError(t, err)
	s.advance(13 * time.Minute)
	require.Equal(t, 0, s.expireDue(), "nothing is due before the expiry time")
	s.advance(time.Minute)
	require.Equal(t, 1, s.expireDue())
	p, err = s.inquirePayment(engine.PaymentRef{PaymentID: p.ID})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentClosed, p.State)
	require.Equal(t, engine.CodeExpired, p.FailReason)

	s.advance(time.Minute)
	p, err = s.confirm(p.ID, "carol")
	requireCode(t, engine.CodeOrderClosed, err)
	require.Equal(t, engine.PaymentClosed, p.State)
	_, err = s.pay(req)
	requireCode(t, engine.CodeOrderClosed, err)
	require.Equal(t, int64(100_00), s.balance("carol", "USD"))
	s.requireOutbox(p.ID, "FAIL", engine.CodeExpired)
	s.finish("cashier_expired")
}

func TestScenarioCashierCancelUnpaid(t *testing.T) {
	s := newScenario(t, "cashier: the merchant cancels before the user pays")
	s.setBalance("dave", "USD", 100_00)
	p, err := s.pay(engine.PayRequest{RequestID: "order-1", Scenario: engine.ScenarioCashier, Amount: usd(9_99)})
	require.NoError(t, err)
	s.advance(2 * time.Minute)
	p, err = s.cancel(p.ID)
	require.NoError(t, err)
	require.Equal(t, engine.PaymentClosed, p.State)
	require.Equal(t, engine.CodeCancelled, p.FailReason)
	s.note("cancelling again answers the closed payment unchanged")
	p, err = s.cancel(p.ID)
	require.NoError(t, err)
	require.Equal(t, engine.PaymentClosed, p.State)
	p, err = s.confirm(p.ID, "dave")
	requireCode(t, engine.CodeOrderClosed, err)
	require.Equal(t, int64(100_00), s.balance("dave", "USD"))
	s.requireNoOutbox(p.ID)
	s.finish("cashier_cancel_unpaid")
}

func TestScenarioCancelPaid(t *testing.T) {
	s := newScenario(t, "paid payments cancelled: inside the cancel window (reversed) and after it (refused)")
	s.setBalance("erin", "USD", 100_00)
	s.addToken("tok-erin", "erin")
	p1, err := s.pay(engine.PayRequest{RequestID: "order-1", Scenario: engine.ScenarioAgreement, Amount: usd(40_00), AuthCode: "tok-erin"})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p1.State)
	p2, err := s.pay(engine.PayRequest{RequestID: "order-2", Scenario: engine.ScenarioAgreement, Amount: usd(25_00), AuthCode: "tok-erin"})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p2.State)
	require.Equal(t, int64(35_00), s.balance("erin", "USD"))

	s.advance(time.Hour)
	p1, err = s.cancel(p1.ID)
	require.NoError(t, err)
	require.Equal(t, engine.PaymentClosed, p1.State)
	require.Equal(t, engine.CodeCancelled, p1.FailReason)
	require.Equal(t, int64(75_00), s.balance("erin", "USD"), "the reversal credits the user back")
	s.note("a refund of the reversed payment is refused")
	_, err = s.refund("refund-1", p1.ID, usd(1_00))
	requireCode(t, engine.CodeOrderStatusInvalid, err)

	s.advance(24 * time.Hour)
	p2, err = s.cancel(p2.ID)
	requireCode(t, engine.CodeCancelWindowExceed, err)
	require.Equal(t, engine.PaymentSuccess, p2.State)
	require.Equal(t, int64(75_00), s.balance("erin", "USD"))
	s.note("the merchant refunds instead")
	r, err := s.refund("refund-2", p2.ID, usd(25_00))
	require.NoError(t, err)
	require.Equal(t, engine.RefundSuccess, r.State)
	require.Equal(t, int64(100_00), s.balance("erin", "USD"))
	s.finish("cancel_paid")
}

func (s *scenario) addToken(token, user string) {
	s.ledger.AddAccessToken(token, user)
	s.command("ledger: access token %s belongs to %s", token, user)
}

func (s *scenario) addCode(code, user string) {
	s.ledger.AddPaymentCode(code, user)
	s.command("ledger: payment code %s belongs to %s", code, user)
}

func TestScenarioAgreementPay(t *testing.T) {
	s := newScenario(t, "agreement pay: a valid access token is debited at once; an unknown one fails")
	s.setBalance("frank", "USD", 50_00)
	s.addToken("tok-frank", "frank")
	p, err := s.pay(engine.PayRequest{RequestID: "order-1", Scenario: engine.ScenarioAgreement, Amount: usd(20_00), AuthCode: "tok-frank"})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p.State)
	require.Equal(t, "frank", p.UserID)
	s.requireOutbox(p.ID, "SUCCESS", engine.CodeNone)

	q, err := s.pay(engine.PayRequest{RequestID: "order-2", Scenario: engine.ScenarioAgreement, Amount: usd(5_00), AuthCode: "tok-unknown"})
	require.NoError(t, err, "a declined synchronous pay answers the FAIL payment")
	require.Equal(t, engine.PaymentFail, q.State)
	require.Equal(t, engine.CodeInvalidAccessToken, q.FailReason)
	s.requireOutbox(q.ID, "FAIL", engine.CodeInvalidAccessToken)
	s.note("a repeat of the failed pay answers the same FAIL payment")
	q2, err := s.pay(engine.PayRequest{RequestID: "order-2", Scenario: engine.ScenarioAgreement, Amount: usd(5_00), AuthCode: "tok-unknown"})
	require.NoError(t, err)
	require.Equal(t, q, q2)
	require.Equal(t, int64(30_00), s.balance("frank", "USD"))
	s.finish("agreement_pay")
}

func TestScenarioPaymentCode(t *testing.T) {
	s := newScenario(t, "payment code: the code pays once; reusing it on a new payment fails")
	s.setBalance("grace", "USD", 50_00)
	s.addCode("281234567890", "grace")
	p, err := s.pay(engine.PayRequest{RequestID: "order-1", Scenario: engine.ScenarioPaymentCode, Amount: usd(7_50), AuthCode: "281234567890"})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p.State)
	s.requireOutbox(p.ID, "SUCCESS", engine.CodeNone)
	s.advance(30 * time.Second)
	q, err := s.pay(engine.PayRequest{RequestID: "order-2", Scenario: engine.ScenarioPaymentCode, Amount: usd(3_00), AuthCode: "281234567890"})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentFail, q.State)
	require.Equal(t, engine.CodeAuthCodeAlreadyUsed, q.FailReason)
	s.requireOutbox(q.ID, "FAIL", engine.CodeAuthCodeAlreadyUsed)
	require.Equal(t, int64(42_50), s.balance("grace", "USD"))
	s.finish("payment_code")
}

func TestScenarioOrderAndEntryCode(t *testing.T) {
	s := newScenario(t, "order code and entry code: accept, the user confirms, success")
	s.setBalance("heidi", "USD", 50_00)
	for i, sc := range []engine.Scenario{engine.ScenarioOrderCode, engine.ScenarioEntryCode} {
		p, err := s.pay(engine.PayRequest{RequestID: fmt.Sprintf("order-%d", i+1), Scenario: sc, Amount: usd(10_00), OrderTitle: "Coffee"})
		require.NoError(t, err)
		require.Equal(t, engine.PaymentAccept, p.State)
		s.advance(time.Minute)
		p, err = s.confirm(p.ID, "heidi")
		require.NoError(t, err)
		require.Equal(t, engine.PaymentSuccess, p.State)
		s.requireOutbox(p.ID, "SUCCESS", engine.CodeNone)
	}
	require.Equal(t, int64(30_00), s.balance("heidi", "USD"))
	s.finish("order_and_entry_code")
}

func TestScenarioEvaluation(t *testing.T) {
	s := newScenario(t, "evaluation: answers whether the payment could succeed; nothing is stored, no money moves")
	s.setBalance("ivan", "USD", 50_00)
	s.addToken("tok-ivan", "ivan")
	p, err := s.pay(engine.PayRequest{RequestID: "eval-1", Scenario: engine.ScenarioEvaluation, Amount: usd(20_00), AuthCode: "tok-ivan"})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p.State)
	require.Empty(t, p.ID, "an evaluation creates no payment")
	require.Equal(t, "ivan", p.UserID)

	_, err = s.pay(engine.PayRequest{RequestID: "eval-2", Scenario: engine.ScenarioEvaluation, Amount: usd(80_00), AuthCode: "tok-ivan"})
	requireCode(t, engine.CodeBalanceNotEnough, err)

	_, err = s.inquirePayment(engine.PaymentRef{RequestID: "eval-1"})
	requireCode(t, engine.CodePaymentNotFound, err)
	require.Equal(t, int64(50_00), s.balance("ivan", "USD"))
	s.note("the request id stays free: a real payment may use it")
	p, err = s.pay(engine.PayRequest{RequestID: "eval-1", Scenario: engine.ScenarioAgreement, Amount: usd(20_00), AuthCode: "tok-ivan"})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p.State)
	s.finish("evaluation")
}

func TestScenarioUnknownDebitReconciledSuccess(t *testing.T) {
	s := newScenario(t, "cashier confirm whose debit answer is lost (the ledger applied it): Reconcile finds it succeeded")
	s.setBalance("judy", "USD", 50_00)
	p, err := s.pay(engine.PayRequest{RequestID: "order-1", Scenario: engine.ScenarioCashier, Amount: usd(15_00)})
	require.NoError(t, err)
	s.advance(time.Minute)
	s.injectNext("debit", memfunds.LostAnswer)
	p, err = s.confirm(p.ID, "judy")
	require.NoError(t, err, "an unknown debit answers the INIT payment")
	require.Equal(t, engine.PaymentInit, p.State)
	require.Equal(t, int64(35_00), s.balance("judy", "USD"), "the ledger applied the debit")
	s.requireNoOutbox(p.ID)
	_, err = s.cancel(p.ID)
	requireCode(t, engine.CodePaymentInProcess, err)
	require.Equal(t, 0, s.reconcile().Checked, "the first check waits for the schedule")

	s.advance(5 * time.Minute)
	rep := s.reconcile()
	require.Equal(t, 1, rep.Resolved)
	p, err = s.inquirePayment(engine.PaymentRef{PaymentID: p.ID})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p.State)
	require.Empty(t, p.Pending)
	require.Equal(t, int64(35_00), s.balance("judy", "USD"))
	s.requireOutbox(p.ID, "SUCCESS", engine.CodeNone)
	s.finish("unknown_debit_reconciled_success")
}

func TestScenarioUnknownDebitReconciledDeclined(t *testing.T) {
	s := newScenario(t, "agreement pay whose debit got no answer and was never applied: Reconcile fences it and fails the payment")
	s.setBalance("ken", "USD", 50_00)
	s.addToken("tok-ken", "ken")
	s.injectNext("debit", memfunds.HoldAsUnknown)
	p, err := s.pay(engine.PayRequest{RequestID: "order-1", Scenario: engine.ScenarioAgreement, Amount: usd(15_00), AuthCode: "tok-ken",
		ExpiresAt: scenarioStart.Add(time.Hour)})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentInit, p.State)
	s.note("a repeat while in flight answers the current state")
	p, err = s.pay(engine.PayRequest{RequestID: "order-1", Scenario: engine.ScenarioAgreement, Amount: usd(15_00), AuthCode: "tok-ken",
		ExpiresAt: scenarioStart.Add(time.Hour)})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentInit, p.State)

	s.advance(5 * time.Minute)
	rep := s.reconcile()
	require.Equal(t, 1, rep.Resolved)
	p, err = s.inquirePayment(engine.PaymentRef{PaymentID: p.ID})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentFail, p.State)
	require.Equal(t, int64(50_00), s.balance("ken", "USD"))
	s.requireOutbox(p.ID, "FAIL", engine.CodeProcessFail)
	s.finish("unknown_debit_reconciled_declined")
}

func TestScenarioUnknownDebitSucceededAfterExpiry(t *testing.T) {
	s := newScenario(t, "agreement pay whose debit answer is lost; Reconcile learns of the success only after the expiry time")
	s.setBalance("liam", "USD", 50_00)
	s.addToken("tok-liam", "liam")
	s.injectNext("debit", memfunds.LostAnswer)
	p, err := s.pay(engine.PayRequest{RequestID: "order-1", Scenario: engine.ScenarioAgreement, Amount: usd(15_00), AuthCode: "tok-liam"})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentInit, p.State)
	require.Equal(t, int64(35_00), s.balance("liam", "USD"))
	s.note("the default agreement expiry (3m) comes before the first reconcile check (5m)")
	s.advance(3 * time.Minute)
	require.Equal(t, 0, s.expireDue(), "ExpireDue leaves payments with a debit in flight to Reconcile")
	s.advance(2 * time.Minute)
	rep := s.reconcile()
	require.Equal(t, 1, rep.Resolved)
	p, err = s.inquirePayment(engine.PaymentRef{PaymentID: p.ID})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentClosed, p.State)
	require.Equal(t, engine.CodeExpired, p.FailReason)
	require.Empty(t, p.Pending, "the reversal was issued and answered")
	require.Equal(t, int64(0), p.Held)
	require.Equal(t, int64(50_00), s.balance("liam", "USD"), "the user is credited back")
	s.requireOutbox(p.ID, "FAIL", engine.CodeExpired)
	s.advance(time.Hour)
	require.Equal(t, 0, s.reconcile().Checked, "nothing left in flight")
	s.finish("unknown_debit_after_expiry")
}

func TestScenarioRefundCreditLost(t *testing.T) {
	s := newScenario(t, "refund whose credit answer is lost (the ledger applied it): Reconcile finds it succeeded")
	s.setBalance("mia", "USD", 50_00)
	s.addToken("tok-mia", "mia")
	p, err := s.pay(engine.PayRequest{RequestID: "order-1", Scenario: engine.ScenarioAgreement, Amount: usd(30_00), AuthCode: "tok-mia"})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentSuccess, p.State)
	s.advance(time.Hour)
	s.injectNext("credit", memfunds.LostAnswer)
	r, err := s.refund("refund-1", p.ID, usd(10_00))
	require.NoError(t, err)
	require.Equal(t, engine.RefundInit, r.State)
	require.Equal(t, int64(30_00), s.balance("mia", "USD"), "the ledger applied the credit")
	p, err = s.inquirePayment(engine.PaymentRef{PaymentID: p.ID})
	require.NoError(t, err)
	require.Equal(t, int64(10_00), p.Held)
	s.note("the held amount counts against further refunds")
	_, err = s.refund("refund-2", p.ID, usd(20_01))
	requireCode(t, engine.CodeRefundAmountExceed, err)

	s.advance(5 * time.Minute)
	rep := s.reconcile()
	require.Equal(t, 1, rep.Resolved)
	r, err = s.inquireRefund("refund-1")
	require.NoError(t, err)
	require.Equal(t, engine.RefundSuccess, r.State)
	p, err = s.inquirePayment(engine.PaymentRef{PaymentID: p.ID})
	require.NoError(t, err)
	require.Equal(t, int64(10_00), p.Refunded)
	require.Equal(t, int64(0), p.Held)
	require.Equal(t, int64(30_00), s.balance("mia", "USD"), "credited once")
	s.finish("refund_credit_lost")
}
