package engine_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/shopspring/decimal"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/memstore"
)

// TestScenarios runs the stories in testdata/scenarios, one engine over
// memstore and a memfunds ledger per file, on a clock that moves only when
// a script says so. Each command of a script is one engine call or one
// change to the ledger or the clock, written above the answer it gets:
//
//	refund req=refund-1 payment=id1 amount=30.00
//	----
//	refund id2 SUCCESS 30.00 USD req=refund-1 payment=id1 finished=+1h1m0s
//	ledger alice=430.00 USD
//
// Amounts are in major units of USD unless currency= says otherwise. Times
// are offsets from the start of the story. An answer lists a payment's or
// refund's fields that are set (a missing refunded= means nothing was
// refunded, a missing pending= that no funds operation is in flight), then
// "error <code>" when the command failed, then the ledger's followed
// balances when the command moved them (no ledger line: no followed
// balance moved).
// After every command every payment of the story is held against the
// rules of enginetest (CheckPayment, CheckFunds).
//
// Refresh the answers after a change of the engine with
//
//	go test ./engine -run TestScenarios -rewrite
//
// and review the diff as you would review code.
func TestScenarios(t *testing.T) {
	datadriven.Walk(t, "testdata/scenarios", func(t *testing.T, path string) {
		s := newScenario(t)
		datadriven.RunTest(t, path, s.run)
	})
}

// scenarioStart is where every scenario's clock starts.
var scenarioStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// scenarioCommand is one command of the scripts: the arguments it takes
// and what it does, returning its answer.
type scenarioCommand struct {
	args []string
	run  func(s *scenario, t *testing.T, td *datadriven.TestData) string
}

// scenarioCommands is every command the scripts may use.
var scenarioCommands = map[string]scenarioCommand{
	// The ledger and the clock.
	"set-balance":  {[]string{"user", "amount", "currency"}, (*scenario).setBalance},
	"add-token":    {[]string{"token", "user"}, (*scenario).addToken},
	"add-code":     {[]string{"code", "user"}, (*scenario).addCode},
	"inject-fault": {[]string{"call", "fault"}, (*scenario).injectFault},
	"advance":      {[]string{"by"}, (*scenario).advance},

	// The engine's commands.
	"pay":            {[]string{"req", "scenario", "amount", "currency", "auth", "title", "expires-in", "authorize", "auth-expires-in", "auto-capture"}, (*scenario).pay},
	"capture":        {[]string{"req", "payment", "amount", "currency", "last"}, (*scenario).capture},
	"confirm":        {[]string{"payment", "user"}, (*scenario).confirm},
	"cancel":         {[]string{"payment", "req"}, (*scenario).cancel},
	"refund":         {[]string{"req", "payment", "payment-req", "amount", "currency", "notify"}, (*scenario).refund},
	"expire":         {nil, (*scenario).expire},
	"reconcile":      {nil, (*scenario).reconcile},
	"inquire":        {[]string{"payment", "req"}, (*scenario).inquire},
	"inquire-refund": {[]string{"refund", "req"}, (*scenario).inquireRefund},

	// What the store and the ledger hold.
	"show-balances": {nil, (*scenario).showBalances},
	"show-history":  {[]string{"payment"}, (*scenario).showHistory},
	"show-outbox":   {[]string{"payment"}, (*scenario).showOutbox},

	// The wallet's rules (engine.Limits; scenario_limits_test.go).
	"limit-partner": {[]string{"per-payment", "currency", "suspended"}, (*scenario).limitPartner},
	"limit-user":    {[]string{"user", "daily", "currency", "count", "frozen"}, (*scenario).limitUser},
	"show-usage":    {[]string{"user", "currency"}, (*scenario).showUsage},
}

// scenario is one story: an engine over memstore and a memfunds ledger on
// a step clock, the balances it follows and the payments it created.
type scenario struct {
	ctx      context.Context
	clock    *enginetest.Clock
	ledger   *memfunds.Ledger
	store    *memstore.Store
	eng      *engine.Engine
	balances []balance // followed, in the order first set
	payments []string  // created, in the order first answered
	// nextFault holds one-shot faults for the next Debit or Credit call.
	nextFault map[string]memfunds.Fault
	rules     *engine.StaticLimits // the engine's Limits once a limit-* command ran
	ids       *enginetest.IDs
}

