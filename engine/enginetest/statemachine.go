package enginetest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"pgregory.net/rapid"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

// StateMachine drives random interleavings of every engine command
// (repeats, concurrent twins, funds answers that succeed, decline or get
// lost, clock jumps past expiry and windows) against a small model, on
// memstore and a memfunds ledger, and checks the engine's rules after
// every step, also ordered history and that the money the ledger moved
// matches each payment's state. The rules:
//
//  1. Idempotency: a repeat of a request key with the same content
//     answers the first result and changes nothing; with other content
//     it is CodeRepeatInconsistent; concurrent twins make one payment.
//  2. Refund sum: successful plus in-flight refunds never exceed the paid
//     amount, in the payment's currency.
//  3. Nothing leaves FAIL or CLOSED; nothing succeeds at or after its
//     expiry.
//  4. One notification per final result the merchant must hear of, none
//     for unfinished payments.
//  5. Limits: a suspended partner's new pays and refunds, pays over a
//     partner's cap and pays of frozen or full users are refused and
//     store nothing; the daily counters equal the room the payments hold,
//     and no user holds more than their limits (modellimits.go).
//  6. Authorizations: captured plus capturing never exceed the authorized
//     amount, refunds never exceed what was captured, the hold is released
//     exactly once (void, expiry or the last capture) or used up, and a
//     capture's repeats and twins make one capture (CheckCaptures,
//     CheckFunds).
//
// Use it with rapid.Check or rapid.MakeFuzz.
func StateMachine(rt *rapid.T) { newWorld(rt).run(rt) }

// sentPay is what the model remembers of the first pay with a request key.
type sentPay struct {
	req       engine.PayRequest
	paymentID string // "" until an answer named it
}

type sentRefund struct {
	req      engine.RefundRequest
	refundID string
}

type sentCapture struct {
	req       engine.CaptureRequest
	captureID string
}

type world struct {
	ctx    context.Context
	clock  *Clock
	st     *memstore.Store
	ledger *memfunds.Ledger
	eng    *engine.Engine
	ids    IDs
	fault  memfunds.Fault // applied to the next funds call, then cleared

	pays     map[string]*sentPay     // partner/requestID -> first request
	refunds  map[string]*sentRefund  // partner/refundRequestID -> first request
	captures map[string]*sentCapture // partner/captureRequestID -> first request
	payments []string                // every payment id the engine created
	finals   map[string]store.Payment
	initial  map[string]int64 // user -> starting USD balance
	limits   *modelLimits
	days     map[string]bool // every day (UTC) the clock has shown
}

var (
	partners = []string{"shop-a", "shop-b"}
	users    = []string{"alice", "bob"}
)

const cancelWindow, refundWindow, authExpiry = 2 * time.Hour, 48 * time.Hour, 4 * time.Hour

// maxRefunds and maxCaptures are the model's caps per payment
// (Config.MaxRefunds, Config.MaxCaptures): low, so that runs reach them.
const maxRefunds, maxCaptures = 4, 4

func newWorld(rt *rapid.T) *world {
	w := &world{
		ids:      IDs{Prefix: "p"},
		ctx:      context.Background(),
		clock:    NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)),
		st:       memstore.New(),
		ledger:   memfunds.New(),
		pays:     map[string]*sentPay{},
		refunds:  map[string]*sentRefund{},
		captures: map[string]*sentCapture{},
		finals:   map[string]store.Payment{},
		initial:  map[string]int64{},
		limits:   newModelLimits(),
		days:     map[string]bool{},
	}
	for i, u := range users {
		bal := rapid.Int64Range(0, 30_000).Draw(rt, "balance-"+u)
		w.ledger.SetBalance(u, "USD", bal)
		w.initial[u] = bal
		w.ledger.AddAccessToken("token-"+u, u)
		for c := 0; c < 3; c++ {
			w.ledger.AddPaymentCode(fmt.Sprintf("code-%d-%d", i, c), u)
		}
	}
	w.ledger.Inject = func(string, engine.FundsRequest) memfunds.Fault {
		f := w.fault
		w.fault = memfunds.NoFault
		return f
	}
	eng, err := engine.New(w.st, w.ledger, engine.Config{
		Now: w.clock.Now, NewID: w.ids.Next,
		CancelWindow: cancelWindow, RefundWindow: refundWindow, MaxRefunds: maxRefunds, MaxCaptures: maxCaptures,
		AuthExpiry:        authExpiry,
		ReconcileSchedule: []time.Duration{time.Minute, 10 * time.Minute},
		Currencies:        []string{"USD", "JPY"},
		Limits:            w.limits,
	})
	if err != nil {
		rt.Fatal(err)
	}
	w.eng = eng
	return w
}