// config is the engine's configuration of a story, with limits when the
// story sets any.
func (s *scenario) config(ids *enginetest.IDs, limits engine.Limits) engine.Config {
	s.ids = ids
	return engine.Config{Now: s.clock.Now, NewID: ids.Next, Limits: limits}
}

// balance names one balance the story follows.
type balance struct{ user, currency string }

func newScenario(t *testing.T) *scenario {
	t.Helper()
	s := &scenario{
		ctx: context.Background(), clock: enginetest.NewClock(scenarioStart),
		ledger: memfunds.New(), store: memstore.New(), nextFault: map[string]memfunds.Fault{},
		rules: &engine.StaticLimits{Partners: map[string]engine.PartnerRules{}, Users: map[string]engine.UserRules{}},
	}
	s.ledger.Inject = func(kind string, _ engine.FundsRequest) memfunds.Fault {
		f := s.nextFault[kind]
		delete(s.nextFault, kind)
		return f
	}
	ids := &enginetest.IDs{Prefix: "id"}
	eng, err := engine.New(s.store, s.ledger, s.config(ids, nil))
	if err != nil {
		t.Fatal(err)
	}
	s.eng = eng
	return s
}

// run runs one command and holds every payment against the rules.
func (s *scenario) run(t *testing.T, td *datadriven.TestData) string {
	cmd, ok := scenarioCommands[td.Cmd]
	if !ok {
		td.Fatalf(t, "unknown command %q", td.Cmd)
	}
	for _, a := range td.CmdArgs {
		if !slices.Contains(cmd.args, a.Key) || len(a.Vals) != 1 {
			td.Fatalf(t, "%s takes one value for each of %v, not %s", td.Cmd, cmd.args, a)
		}
	}
	before := s.ledgerLine()
	out := cmd.run(s, t, td)
	if after := s.ledgerLine(); after != before && td.Cmd != "set-balance" {
		out += after
	}
	for _, id := range s.payments {
		err := enginetest.CheckPayment(s.ctx, s.store, id)
		if err == nil {
			snap, _ := s.store.GetPayment(s.ctx, id)
			err = enginetest.CheckFunds(snap, s.ledger)
		}
		if err != nil {
			t.Errorf("%s: after %s: %v", td.Pos, td.Cmd, err)
		}
	}
	return out
}

// Arguments.

func arg(t *testing.T, td *datadriven.TestData, key string) string {
	t.Helper()
	var v string
	td.ScanArgs(t, key, &v)
	return v
}

func optArg(td *datadriven.TestData, key, otherwise string) string {
	if a, ok := td.Arg(key); ok {
		return a.Vals[0]
	}
	return otherwise
}

// money reads amount= in major units of currency= (default USD).
func money(t *testing.T, td *datadriven.TestData) engine.Money {
	t.Helper()
	major, err := decimal.NewFromString(arg(t, td, "amount"))
	if err != nil {
		td.Fatalf(t, "amount: %v", err)
	}
	m, err := engine.MoneyFromDecimal(optArg(td, "currency", "USD"), major)
	if err != nil {
		td.Fatalf(t, "amount: %v", err)
	}
	return m
}

// duration reads a Go duration, or a whole number of days as "366d".
func duration(t *testing.T, td *datadriven.TestData, key string) time.Duration {
	t.Helper()
	v := arg(t, td, key)
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			td.Fatalf(t, "%s: %v", key, err)
		}
		return time.Duration(n) * 24 * time.Hour
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		td.Fatalf(t, "%s: %v", key, err)
	}
	return d
}

// The ledger and the clock.

func (s *scenario) setBalance(t *testing.T, td *datadriven.TestData) string {
	m := money(t, td)
	user := arg(t, td, "user")
	s.ledger.SetBalance(user, m.Currency, m.Minor)
	if b := (balance{user, m.Currency}); !slices.Contains(s.balances, b) {
		s.balances = append(s.balances, b)
	}
	return s.ledgerLine()
}

func (s *scenario) addToken(t *testing.T, td *datadriven.TestData) string {
	s.ledger.AddAccessToken(arg(t, td, "token"), arg(t, td, "user"))
	return "ok\n"
}

func (s *scenario) addCode(t *testing.T, td *datadriven.TestData) string {
	s.ledger.AddPaymentCode(arg(t, td, "code"), arg(t, td, "user"))
	return "ok\n"
}