func (w *world) run(rt *rapid.T) {
	rt.Repeat(map[string]func(*rapid.T){
		"pay":         w.pay,
		"twinPay":     w.twinPay,
		"confirm":     w.confirm,
		"fail":        w.failPayment,
		"cancel":      w.cancel,
		"refund":      w.refund,
		"capture":     w.capture,
		"twinCapture": w.twinCapture,
		"inquire":     w.inquire,
		"rules":       w.changeRules,
		"expireDue":   func(rt *rapid.T) { _, err := w.eng.ExpireDue(w.ctx, 100); noErr(rt, err) },
		"reconcile":   func(rt *rapid.T) { _, err := w.eng.Reconcile(w.ctx, 100); noErr(rt, err) },
		"advance": func(rt *rapid.T) {
			w.clock.Advance(rapid.SampledFrom([]time.Duration{time.Second, time.Minute, 15 * time.Minute, 3 * time.Hour, 50 * time.Hour}).Draw(rt, "by"))
		},
		"": w.checkInvariants,
	})
}

func noErr(rt *rapid.T, err error) {
	if err != nil {
		rt.Fatalf("unexpected error: %v", err)
	}
}

// drawFault sets the fault for the next funds call.
func (w *world) drawFault(rt *rapid.T) {
	w.fault = rapid.SampledFrom([]memfunds.Fault{
		memfunds.NoFault, memfunds.NoFault, memfunds.NoFault, memfunds.LostRequest, memfunds.LostAnswer, memfunds.HoldAsUnknown,
	}).Draw(rt, "fault")
}

func (w *world) drawPay(rt *rapid.T) engine.PayRequest {
	sc := rapid.SampledFrom([]engine.Scenario{
		engine.ScenarioCashier, engine.ScenarioAgreement, engine.ScenarioPaymentCode,
		engine.ScenarioOrderCode, engine.ScenarioEntryCode, engine.ScenarioEvaluation,
	}).Draw(rt, "scenario")
	req := engine.PayRequest{
		PartnerID: rapid.SampledFrom(partners).Draw(rt, "partner"),
		RequestID: fmt.Sprintf("pay-%d", rapid.IntRange(0, 5).Draw(rt, "payRequest")),
		Scenario:  sc,
		Amount: engine.Money{
			Currency: rapid.SampledFrom([]string{"USD", "USD", "USD", "JPY", "EUR"}).Draw(rt, "currency"),
			Minor:    rapid.SampledFrom([]int64{1, 99, 100, 5_000, 9_999, 20_000}).Draw(rt, "amount"),
		},
		NotifyURL: rapid.SampledFrom([]string{"", "https://merchant.example/notify"}).Draw(rt, "notify"),
	}
	if sc.NeedsAuthCode() || sc == engine.ScenarioEvaluation {
		req.AuthCode = rapid.SampledFrom([]string{"token-alice", "token-bob", "code-0-0", "code-1-1", "code-0-2", "bogus"}).Draw(rt, "authCode")
	}
	if sc != engine.ScenarioEvaluation && rapid.IntRange(0, 2).Draw(rt, "authorization") == 0 {
		req.Authorization = true
		req.NotifyCaptures = req.NotifyURL != ""
		req.CaptureAutomatically = rapid.IntRange(0, 4).Draw(rt, "autoCapture") == 0
		if rapid.Bool().Draw(rt, "ownAuthExpiry") {
			req.AuthExpiresAt = w.clock.Now().Add(rapid.SampledFrom([]time.Duration{time.Minute, 20 * time.Minute, time.Hour}).Draw(rt, "authExpiresIn"))
		}
	}
	return req
}

func key(partner, id string) string { return partner + "/" + id }

func (w *world) pay(rt *rapid.T) {
	req := w.drawPay(rt)
	w.drawFault(rt)
	p, err := w.eng.Pay(w.ctx, req)
	w.checkPayAnswer(rt, req, p, err)
}

// twinPay sends the same pay from two goroutines at once.
func (w *world) twinPay(rt *rapid.T) {
	req := w.drawPay(rt)
	var wg sync.WaitGroup
	var ps [2]engine.Payment
	var errs [2]error
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ps[i], errs[i] = w.eng.Pay(w.ctx, req)
		}()
	}
	wg.Wait()
	for i := range 2 {
		w.checkPayAnswer(rt, req, ps[i], errs[i])
	}
	if errs[0] == nil && errs[1] == nil && ps[0].ID != ps[1].ID {
		rt.Fatalf("twins created two payments %s and %s", ps[0].ID, ps[1].ID)
	}
}

// checkPayAnswer holds the answer against idempotency (rule 1).
func (w *world) checkPayAnswer(rt *rapid.T, req engine.PayRequest, p engine.Payment, err error) {
	code := engine.ErrorCode(err)
	if req.Scenario == engine.ScenarioEvaluation {
		if err == nil && (p.ID != "" || p.State != engine.PaymentSuccess) {
			rt.Fatalf("evaluation answered %+v", p)
		}
		return
	}
	if req.Amount.Currency == "EUR" {
		if code != engine.CodeCurrencyNotSupported {
			rt.Fatalf("EUR pay: got %v, want currency not supported", err)
		}
		return
	}
	k := key(req.PartnerID, req.RequestID)
	first, seen := w.pays[k]
	if !seen {
		if w.checkPayRefusal(rt, req, code) {
			if _, err := w.st.GetPaymentByRequest(w.ctx, req.PartnerID, req.RequestID); err == nil {
				rt.Fatalf("pay %s refused (%v) but stored", k, code)
			}
			return // nothing stored: the request id stays free
		}
		first = &sentPay{req: req}
		w.pays[k] = first
	}
	if seen && !samePay(first.req, req) {
		if code != engine.CodeRepeatInconsistent {
			rt.Fatalf("pay %s with different content: got %v, want repeat inconsistent", k, err)
		}
		return
	}
	switch code {
	case engine.CodeNone, engine.CodeOrderClosed:
	default:
		rt.Fatalf("pay %s: unexpected error %v", k, err)
	}
	if p.ID == "" {
		rt.Fatalf("pay %s answered without a payment id", k)
	}
	if first.paymentID == "" {
		first.paymentID = p.ID
		w.payments = append(w.payments, p.ID)
	} else if first.paymentID != p.ID {
		rt.Fatalf("pay %s: repeat created a second payment %s (first %s)", k, p.ID, first.paymentID)
	}
	if code == engine.CodeOrderClosed && p.State != engine.PaymentClosed {
		rt.Fatalf("pay %s: order closed but payment is %s", k, p.State)
	}
}

func samePay(a, b engine.PayRequest) bool {
	return a.Scenario == b.Scenario && a.Amount == b.Amount && a.AuthCode == b.AuthCode &&
		a.NotifyURL == b.NotifyURL && a.ReturnURL == b.ReturnURL && a.OrderTitle == b.OrderTitle &&
		a.Authorization == b.Authorization && a.AuthExpiresAt.Equal(b.AuthExpiresAt) &&
		a.CaptureAutomatically == b.CaptureAutomatically && a.NotifyCaptures == b.NotifyCaptures
}