var faults = map[string]memfunds.Fault{
	"NoFault": memfunds.NoFault, "LostRequest": memfunds.LostRequest,
	"LostAnswer": memfunds.LostAnswer, "HoldAsUnknown": memfunds.HoldAsUnknown,
}

// injectFault makes the next funds call of a kind (debit or credit) hit a
// fault.
func (s *scenario) injectFault(t *testing.T, td *datadriven.TestData) string {
	call, name := arg(t, td, "call"), arg(t, td, "fault")
	f, ok := faults[name]
	if !ok || !slices.Contains([]string{"debit", "credit", "hold", "capture", "release"}, call) {
		td.Fatalf(t, "inject-fault call=debit|credit|hold|capture|release fault=NoFault|LostRequest|LostAnswer|HoldAsUnknown")
	}
	s.nextFault[call] = f
	return "ok\n"
}

func (s *scenario) advance(t *testing.T, td *datadriven.TestData) string {
	s.clock.Advance(duration(t, td, "by"))
	return "now " + at(s.clock.Now()) + "\n"
}

// The engine's commands.

func (s *scenario) pay(t *testing.T, td *datadriven.TestData) string {
	sc, ok := engine.ParseScenario(arg(t, td, "scenario"))
	if !ok {
		td.Fatalf(t, "unknown scenario")
	}
	req := engine.PayRequest{
		PartnerID: "shop", RequestID: arg(t, td, "req"), Scenario: sc, Amount: money(t, td),
		AuthCode: optArg(td, "auth", ""), OrderTitle: optArg(td, "title", ""),
		NotifyURL: "https://shop.example/notify",
	}
	if td.HasArg("expires-in") {
		req.ExpiresAt = s.clock.Now().Add(duration(t, td, "expires-in"))
	}
	if optArg(td, "authorize", "") == "true" {
		req.Authorization, req.NotifyCaptures = true, true
		req.CaptureAutomatically = optArg(td, "auto-capture", "") == "true"
		if td.HasArg("auth-expires-in") {
			req.AuthExpiresAt = s.clock.Now().Add(duration(t, td, "auth-expires-in"))
		}
	}
	p, err := s.eng.Pay(s.ctx, req)
	return s.paymentAnswer(p, err)
}

// capture runs Capture; last=true marks the merchant's last capture.
func (s *scenario) capture(t *testing.T, td *datadriven.TestData) string {
	c, err := s.eng.Capture(s.ctx, engine.CaptureRequest{
		PartnerID: "shop", RequestID: arg(t, td, "req"), PaymentID: arg(t, td, "payment"),
		Amount: money(t, td), Last: optArg(td, "last", "") == "true",
	})
	out := ""
	if c.ID != "" {
		out = captureLine(c) + "\n"
	}
	return out + errorLine(err)
}

func captureLine(c engine.Capture) string {
	f := []string{"capture", c.ID, c.State.String(), c.Amount.String(), "req=" + c.RequestID, "payment=" + c.PaymentID}
	if c.Last {
		f = append(f, "last")
	}
	if c.FailReason != engine.CodeNone {
		f = append(f, "fail="+c.FailReason.String())
	}
	if !c.FinishedAt.IsZero() {
		f = append(f, "finished="+at(c.FinishedAt))
	}
	return strings.Join(f, " ")
}

func (s *scenario) confirm(t *testing.T, td *datadriven.TestData) string {
	p, err := s.eng.Confirm(s.ctx, arg(t, td, "payment"), arg(t, td, "user"))
	return s.paymentAnswer(p, err)
}

// cancel runs Cancel by payment=, req= or both.
func (s *scenario) cancel(t *testing.T, td *datadriven.TestData) string {
	p, err := s.eng.Cancel(s.ctx, engine.PaymentRef{
		PartnerID: "shop", PaymentID: optArg(td, "payment", ""), RequestID: optArg(td, "req", ""),
	})
	return s.paymentAnswer(p, err)
}

func (s *scenario) refund(t *testing.T, td *datadriven.TestData) string {
	r, err := s.eng.Refund(s.ctx, engine.RefundRequest{
		PartnerID: "shop", RequestID: arg(t, td, "req"), Amount: money(t, td),
		PaymentID: optArg(td, "payment", ""), PaymentRequestID: optArg(td, "payment-req", ""),
		NotifyURL: optArg(td, "notify", ""),
	})
	return refundAnswer(r, err)
}

// expire runs ExpireDue.
func (s *scenario) expire(t *testing.T, td *datadriven.TestData) string {
	n, err := s.eng.ExpireDue(s.ctx, 100)
	return fmt.Sprintf("closed %d\n", n) + errorLine(err)
}

func (s *scenario) reconcile(t *testing.T, td *datadriven.TestData) string {
	rep, err := s.eng.Reconcile(s.ctx, 100)
	return fmt.Sprintf("checked=%d resolved=%d unknown=%d\n", rep.Checked, rep.Resolved, rep.Unknown) + errorLine(err)
}

// inquire runs InquirePayment by payment= or req=.
func (s *scenario) inquire(t *testing.T, td *datadriven.TestData) string {
	p, err := s.eng.InquirePayment(s.ctx, engine.PaymentRef{
		PartnerID: "shop", PaymentID: optArg(td, "payment", ""), RequestID: optArg(td, "req", ""),
	})
	return s.paymentAnswer(p, err)
}

// inquireRefund runs InquireRefund by refund=, req= or both.
func (s *scenario) inquireRefund(t *testing.T, td *datadriven.TestData) string {
	r, err := s.eng.InquireRefund(s.ctx, engine.RefundRef{
		PartnerID: "shop", RefundID: optArg(td, "refund", ""), RequestID: optArg(td, "req", ""),
	})
	return refundAnswer(r, err)
}

// What the store and the ledger hold.

func (s *scenario) showBalances(t *testing.T, td *datadriven.TestData) string {
	return s.ledgerLine()
}