// pickPayment draws a payment the engine created. With none yet it pays
// first (a few tries), and skips the step only when that created none:
// skipping at once lets an input that keeps drawing such steps (the
// fuzzer's, say) skip every step, which rapid reports as a failure.
func (w *world) pickPayment(rt *rapid.T) string {
	for try := 0; len(w.payments) == 0 && try < 3; try++ {
		w.pay(rt)
	}
	if len(w.payments) == 0 {
		rt.Skip("no payment yet")
	}
	return rapid.SampledFrom(w.payments).Draw(rt, "payment")
}

func (w *world) confirm(rt *rapid.T) {
	id := w.pickPayment(rt)
	w.drawFault(rt)
	before := w.record(rt, id)
	p, err := w.eng.Confirm(w.ctx, id, rapid.SampledFrom(users).Draw(rt, "user"))
	switch code := engine.ErrorCode(err); code {
	case engine.CodeNone:
	case engine.CodeOrderClosed:
		if p.State != engine.PaymentClosed && p.State != engine.PaymentFail {
			rt.Fatalf("confirm: order closed but payment is %s", p.State)
		}
	case engine.CodeBalanceNotEnough, engine.CodeUserNotExist, engine.CodeUserStatusAbnormal, engine.CodeUserAmountLimit, engine.CodePaymentCountLimit:
		if p.State != engine.PaymentAccept {
			rt.Fatalf("confirm declined but payment is %s", p.State)
		}
	default:
		rt.Fatalf("confirm %s (was %s): unexpected error %v", id, before.Status, err)
	}
	if p.State == engine.PaymentSuccess && !p.Authorization && !p.PaidAt.Before(p.ExpiresAt) {
		rt.Fatalf("payment %s succeeded at %s, not before its expiry %s", id, p.PaidAt, p.ExpiresAt)
	}
}

func (w *world) failPayment(rt *rapid.T) {
	id := w.pickPayment(rt)
	before := w.record(rt, id)
	_, err := w.eng.Fail(w.ctx, id, engine.CodeRiskReject, "risk")
	want := engine.CodeOrderStatusInvalid
	if before.Status == "ACCEPT" || before.Status == "FAIL" {
		want = engine.CodeNone
	}
	if got := engine.ErrorCode(err); got != want {
		rt.Fatalf("fail of %s payment: got %v, want %v", before.Status, err, want)
	}
}

func (w *world) cancel(rt *rapid.T) {
	id := w.pickPayment(rt)
	w.drawFault(rt)
	before := w.record(rt, id)
	partner := before.PartnerID
	if rapid.Bool().Draw(rt, "foreignPartner") {
		partner = otherPartner(partner)
		_, err := w.eng.Cancel(w.ctx, engine.PaymentRef{PartnerID: partner, PaymentID: id})
		if engine.ErrorCode(err) != engine.CodePaymentNotFound {
			rt.Fatalf("cancel by a foreign partner: got %v, want not found", err)
		}
		return
	}
	p, err := w.eng.Cancel(w.ctx, engine.PaymentRef{PartnerID: partner, PaymentID: id})
	switch code := engine.ErrorCode(err); code {
	case engine.CodeNone:
		voidedAfterCaptures := before.Status == "AUTHORIZED" && p.State == engine.PaymentSuccess && p.Captured > 0
		// A repeat of that void answers the same and undoes no capture.
		repeatedVoid := before.Authorization && !before.CancelledAt.IsZero() && before.Status == "SUCCESS"
		if repeatedVoid && (p.State != engine.PaymentSuccess || p.Captured != before.CapturedAmount) {
			rt.Fatalf("repeated void of %s: payment %s with %d captured, was SUCCESS with %d", id, p.State, p.Captured, before.CapturedAmount)
		}
		if p.State != engine.PaymentClosed && p.State != engine.PaymentFail && !voidedAfterCaptures && !repeatedVoid {
			rt.Fatalf("cancel succeeded but payment is %s", p.State)
		}
	case engine.CodePaymentInProcess, engine.CodeCancelWindowExceed, engine.CodeOrderStatusInvalid, engine.CodeProcessFail, engine.CodeUserNotExist:
		if before.Status != "INIT" && before.Status != "SUCCESS" && before.Status != "ACCEPT" && before.Status != "AUTHORIZED" {
			rt.Fatalf("cancel of %s payment: %v", before.Status, err)
		}
	default:
		rt.Fatalf("cancel of %s payment: unexpected error %v", before.Status, err)
	}
}

func otherPartner(p string) string {
	if p == partners[0] {
		return partners[1]
	}
	return partners[0]
}

func (w *world) refund(rt *rapid.T) {
	id := w.pickPayment(rt)
	w.drawFault(rt)
	before := w.record(rt, id)
	req := engine.RefundRequest{
		PartnerID: before.PartnerID,
		RequestID: fmt.Sprintf("refund-%d", rapid.IntRange(0, 8).Draw(rt, "refundRequest")),
		PaymentID: id,
		Amount: engine.Money{
			Currency: rapid.SampledFrom([]string{before.Currency, before.Currency, "JPY", "USD"}).Draw(rt, "refundCurrency"),
			Minor:    rapid.SampledFrom([]int64{1, 50, 99, 100, 2_500, before.Amount, before.Amount - before.RefundedAmount - before.HeldAmount}).Draw(rt, "refundAmount"),
		},
		// Not compared on repeats: a repeat with another URL keeps the
		// first's, which CheckNotifications holds the outbox to.
		NotifyURL: rapid.SampledFrom([]string{"", "https://shop.example/refunds"}).Draw(rt, "refundNotifyURL"),
	}
	if req.Amount.Minor <= 0 {
		req.Amount.Minor = 1
	}
	r, err := w.eng.Refund(w.ctx, req)
	code := engine.ErrorCode(err)
	k := key(req.PartnerID, req.RequestID)
	first, seen := w.refunds[k]
	if !seen && w.limits.isSuspended(req.PartnerID) {
		if code != engine.CodePartnerStatusAbnormal || r.ID != "" {
			rt.Fatalf("new refund %s of a suspended partner: got %v %q, want partner status abnormal and nothing", k, err, r.ID)
		}
		return
	}
	if !seen && before.RefundCount >= maxRefunds {
		// At the cap: refused, nothing stored, and the request id stays free.
		if code != engine.CodeOrderStatusInvalid || r.ID != "" {
			rt.Fatalf("refund %s of a payment with %d refunds: got %v %q, want order status invalid and nothing", k, before.RefundCount, err, r.ID)
		}
		if after := w.record(rt, id); after.Version != before.Version {
			rt.Fatalf("refund %s refused at the cap changed payment %s: v%d -> v%d", k, id, before.Version, after.Version)
		}
		return
	}
	if seen && (first.req.PaymentID != req.PaymentID || first.req.Amount != req.Amount) {
		if code != engine.CodeRepeatInconsistent {
			rt.Fatalf("refund %s with different content: got %v, want repeat inconsistent", k, err)
		}
		return
	}
	switch code {
	case engine.CodeNone, engine.CodeOrderStatusInvalid, engine.CodeCurrencyNotSupported, engine.CodeRefundAmountExceed,
		engine.CodeRefundWindowExceed, engine.CodeUserNotExist, engine.CodeProcessFail:
	default:
		rt.Fatalf("refund %s: unexpected error %v", k, err)
	}
	if code != engine.CodeNone && r.State != engine.RefundFail {
		rt.Fatalf("refund %s refused (%v) but answered %s", k, err, r.State)
	}
	if !seen {
		w.refunds[k] = &sentRefund{req: req, refundID: r.ID}
	} else if first.refundID != r.ID {
		rt.Fatalf("refund %s: repeat created a second refund %s (first %s)", k, r.ID, first.refundID)
	}
}