// showHistory lists the events of payment=, or of every payment the story
// created.
func (s *scenario) showHistory(t *testing.T, td *datadriven.TestData) string {
	var b strings.Builder
	for _, id := range s.shown(td) {
		events, err := s.eng.History(s.ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: id})
		if err != nil {
			td.Fatalf(t, "history of %s: %v", id, err)
		}
		snap, err := s.store.GetPayment(s.ctx, id)
		if err != nil {
			td.Fatalf(t, "payment %s: %v", id, err)
		}
		captures := make(map[string]bool)
		for _, c := range snap.Captures {
			captures[c.ID] = true
		}
		fmt.Fprintf(&b, "history %s\n", id)
		for _, e := range events {
			subject := "payment"
			switch {
			case captures[e.RefundID]:
				subject = "capture " + e.RefundID
			case e.RefundID != "":
				subject = "refund " + e.RefundID
			}
			fmt.Fprintf(&b, "  %d [%s] %s: %s %s -> %s", e.Seq, at(e.At), subject, e.Name, orDash(e.From), orDash(e.To))
			if e.Detail != "" {
				fmt.Fprintf(&b, " %q", e.Detail)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// showOutbox lists the notifications queued for payment=, or for every
// payment the story created.
func (s *scenario) showOutbox(t *testing.T, td *datadriven.TestData) string {
	var b strings.Builder
	for _, id := range s.shown(td) {
		msgs, err := s.store.Outbox(s.ctx, id)
		if err != nil {
			td.Fatalf(t, "outbox of %s: %v", id, err)
		}
		fmt.Fprintf(&b, "outbox %s\n", id)
		if len(msgs) == 0 {
			b.WriteString("  (none)\n")
		}
		for _, m := range msgs {
			fmt.Fprintf(&b, "  %s %s %s %s", m.ID, m.Kind, m.Status, engine.Money{Currency: m.Currency, Minor: m.Amount})
			if m.FailReason != "" {
				fmt.Fprintf(&b, " fail=%s %q", m.FailReason, m.FailMsg)
			}
			if m.Kind == engine.OutboxKindCaptureResult {
				fmt.Fprintf(&b, " capture=%s req=%s captureTime=%s created=%s\n", m.CaptureID, m.CaptureRequestID, at(m.PaymentTime), at(m.CreatedAt))
				continue
			}
			if m.Kind == engine.OutboxKindRefundResult {
				fmt.Fprintf(&b, " refund=%s req=%s refundTime=%s created=%s to=%s\n", m.RefundID, m.RefundRequestID, at(m.PaymentTime), at(m.CreatedAt), m.NotifyURL)
				continue
			}
			fmt.Fprintf(&b, " paymentTime=%s created=%s\n", at(m.PaymentTime), at(m.CreatedAt))
		}
	}
	return b.String()
}

// shown returns payment= or every payment the story created.
func (s *scenario) shown(td *datadriven.TestData) []string {
	if id := optArg(td, "payment", ""); id != "" {
		return []string{id}
	}
	return s.payments
}

// Answers.

// paymentAnswer writes a payment and an error, and follows the payment.
func (s *scenario) paymentAnswer(p engine.Payment, err error) string {
	out := ""
	if p.ID != "" || p.State != engine.PaymentNew {
		out = paymentLine(p) + "\n"
	}
	if p.ID != "" && !slices.Contains(s.payments, p.ID) {
		s.payments = append(s.payments, p.ID)
	}
	return out + errorLine(err)
}

func refundAnswer(r engine.Refund, err error) string {
	out := ""
	if r.ID != "" {
		out = refundLine(r) + "\n"
	}
	return out + errorLine(err)
}

func errorLine(err error) string {
	if err == nil {
		return ""
	}
	line := "error " + engine.ErrorCode(err).String()
	var e *engine.Error
	if errors.As(err, &e) && e.Field != "" {
		line += " field=" + string(e.Field)
	}
	return line + "\n"
}

// paymentLine writes a payment's fields that are set; the id is "-" for
// a payment that was not stored (an evaluation).
func paymentLine(p engine.Payment) string {
	f := []string{"payment", orDash(p.ID), p.Scenario.String(), p.State.String(), p.Amount.String(), "req=" + p.RequestID}
	if p.Authorization {
		f = append(f, "authorization")
	}
	minor := func(m int64) string { // in major units, without the currency
		return strings.TrimSuffix(engine.Money{Currency: p.Amount.Currency, Minor: m}.String(), " "+p.Amount.Currency)
	}
	for _, kv := range [][2]string{
		{"user", p.UserID},
		{"refunded", ifSet(p.Refunded != 0, minor(p.Refunded))},
		{"held", ifSet(p.Held != 0, minor(p.Held))},
		{"pending", p.Pending},
		{"authorized", at(p.AuthorizedAt)},
		{"auth-expires", at(p.AuthExpiresAt)},
		{"captured", ifSet(p.Captured != 0, minor(p.Captured))},
		{"capturing", ifSet(p.Capturing != 0, minor(p.Capturing))},
		{"fail", p.FailReason.String()},
		{"paid", at(p.PaidAt)},
		{"closed", at(p.ClosedAt)},
		{"cancelled", at(p.CancelledAt)},
		{"expires", at(p.ExpiresAt)},
		{"v", ifSet(p.Version != 0, strconv.FormatInt(p.Version, 10))},
	} {
		if kv[1] != "" {
			f = append(f, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(f, " ")
}

func refundLine(r engine.Refund) string {
	f := []string{"refund", r.ID, r.State.String(), r.Amount.String(), "req=" + r.RequestID, "payment=" + r.PaymentID}
	if r.FailReason != engine.CodeNone {
		f = append(f, "fail="+r.FailReason.String())
	}
	if !r.FinishedAt.IsZero() {
		f = append(f, "finished="+at(r.FinishedAt))
	}
	return strings.Join(f, " ")
}

// ledgerLine writes the followed balances, "" when there are none.
func (s *scenario) ledgerLine() string {
	if len(s.balances) == 0 {
		return ""
	}
	parts := []string{"ledger"}
	for _, b := range s.balances {
		parts = append(parts, fmt.Sprintf("%s=%s", b.user, engine.Money{Currency: b.currency, Minor: s.ledger.Balance(b.user, b.currency)}))
		if held := s.ledger.Held(b.user, b.currency); held != 0 {
			parts = append(parts, fmt.Sprintf("%s-held=%s", b.user, engine.Money{Currency: b.currency, Minor: held}))
		}
	}
	return strings.Join(parts, " ") + "\n"
}

// at formats a time as an offset from the scenario start, "" for zero.
func at(t time.Time) string {
	if t.IsZero() {
		return ""
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

func ifSet(set bool, v string) string {
	if !set {
		return ""
	}
	return v
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