// drawCapture draws a capture of a payment the engine created, mostly an
// authorization's.
func (w *world) drawCapture(rt *rapid.T) engine.CaptureRequest {
	var auths []string
	for _, id := range w.payments {
		if w.record(rt, id).Authorization {
			auths = append(auths, id)
		}
	}
	id := ""
	if len(auths) > 0 && rapid.IntRange(0, 5).Draw(rt, "captureOther") > 0 {
		id = rapid.SampledFrom(auths).Draw(rt, "authorization")
	} else {
		id = w.pickPayment(rt)
	}
	p := w.record(rt, id)
	left := p.Amount - p.CapturedAmount - p.CapturingAmount
	if left <= 0 {
		left = 1
	}
	return engine.CaptureRequest{
		PartnerID: p.PartnerID,
		RequestID: fmt.Sprintf("capture-%d", rapid.IntRange(0, 8).Draw(rt, "captureRequest")),
		PaymentID: id,
		Amount: engine.Money{
			Currency: rapid.SampledFrom([]string{p.Currency, p.Currency, p.Currency, "JPY", "USD"}).Draw(rt, "captureCurrency"),
			Minor:    rapid.SampledFrom([]int64{1, 50, 99, left, left, left + 1, p.Amount}).Draw(rt, "captureAmount"),
		},
		Last: rapid.IntRange(0, 2).Draw(rt, "lastCapture") == 0,
	}
}

func (w *world) capture(rt *rapid.T) {
	req := w.drawCapture(rt)
	w.drawFault(rt)
	before := w.record(rt, req.PaymentID)
	c, err := w.eng.Capture(w.ctx, req)
	w.checkCaptureAnswer(rt, req, before, c, err)
}

// twinCapture sends the same capture from two goroutines at once.
func (w *world) twinCapture(rt *rapid.T) {
	req := w.drawCapture(rt)
	before := w.record(rt, req.PaymentID)
	var wg sync.WaitGroup
	var cs [2]engine.Capture
	var errs [2]error
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cs[i], errs[i] = w.eng.Capture(w.ctx, req)
		}()
	}
	wg.Wait()
	for i := range 2 {
		w.checkCaptureAnswer(rt, req, before, cs[i], errs[i])
	}
	if cs[0].ID != "" && cs[1].ID != "" && cs[0].ID != cs[1].ID {
		rt.Fatalf("twin captures made two captures %s and %s", cs[0].ID, cs[1].ID)
	}
}

// checkCaptureAnswer holds a capture's answer against idempotency (rule
// 1) and the capture rules (rule 6).
func (w *world) checkCaptureAnswer(rt *rapid.T, req engine.CaptureRequest, before store.Payment, c engine.Capture, err error) {
	code := engine.ErrorCode(err)
	k := key(req.PartnerID, req.RequestID)
	first, seen := w.captures[k]
	if seen && (first.req.PaymentID != req.PaymentID || first.req.Amount != req.Amount || first.req.Last != req.Last) {
		if code != engine.CodeRepeatInconsistent {
			rt.Fatalf("capture %s with different content: got %v, want repeat inconsistent", k, err)
		}
		return
	}
	switch code {
	case engine.CodeCaptureInProcess, engine.CodePartnerStatusAbnormal:
		if c.ID != "" {
			rt.Fatalf("capture %s: %v but answered capture %s", k, err, c.ID)
		}
		return // nothing stored: the request id stays free
	case engine.CodeOrderStatusInvalid:
		if c.ID == "" {
			if before.CaptureCount < maxCaptures {
				rt.Fatalf("capture %s refused unstored with %d captures", k, before.CaptureCount)
			}
			return
		}
	case engine.CodeNone, engine.CodeCaptureAmountExceed, engine.CodeAuthCancelled, engine.CodeAuthExpired,
		engine.CodeNotAuthorization, engine.CodeCurrencyNotSupported, engine.CodeProcessFail:
	default:
		rt.Fatalf("capture %s of a %s payment: unexpected error %v", k, before.Status, err)
	}
	if c.ID == "" {
		rt.Fatalf("capture %s answered %v without a capture", k, err)
	}
	if code != engine.CodeNone && c.State != engine.CaptureFail {
		rt.Fatalf("capture %s refused (%v) but answered %s", k, err, c.State)
	}
	if !before.Authorization && code != engine.CodeNotAuthorization && !seen {
		rt.Fatalf("capture %s of a payment that is no authorization: %v", k, err)
	}
	if !seen {
		w.captures[k] = &sentCapture{req: req, captureID: c.ID}
	} else if first.captureID != c.ID {
		rt.Fatalf("capture %s: repeat made a second capture %s (first %s)", k, c.ID, first.captureID)
	}
}

func (w *world) inquire(rt *rapid.T) {
	id := w.pickPayment(rt)
	rec := w.record(rt, id)
	p, err := w.eng.InquirePayment(w.ctx, engine.PaymentRef{PartnerID: rec.PartnerID, RequestID: rec.RequestID})
	noErr(rt, err)
	if p.ID != id || p.State.String() != rec.Status || p.Version != rec.Version {
		rt.Fatalf("inquiry by request id answered %s %s v%d, stored %s %s v%d", p.ID, p.State, p.Version, id, rec.Status, rec.Version)
	}
	if _, err := w.eng.InquirePayment(w.ctx, engine.PaymentRef{PartnerID: otherPartner(rec.PartnerID), PaymentID: id}); engine.ErrorCode(err) != engine.CodePaymentNotFound {
		rt.Fatalf("inquiry by a foreign partner: got %v, want not found", err)
	}
}

func (w *world) record(rt *rapid.T, id string) store.Payment {
	snap, err := w.st.GetPayment(w.ctx, id)
	noErr(rt, err)
	return snap.Payment
}

// checkInvariants holds every stored payment against the rules of
// invariants.go, final states that stay final, and the users' balances
// against what the engine's records say the ledger moved.
func (w *world) checkInvariants(rt *rapid.T) {
	w.days[w.clock.Now().UTC().Format("2006-01-02")] = true
	w.checkUsage(rt)
	net := map[string]int64{} // user -> net minor units debited (USD)
	for _, id := range w.payments {
		if err := CheckPayment(w.ctx, w.st, id); err != nil {
			rt.Fatal(err)
		}
		snap, err := w.st.GetPayment(w.ctx, id)
		noErr(rt, err)
		p := snap.Payment

		// Rule 3: nothing leaves FAIL or CLOSED.
		if prev, final := w.finals[id]; final {
			if p.Status != prev.Status || p.RefundedAmount != prev.RefundedAmount || p.FailReason != prev.FailReason {
				rt.Fatalf("final payment %s changed: %s/%d -> %s/%d", id, prev.Status, prev.RefundedAmount, p.Status, p.RefundedAmount)
			}
		} else if p.Status == "FAIL" || p.Status == "CLOSED" {
			w.finals[id] = p
		}

		// Money moved by the ledger for this payment agrees with its state.
		if err := CheckFunds(snap, w.ledger); err != nil {
			rt.Fatal(err)
		}
		if user, moved := Moved(snap, w.ledger); p.Currency == "USD" {
			net[user] += moved
		}
	}
	for _, u := range users {
		if got, want := w.ledger.Balance(u, "USD"), w.initial[u]-net[u]; got != want {
			rt.Fatalf("user %s has %d USD, engine records say %d", u, got, want)
		}
	}
}
