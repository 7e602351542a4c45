package alipayplus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
)

// TestOpenAPIAnswers drives the real handler (engine on memstore and
// memfunds) through the scenarios of every endpoint in every profile, the
// transport's rejections and the seeds' samples, and checks every exchange
// against docs/openapi.json (see oaHarness). When every group ran, it also
// checks that every documented HTTP status of every path and every
// documented result code of every endpoint was seen.
func TestOpenAPIAnswers(t *testing.T) {
	cover := newOACoverage()
	t.Run("scenarios", func(t *testing.T) {
		cover.ran("scenarios")
		for _, p := range []oaProfileCase{oaMini, oaEN, oaAntom, oaAntomOnV1} {
			t.Run(p.String(), func(t *testing.T) {
				t.Parallel()
				oaScenarios(t, p, cover)
			})
		}
	})
	t.Run("transport", func(t *testing.T) {
		cover.ran("transport")
		oaTransportScenarios(t, cover)
	})
	t.Run("seeds", func(t *testing.T) {
		cover.ran("seeds")
		oaSeedScenarios(t, cover)
	})
	t.Run("goldens", func(t *testing.T) {
		cover.ran("goldens")
		oaGoldens(t)
	})

	for _, g := range []string{"scenarios", "transport", "seeds", "goldens"} {
		if !cover.groups[g] {
			t.Logf("group %s did not run: coverage not checked", g)
			return
		}
	}
	d := loadOpenAPI(t)
	for _, p := range servedPaths() {
		op, _, _ := d.operation(p)
		for _, status := range documentedStatuses(t, op) {
			if !cover.statuses[p][status] {
				t.Errorf("%s: documented HTTP %d never answered by the scenarios", p, status)
			}
		}
	}
	// Codes the handler's mapping keeps for safety but no scenario can
	// reach through the engine (codes.go narrows unexpected engine codes to
	// them).
	unreachable := map[string]map[string]bool{
		"pay":            {wire.CodeOrderStatusInvalid: true},
		"inquiryPayment": {wire.CodeProcessFail: true},
		"cancel":         {wire.CodeProcessFail: true},
		"inquiryRefund":  {wire.CodeProcessFail: true},
	}
	for _, e := range endpoints {
		name := e.name
		var missing []string
		for code := range allowedCodes[e.codes] {
			if !cover.codes[name][code] && !unreachable[name][code] {
				missing = append(missing, code)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s: documented result codes never answered by the scenarios: %v", name, missing)
		}
	}
}

// oaScenarios walks one profile through every endpoint: the answers of
// waiting, paid, refunded, cancelled, expired and failed payments, in-flight
// debits, credits and reversals, refusals, and internal errors.
func oaScenarios(t *testing.T, p oaProfileCase, cover *oaCoverage) {
	ctx := context.Background()
	rules := &engine.StaticLimits{Partners: map[string]engine.PartnerRules{}, Users: map[string]engine.UserRules{}}
	o := newOAHarness(t, epOptions{engine: func(c *engine.Config) {
		c.Currencies = []string{"USD", "CLP", "JPY"}
		c.MaxAmount = 100_000_000
		c.Limits = rules
	}}, cover)
	f := o.f
	s := &oaSession{t: t, o: o, p: p}
	f.ledger.SetBalance("alice", "USD", 1_000_000_00)
	hold := func(string, engine.FundsRequest) memfunds.Fault { return memfunds.HoldAsUnknown }
	lose := func(string, engine.FundsRequest) memfunds.Fault { return memfunds.LostRequest }
	waiting := [2]string{wire.StatusSuccess, wire.CodeSuccess}
	if p.prof == ProfileMiniProgramV1 {
		waiting = [2]string{wire.StatusAccepted, wire.CodeAccept}
	}
	query := func(m map[string]any) map[string]any { return p.withPartner(m) }
	refund := func(requestID, paymentID, value string) map[string]any {
		return p.withPartner(map[string]any{"refundRequestId": requestID, "paymentId": paymentID, "refundAmount": oaAmount("USD", value)})
	}
	confirm := func(paymentID string) {
		t.Helper()
		if _, err := f.eng.Confirm(ctx, paymentID, "alice"); err != nil {
			t.Fatalf("confirm %s: %v", paymentID, err)
		}
	}
	paid := func(requestID string) string {
		t.Helper()
		id := s.want("pay", p.pay(requestID, "1000"), waiting[0], waiting[1]).str("paymentId")
		confirm(id)
		return id
	}
	status := func(a oaAnswer, member, want string) {
		t.Helper()
		s.wantField(a, member, want)
	}

	// A payment waiting for the user: its repeats and its inquiry.
	pid := s.want("pay", p.pay("o-1", "1050"), waiting[0], waiting[1]).str("paymentId")
	s.want("pay", p.pay("o-1", "1050"), waiting[0], waiting[1])
	s.want("pay", p.pay("o-1", "1051"), wire.StatusFail, wire.CodeRepeatReqInconsistent)
	status(s.want("inquiryPayment", query(map[string]any{"paymentRequestId": "o-1"}), wire.StatusSuccess, wire.CodeSuccess), "paymentStatus", wire.PaymentStatusProcessing)
	s.want("refund", refund("r-unpaid", pid, "1"), wire.StatusFail, wire.CodeOrderStatusInvalid)

	// The user pays.
	f.clock.Advance(time.Minute)
	confirm(pid)
	s.want("pay", p.pay("o-1", "1050"), wire.StatusSuccess, wire.CodeSuccess)
	status(s.want("inquiryPayment", query(map[string]any{"paymentId": pid}), wire.StatusSuccess, wire.CodeSuccess), "paymentStatus", wire.PaymentStatusSuccess)

	// Refunds and their inquiries.
	f.clock.Advance(time.Hour)
	r1 := s.want("refund", refund("r-1", pid, "50"), wire.StatusSuccess, wire.CodeSuccess)
	s.want("refund", refund("r-1", pid, "50"), wire.StatusSuccess, wire.CodeSuccess)
	s.want("refund", refund("r-1", pid, "51"), wire.StatusFail, wire.CodeRepeatReqInconsistent)
	s.want("refund", refund("r-2", pid, "1001"), wire.StatusFail, wire.CodeRefundAmountExceed)
	other := refund("r-3", pid, "1")
	other["refundAmount"] = oaAmount("CLP", "1")
	s.want("refund", other, wire.StatusFail, wire.CodeCurrencyNotSupport)
	s.want("refund", refund("r-4", "no-such-payment", "1"), wire.StatusFail, wire.CodeOrderNotExist)
	byRequest := p.withPartner(map[string]any{"refundRequestId": "r-5", "paymentRequestId": "o-1", "refundAmount": oaAmount("USD", "20"), "refundReason": "one item returned"})
	s.want("refund", byRequest, wire.StatusSuccess, wire.CodeSuccess)
	status(s.want("inquiryRefund", query(map[string]any{"refundRequestId": "r-1"}), wire.StatusSuccess, wire.CodeSuccess), "refundStatus", wire.RefundStatusSuccess)
	status(s.want("inquiryRefund", query(map[string]any{"refundId": r1.str("refundId")}), wire.StatusSuccess, wire.CodeSuccess), "refundStatus", wire.RefundStatusSuccess)
	status(s.want("inquiryRefund", query(map[string]any{"refundRequestId": "r-5"}), wire.StatusSuccess, wire.CodeSuccess), "refundStatus", wire.RefundStatusSuccess)
	status(s.want("inquiryRefund", query(map[string]any{"refundRequestId": "r-2"}), wire.StatusSuccess, wire.CodeSuccess), "refundStatus", wire.RefundStatusFail)
	s.want("inquiryRefund", query(map[string]any{"refundRequestId": "nothing"}), wire.StatusFail, wire.CodeRefundNotExist)
	s.want("cancel", query(map[string]any{"paymentId": pid}), wire.StatusFail, wire.CodeOrderStatusInvalid)

	// Cancel a waiting payment, twice, then reuse its request id.
	s.want("pay", p.pay("o-2", "300"), waiting[0], waiting[1])
	s.want("cancel", query(map[string]any{"paymentRequestId": "o-2"}), wire.StatusSuccess, wire.CodeSuccess)
	s.want("cancel", query(map[string]any{"paymentRequestId": "o-2"}), wire.StatusSuccess, wire.CodeSuccess)
	status(s.want("inquiryPayment", query(map[string]any{"paymentRequestId": "o-2"}), wire.StatusSuccess, wire.CodeSuccess), "paymentStatus", wire.PaymentStatusCancelled)
	s.want("pay", p.pay("o-2", "300"), wire.StatusFail, wire.CodeOrderIsClosed)

	// Cancel a paid payment: the money goes back.
	id3 := paid("o-3")
	s.want("cancel", query(map[string]any{"paymentId": id3}), wire.StatusSuccess, wire.CodeSuccess)
	status(s.want("inquiryPayment", query(map[string]any{"paymentId": id3}), wire.StatusSuccess, wire.CodeSuccess), "paymentStatus", wire.PaymentStatusCancelled)
	// A repeat of it keeps the final answer it got (S), or, in Antom's
	// words, names the cancel.
	if p.prof == ProfileAntom {
		s.want("pay", p.pay("o-3", "1000"), wire.StatusFail, wire.CodeOrderIsCanceled)
	} else {
		s.want("pay", p.pay("o-3", "1000"), wire.StatusSuccess, wire.CodeSuccess)
	}

	// Nothing there.
	s.want("inquiryPayment", query(map[string]any{"paymentRequestId": "nothing"}), wire.StatusFail, wire.CodeOrderNotExist)
	s.want("cancel", query(map[string]any{"paymentId": "nothing"}), wire.StatusFail, wire.CodeOrderNotExist)

	// The wallet's limits.
	eur := p.pay("o-eur", "100")
	eur["paymentAmount"] = oaAmount("EUR", "100")
	s.want("pay", eur, wire.StatusFail, wire.CodeCurrencyNotSupport)
	s.want("pay", p.pay("o-big", "100000001"), wire.StatusFail, wire.CodePaymentAmountExceedLimit)

	// Payments that failed are answered with their reason.
	for i, reason := range []engine.Code{
		engine.CodeBalanceNotEnough, engine.CodeUserNotExist, engine.CodeUserStatusAbnormal,
		engine.CodeInvalidAccessToken, engine.CodeExpiredAccessToken, engine.CodeInvalidCode,
		engine.CodeAuthCodeAlreadyUsed, engine.CodeUserAmountLimit, engine.CodePaymentAmountLimit,
		engine.CodeRiskReject, engine.CodeProcessFail,
	} {
		id := fmt.Sprintf("o-fail-%d", i)
		pidF := s.want("pay", p.pay(id, "100"), waiting[0], waiting[1]).str("paymentId")
		if _, err := f.eng.Fail(ctx, pidF, reason, ""); err != nil {
			t.Fatal(err)
		}
		s.want("pay", p.pay(id, "100"), wire.StatusFail, engineResults[reason].code)
		status(s.want("inquiryPayment", query(map[string]any{"paymentId": pidF}), wire.StatusSuccess, wire.CodeSuccess), "paymentStatus", wire.PaymentStatusFail)
		s.want("cancel", query(map[string]any{"paymentId": pidF}), wire.StatusSuccess, wire.CodeSuccess)
	}

	// A debit in flight.
	id4 := s.want("pay", p.pay("o-4", "100"), waiting[0], waiting[1]).str("paymentId")
	f.ledger.Inject = hold
	confirm(id4)
	status(s.want("inquiryPayment", query(map[string]any{"paymentId": id4}), wire.StatusSuccess, wire.CodeSuccess), "paymentStatus", wire.PaymentStatusProcessing)
	s.want("cancel", query(map[string]any{"paymentId": id4}), wire.StatusUnknown, wire.CodePaymentInProcess)
	s.want("pay", p.pay("o-4", "100"), wire.StatusUnknown, wire.CodePaymentInProcess)
	f.ledger.Inject = nil

	// A credit in flight.
	id5 := paid("o-5")
	f.ledger.Inject = hold
	s.want("refund", refund("r-held", id5, "100"), wire.StatusUnknown, wire.CodeRefundInProcess)
	s.want("refund", refund("r-held", id5, "100"), wire.StatusUnknown, wire.CodeRefundInProcess)
	status(s.want("inquiryRefund", query(map[string]any{"refundRequestId": "r-held"}), wire.StatusSuccess, wire.CodeSuccess), "refundStatus", wire.RefundStatusProcessing)
	s.want("cancel", query(map[string]any{"paymentId": id5}), wire.StatusFail, wire.CodeOrderStatusInvalid)
	f.ledger.Inject = nil

	// A reversal in flight.
	id6 := paid("o-6")
	f.ledger.Inject = hold
	s.want("cancel", query(map[string]any{"paymentId": id6}), wire.StatusUnknown, wire.CodePaymentInProcess)
	f.ledger.Inject = nil

	// A credit the ledger never got: the reconciler fails the refund.
	id7 := paid("o-7")
	f.ledger.Inject = lose
	s.want("refund", refund("r-lost", id7, "100"), wire.StatusUnknown, wire.CodeRefundInProcess)
	f.ledger.Inject = nil
	f.clock.Advance(time.Hour)
	if _, err := f.eng.Reconcile(ctx, 100); err != nil {
		t.Fatal(err)
	}
	s.want("refund", refund("r-lost", id7, "100"), wire.StatusFail, wire.CodeProcessFail)
	status(s.want("inquiryRefund", query(map[string]any{"refundRequestId": "r-lost"}), wire.StatusSuccess, wire.CodeSuccess), "refundStatus", wire.RefundStatusFail)

	// Expiry.
	exp := p.pay("o-8", "100")
	exp["paymentExpiryTime"] = wire.FormatTime(f.clock.Now().Add(time.Minute))
	id8 := s.want("pay", exp, waiting[0], waiting[1]).str("paymentId")
	f.clock.Advance(2 * time.Minute)
	if _, err := f.eng.ExpireDue(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	a := s.want("inquiryPayment", query(map[string]any{"paymentId": id8}), wire.StatusSuccess, wire.CodeSuccess)
	status(a, "paymentStatus", wire.PaymentStatusFail)
	s.want("cancel", query(map[string]any{"paymentId": id8}), wire.StatusSuccess, wire.CodeSuccess)
	s.want("pay", exp, wire.StatusFail, wire.CodeOrderIsClosed)

	// Synchronous scenarios: agreement pay (mini-program, v1-en), payment
	// code, order code and evaluation (mini-program).
	f.ledger.SetBalance("bob", "USD", 10_000)
	f.ledger.SetBalance("poor", "USD", 1)
	f.ledger.AddAccessToken("token-bob", "bob")
	f.ledger.AddAccessToken("token-poor", "poor")
	f.ledger.AddPaymentCode("code-bob", "bob")
	agreement := func(requestID, token string) map[string]any {
		m := p.pay(requestID, "100")
		m["paymentAuthCode"] = token
		if p.prof == ProfileMiniProgramV1 {
			m["paymentFactor"] = map[string]any{"isAgreementPay": true}
		}
		return m
	}
	factor := func(requestID, code string, flags map[string]any) map[string]any {
		m := p.pay(requestID, "100")
		if code != "" {
			m["paymentAuthCode"] = code
		}
		m["paymentFactor"] = flags
		return m
	}
	if p.prof != ProfileAntom {
		a := s.want("pay", agreement("o-9", "token-bob"), wire.StatusSuccess, wire.CodeSuccess)
		if a.str("paymentTime") == "" {
			t.Errorf("agreement payment answered without paymentTime: %s", a.body)
		}
		s.want("pay", agreement("o-10", "token-nobody"), wire.StatusFail, wire.CodeInvalidAccessToken)
		s.want("pay", agreement("o-11", "token-poor"), wire.StatusFail, wire.CodeUserBalanceNotEnough)
		f.ledger.Inject = hold
		s.want("pay", agreement("o-12", "token-bob"), wire.StatusUnknown, wire.CodePaymentInProcess)
		f.ledger.Inject = nil
		s.want("pay", factor("o-13", "code-bob", map[string]any{"isPaymentCode": "true"}), wire.StatusSuccess, wire.CodeSuccess)
		s.want("pay", factor("o-14", "code-bob", map[string]any{"isPaymentCode": true}), wire.StatusFail, wire.CodeAuthCodeAlreadyUsed)
		s.want("pay", factor("o-15", "code-nobody", map[string]any{"isPaymentCode": true}), wire.StatusFail, wire.CodeInvalidCode)
		s.want("pay", factor("o-16", "", map[string]any{"isOrderCode": true}), waiting[0], waiting[1])
		s.want("pay", factor("o-17", "token-bob", map[string]any{"isAgreementPay": "true", "isPaymentEvaluation": "true"}), wire.StatusSuccess, wire.CodeSuccess)
		s.want("pay", factor("o-18", "token-poor", map[string]any{"isAgreementPay": true, "isPaymentEvaluation": true}), wire.StatusFail, wire.CodeUserBalanceNotEnough)
	}

	// Authorizations and their captures (Antom's capture, in every
	// profile).
	authorized := func(requestID, value string) string {
		t.Helper()
		id := s.want("pay", p.authorize(requestID, value, false), waiting[0], waiting[1]).str("paymentId")
		confirm(id)
		return id
	}
	capture := p.capture
	a1 := authorized("a-1", "1000")
	if a := s.want("pay", p.authorize("a-1", "1000", false), wire.StatusSuccess, wire.CodeSuccess); a.str("authExpiryTime") == "" {
		t.Errorf("authorized repeat without authExpiryTime: %s", a.body)
	}
	if a := s.want("inquiryPayment", query(map[string]any{"paymentId": a1}), wire.StatusSuccess, wire.CodeSuccess); a.str("authExpiryTime") == "" || a.str("paymentStatus") != wire.PaymentStatusSuccess {
		t.Errorf("inquiry of an authorization: %s", a.body)
	}
	s.want("capture", capture("c-1", a1, "600", false), wire.StatusSuccess, wire.CodeSuccess)
	s.want("capture", capture("c-1", a1, "600", false), wire.StatusSuccess, wire.CodeSuccess)
	s.want("capture", capture("c-1", a1, "601", false), wire.StatusFail, wire.CodeRepeatReqInconsistent)
	s.want("capture", capture("c-2", a1, "401", false), wire.StatusFail, wire.CodeCaptureAmountExceedAuthLimit)
	clp := capture("c-3", a1, "1", false)
	clp["captureAmount"] = oaAmount("CLP", "1")
	s.want("capture", clp, wire.StatusFail, wire.CodeCurrencyNotSupport)
	s.want("capture", capture("c-4", "no-such-payment", "1", false), wire.StatusFail, wire.CodeAuthNotFound)
	s.want("capture", capture("c-5", pid, "1", false), wire.StatusFail, wire.CodeAuthNotFound)
	f.ledger.Inject = hold
	s.want("capture", capture("c-6", a1, "100", false), wire.StatusUnknown, wire.CodeCaptureInProcess)
	s.want("capture", capture("c-6", a1, "100", false), wire.StatusUnknown, wire.CodeCaptureInProcess)
	s.want("capture", capture("c-7", a1, "300", true), wire.StatusUnknown, wire.CodeCaptureInProcess) // the last waits
	s.want("cancel", query(map[string]any{"paymentId": a1}), wire.StatusUnknown, wire.CodePaymentInProcess)
	s.want("inquiryPayment", query(map[string]any{"paymentId": a1}), wire.StatusSuccess, wire.CodeSuccess)
	f.ledger.Inject = nil
	f.clock.Advance(time.Hour)
	if _, err := f.eng.Reconcile(ctx, 100); err != nil { // the ledger never got c-6: it fails
		t.Fatal(err)
	}
	s.want("capture", capture("c-6", a1, "100", false), wire.StatusFail, wire.CodeProcessFail)
	s.want("capture", capture("c-7", a1, "400", true), wire.StatusSuccess, wire.CodeSuccess)
	s.want("capture", capture("c-8", a1, "1", false), wire.StatusFail, wire.CodeOrderStatusInvalid)
	s.want("inquiryPayment", query(map[string]any{"paymentRequestId": "a-1"}), wire.StatusSuccess, wire.CodeSuccess)
	s.want("refund", refund("r-a1", a1, "100"), wire.StatusSuccess, wire.CodeSuccess)
	// Voided: partly captured, then nothing captured.
	a2 := authorized("a-2", "1000")
	s.want("capture", capture("c-9", a2, "300", false), wire.StatusSuccess, wire.CodeSuccess)
	s.want("cancel", query(map[string]any{"paymentId": a2}), wire.StatusSuccess, wire.CodeSuccess)
	s.want("capture", capture("c-10", a2, "1", false), wire.StatusFail, wire.CodeAuthCancelled)
	status(s.want("inquiryPayment", query(map[string]any{"paymentId": a2}), wire.StatusSuccess, wire.CodeSuccess), "paymentStatus", wire.PaymentStatusSuccess)
	a3 := authorized("a-3", "500")
	s.want("cancel", query(map[string]any{"paymentId": a3}), wire.StatusSuccess, wire.CodeSuccess)
	s.want("capture", capture("c-11", a3, "1", false), wire.StatusFail, wire.CodeAuthCancelled)
	status(s.want("inquiryPayment", query(map[string]any{"paymentId": a3}), wire.StatusSuccess, wire.CodeSuccess), "paymentStatus", wire.PaymentStatusCancelled)
	if p.prof == ProfileAntom {
		s.want("pay", p.authorize("a-3", "500", false), wire.StatusFail, wire.CodeOrderIsCanceled)
	} else {
		s.want("pay", p.authorize("a-3", "500", false), wire.StatusSuccess, wire.CodeSuccess)
	}
	// Not authorized yet: waiting for the user, or its hold in flight.
	a4 := s.want("pay", p.authorize("a-4", "500", false), waiting[0], waiting[1]).str("paymentId")
	s.want("capture", capture("c-12", a4, "1", false), wire.StatusFail, wire.CodeAuthNotFound)
	a5 := s.want("pay", p.authorize("a-5", "500", false), waiting[0], waiting[1]).str("paymentId")
	f.ledger.Inject = hold
	confirm(a5)
	s.want("capture", capture("c-13", a5, "1", false), wire.StatusUnknown, wire.CodeCaptureInProcess)
	s.want("pay", p.authorize("a-5", "500", false), wire.StatusUnknown, wire.CodePaymentInProcess)
	f.ledger.Inject = nil
	if p.prof == ProfileAntom { // captureMode AUTOMATIC
		auto := s.want("pay", p.authorize("a-auto", "500", true), waiting[0], waiting[1]).str("paymentId")
		confirm(auto)
		s.want("inquiryPayment", query(map[string]any{"paymentId": auto}), wire.StatusSuccess, wire.CodeSuccess)
		s.want("capture", capture("c-14", auto, "1", false), wire.StatusFail, wire.CodeOrderStatusInvalid)
	}
	if p.prof != ProfileAntom { // agreement and payment code authorize at once
		ag := agreement("a-6", "token-bob")
		ag["paymentFactor"] = map[string]any{"isAgreementPay": true, "isAuthorizationPayment": true}
		a := s.want("pay", ag, wire.StatusSuccess, wire.CodeSuccess)
		if a.str("authExpiryTime") == "" || a.str("paymentTime") == "" {
			t.Errorf("agreement authorization answered without authExpiryTime or paymentTime: %s", a.body)
		}
		s.want("capture", capture("c-15", a.str("paymentId"), "100", true), wire.StatusSuccess, wire.CodeSuccess)
	}
	aSuspended := authorized("a-7", "500")

	// The wallet's rules (engine.Limits): a frozen user, a user's daily
	// count and sum (agreement pays), a partner's cap and suspension in
	// its profile's words (docs/result-codes.md).
	if p.prof != ProfileAntom {
		rules.Users["bob"] = engine.UserRules{Frozen: true}
		s.want("pay", agreement("o-frozen", "token-bob"), wire.StatusFail, wire.CodeUserStatusAbnormal)
		rules.Users["bob"] = engine.UserRules{DailyCount: 1}
		s.want("pay", agreement("o-count", "token-bob"), wire.StatusFail, wire.CodePaymentCountExceedLimit)
		rules.Users["bob"] = engine.UserRules{Daily: map[string]int64{"USD": 1}}
		s.want("pay", agreement("o-daily", "token-bob"), wire.StatusFail, wire.CodeUserAmountExceedLimit)
		delete(rules.Users, "bob")
	}
	rules.Partners[p.partner] = engine.PartnerRules{PerPayment: map[string]int64{"USD": 99}}
	s.want("pay", p.pay("o-cap", "100"), wire.StatusFail, wire.CodePaymentAmountExceedLimit)
	rules.Partners[p.partner] = engine.PartnerRules{Suspended: true}
	suspended := map[Profile][2]string{
		ProfileMiniProgramV1: {wire.CodePartnerStatusAbnormal, wire.CodePartnerStatusAbnormal},
		ProfileV1EN:          {wire.CodeInvalidClientStatus, wire.CodeInvalidClientStatus},
		ProfileAntom:         {wire.CodePaymentNotQualified, wire.CodeProcessFail},
	}[p.prof]
	s.want("pay", p.pay("o-suspended", "100"), wire.StatusFail, suspended[0])
	s.want("refund", refund("r-suspended", pid, "1"), wire.StatusFail, suspended[1])
	s.want("capture", capture("c-suspended", aSuspended, "1", false), wire.StatusFail, suspended[1])
	s.want("pay", p.pay("o-1", "1050"), wire.StatusSuccess, wire.CodeSuccess) // a repeat still answers
	s.want("inquiryPayment", query(map[string]any{"paymentId": pid}), wire.StatusSuccess, wire.CodeSuccess)
	delete(rules.Partners, p.partner)

	// Refusals before the engine: ACCESS_DENIED and PARAM_ILLEGAL on
	// every endpoint.
	foreign := miniPartner
	if p.prof == ProfileMiniProgramV1 {
		foreign = mini2Partner
	}
	for _, ep := range []string{"pay", "inquiryPayment", "cancel", "refund", "inquiryRefund", "capture"} {
		s.want(ep, map[string]any{"partnerId": foreign, "paymentRequestId": "o-1"}, wire.StatusFail, wire.CodeAccessDenied)
		s.want(ep, p.withPartner(map[string]any{}), wire.StatusFail, wire.CodeParamIllegal)
		s.want(ep, []byte(`{"partnerId": 12}`), wire.StatusFail, wire.CodeParamIllegal)
		unparsed := wire.CodeParamIllegal // a body that is not one JSON object
		if p.prof == ProfileV1EN {
			unparsed = wire.CodeMsgParseError // seed 001's name
		}
		s.want(ep, []byte(`[]`), wire.StatusFail, unparsed)
		s.want(ep, []byte(``), wire.StatusFail, unparsed)
	}
	bad := p.pay("o-bad", "1.5")
	s.want("pay", bad, wire.StatusFail, wire.CodeParamIllegal)
	s.want("refund", refund("r-bad", pid, "-1"), wire.StatusFail, wire.CodeParamIllegal)

	// Internal errors.
	f.store.setFail(true)
	s.want("pay", p.pay("o-internal", "100"), wire.StatusUnknown, wire.CodeUnknownException)
	s.want("inquiryPayment", query(map[string]any{"paymentId": pid}), wire.StatusUnknown, wire.CodeUnknownException)
	s.want("cancel", query(map[string]any{"paymentId": pid}), wire.StatusUnknown, wire.CodeUnknownException)
	s.want("refund", refund("r-internal", pid, "1"), wire.StatusUnknown, wire.CodeUnknownException)
	s.want("capture", capture("c-internal", aSuspended, "1", false), wire.StatusUnknown, wire.CodeUnknownException)
	f.store.setFail(false)

	// An authorization past its authExpiryTime (default 7 days).
	a8 := authorized("a-8", "500")
	f.clock.Advance(engine.DefaultAuthExpiry + time.Minute)
	s.want("capture", capture("c-16", a8, "1", false), wire.StatusFail, wire.CodeAuthExpired)
	status(s.want("inquiryPayment", query(map[string]any{"paymentId": a8}), wire.StatusSuccess, wire.CodeSuccess), "paymentStatus", wire.PaymentStatusFail)
	s.want("pay", p.authorize("a-8", "500", false), wire.StatusFail, wire.CodeOrderIsClosed)

	// Windows, last: the clock moves far.
	id19 := paid("o-19")
	f.clock.Advance(25 * time.Hour)
	s.want("cancel", query(map[string]any{"paymentId": id19}), wire.StatusFail, wire.CodeCancelWindowExceed)
	f.clock.Advance(366 * 24 * time.Hour)
	s.want("refund", refund("r-late", id19, "1"), wire.StatusFail, wire.CodeRefundWindowExceed)
}

// oaErrReader fails every read.
type oaErrReader struct{}

func (oaErrReader) Read([]byte) (int, error) { return 0, errors.New("openapi test: connection reset") }

// oaTransportScenarios sends every transport rejection to every documented
// path, and requests to paths the document does not list.
func oaTransportScenarios(t *testing.T, cover *oaCoverage) {
	o := newOAHarness(t, epOptions{}, cover)
	f := o.f
	failing := o.brokenHandler(t, oaStoreFails)
	panicking := o.brokenHandler(t, oaStorePanics)
	busy := o.busyHandler(t)
	limited := rateLimitedCopy(t, f.h)
	str := func(s string) *string { return &s }
	now := func() time.Time { return f.clock.Now() }

	for _, path := range servedPaths() {
		name, antomPath := endpointName(path)
		p := oaMini
		if antomPath {
			p = oaAntom
		}
		// A body the endpoint accepts, so that only the transport decides.
		var valid map[string]any
		switch name {
		case "pay":
			valid = p.pay("t-1", "100")
		case "refund":
			valid = p.withPartner(map[string]any{"refundRequestId": "t-r", "paymentId": "t-p", "refundAmount": oaAmount("USD", "1")})
		case "inquiryRefund":
			valid = p.withPartner(map[string]any{"refundRequestId": "t-r"})
		case "capture":
			valid = p.capture("t-c", "t-p", "1", false)
		default:
			valid = p.withPartner(map[string]any{"paymentRequestId": "t-1"})
		}
		body := mustMarshal(t, valid)
		invalidClient := wire.CodeInvalidClient // Antom's name under /ams/api
		if antomPath {
			invalidClient = wire.CodeClientInvalid
		}
		big := append([]byte(`{"extendInfo":"`), bytes.Repeat([]byte("x"), DefaultMaxBodyBytes)...)
		big = append(big, `"}`...)
		tests := []struct {
			name   string
			call   oaCall
			status int
			code   string
		}{
			{"accepted", oaCall{}, 200, ""},
			{"Request-Time in epoch milliseconds", oaCall{reqTime: strconv.FormatInt(now().UnixMilli(), 10)}, 200, ""},
			{"Request-Time with an offset", oaCall{reqTime: now().In(time.FixedZone("", 19800)).Format("2006-01-02T15:04:05.000-07:00")}, 200, ""},
			{"no Content-Type", oaCall{contentType: str("")}, 200, ""},
			{"no Client-Id", oaCall{tamper: func(r *http.Request) { r.Header.Del("Client-Id") }}, 401, invalidClient},
			{"unknown Client-Id", oaCall{tamper: func(r *http.Request) { r.Header.Set("Client-Id", "nobody") }}, 401, invalidClient},
			{"Client-Id twice", oaCall{tamper: func(r *http.Request) { r.Header.Add("Client-Id", "nobody") }}, 401, invalidClient},
			{"no Request-Time", oaCall{tamper: func(r *http.Request) { r.Header.Del("Request-Time") }}, 401, wire.CodeInvalidSignature},
			{"malformed Request-Time", oaCall{reqTime: "yesterday"}, 401, wire.CodeInvalidSignature},
			{"stale Request-Time", oaCall{reqTime: wire.FormatTime(now().Add(-6 * time.Minute))}, 401, wire.CodeInvalidSignature},
			{"future Request-Time", oaCall{reqTime: strconv.FormatInt(now().Add(6*time.Minute).UnixMilli(), 10)}, 401, wire.CodeInvalidSignature},
			{"signature of another body", oaCall{signBody: []byte(`{}`)}, 401, wire.CodeInvalidSignature},
			{"malformed Signature", oaCall{tamper: func(r *http.Request) { r.Header.Set("Signature", "nonsense") }}, 401, wire.CodeInvalidSignature},
			{"no Signature", oaCall{tamper: func(r *http.Request) { r.Header.Del("Signature") }}, 401, wire.CodeInvalidSignature},
			{"unknown key version", oaCall{keyVersion: str("9")}, 401, wire.CodeKeyNotFound},
			{"GET", oaCall{method: http.MethodGet}, 405, wire.CodeMethodNotSupported},
			{"PUT", oaCall{method: http.MethodPut}, 405, wire.CodeMethodNotSupported},
			{"DELETE", oaCall{method: http.MethodDelete}, 405, wire.CodeMethodNotSupported},
			{"text/plain", oaCall{contentType: str("text/plain")}, 415, wire.CodeMediaTypeNotAcceptable},
			{"Latin-1 JSON", oaCall{contentType: str("application/json; charset=ISO-8859-1")}, 415, wire.CodeMediaTypeNotAcceptable},
			{"form", oaCall{contentType: str("application/x-www-form-urlencoded")}, 415, wire.CodeMediaTypeNotAcceptable},
			{"body over 256 KiB", oaCall{body: big}, 413, wire.CodeParamIllegal},
			{"body over 256 KiB, no Content-Length", oaCall{body: big, tamper: func(r *http.Request) { r.ContentLength = -1 }}, 413, wire.CodeParamIllegal},
			{"unreadable body", oaCall{tamper: func(r *http.Request) { r.Body = io.NopCloser(oaErrReader{}) }}, 400, wire.CodeParamIllegal},
			{"store failure", oaCall{handler: failing}, 200, wire.CodeUnknownException},
			{"panic", oaCall{handler: panicking}, 500, wire.CodeUnknownException},
			{"no body-reading slot", oaCall{handler: busy}, 503, wire.CodeUnknownException},
			{"over the rate limit", oaCall{handler: limited}, 429, wire.CodeRequestTrafficExceedLimit},
		}
		if antomPath {
			tests = append(tests, struct {
				name   string
				call   oaCall
				status int
				code   string
			}{"partner of another profile", oaCall{partner: miniPartner, body: mustMarshal(t, oaMini.withPartner(valid))}, 404, wire.CodeNoInterfaceDef})
		}
		for _, tt := range tests {
			c := tt.call
			if c.partner == "" {
				c.partner = p.partner
			}
			if c.body == nil {
				c.body = body
			}
			c.path = path
			a := o.do(t, c)
			if a.status != tt.status || (tt.code != "" && a.result.ResultCode != tt.code) {
				t.Errorf("%s, %s: HTTP %d %s (%q), want HTTP %d %s", path, tt.name, a.status, a.result.ResultCode, a.result.ResultMessage, tt.status, tt.code)
			}
			if tt.status == 200 && tt.code == "" && a.result.ResultCode == wire.CodeParamIllegal {
				t.Errorf("%s, %s: the valid body was refused: %s", path, tt.name, a.body)
			}
		}
	}

	for _, path := range []string{
		"/", "/v1/payments/", "/v1/payments/nothing", "/v1/payments/pay/x", "/v2/payments/pay",
		"/ams/api/v1/payments/nothing", "/api/v1/payments/pay", "/v1/payments/Pay",
	} {
		for _, method := range []string{http.MethodPost, http.MethodGet} {
			a := o.do(t, oaCall{partner: miniPartner, method: method, path: path, body: []byte(`{}`)})
			if a.status != http.StatusNotFound || a.result.ResultCode != wire.CodeNoInterfaceDef {
				t.Errorf("%s %s: HTTP %d %s, want 404 NO_INTERFACE_DEF", method, path, a.status, a.result.ResultCode)
			}
		}
	}
}

// oaSeedScenarios sends the seeds' sample requests as they are and checks
// the seeds' sample responses against the document as well.
func oaSeedScenarios(t *testing.T, cover *oaCoverage) {
	d := loadOpenAPI(t)
	tests := []struct {
		seed, name string
		p          oaProfileCase
		presetIDs  []string
		setup      func(t *testing.T, o *oaHarness)
		status     string
		answered   map[string]any // sample members the wallet answers differently (see TestSeedSamples)
	}{
		{seed: "000", name: "pay", p: oaMini, status: wire.StatusAccepted},
		{seed: "001", name: "pay", p: oaEN, status: wire.StatusSuccess, answered: map[string]any{"redirectActionForm.method": "GET"}},
		{seed: "002", name: "refund", p: oaMini, status: wire.StatusSuccess, presetIDs: []string{"201911271907410100070000009999xxxx"},
			setup: func(t *testing.T, o *oaHarness) {
				o.f.payAndConfirm(t, miniPartner, "seed-002-payment", "10000")
			}},
		{seed: "004", name: "pay", p: oaAntom, status: wire.StatusSuccess},
		{seed: "004", name: "pay", p: oaAntomOnV1, status: wire.StatusSuccess},
	}
	for _, tt := range tests {
		t.Run(tt.seed+"_"+tt.p.String(), func(t *testing.T) {
			o := newOAHarness(t, epOptions{presetIDs: tt.presetIDs}, cover)
			if tt.setup != nil {
				tt.setup(t, o)
			}
			base := filepath.Join("testdata", "seeds", tt.seed+"_"+tt.name)
			req, err := os.ReadFile(base + "_request.json")
			if err != nil {
				t.Fatal(err)
			}
			s := &oaSession{t: t, o: o, p: tt.p}
			a := s.send(tt.name, req)
			if a.result.ResultStatus != tt.status {
				t.Errorf("seed %s answered %s %s", tt.seed, a.result.ResultStatus, a.result.ResultCode)
			}
			s.send(tt.name, req) // the repeat

			// The seed's own sample response.
			sample, err := os.ReadFile(base + "_response.json")
			if err != nil {
				t.Fatal(err)
			}
			sample = withMembers(t, sample, tt.answered, false)
			_, opPtr, _ := d.operation(tt.p.path(tt.name))
			_, respPtr := d.profileSchemas(t, opPtr, tt.p.prof)
			if err := d.validateJSON(t, respPtr, sample); err != nil {
				t.Errorf("the seed's sample response does not match %s: %v", respPtr, err)
			}
			if err := d.validateJSON(t, opPtr+oaPointer("responses", "200", "content", "application/json", "schema"), sample); err != nil {
				t.Errorf("the seed's sample response does not match the 200 answer of %s: %v", tt.p.path(tt.name), err)
			}
		})
	}
}

// oaGoldens checks the recorded conversations of flows_test.go and the
// seed goldens: every answer against the document, every request the
// handler accepted against its request schema.
func oaGoldens(t *testing.T) {
	d := loadOpenAPI(t)
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no goldens (%v)", err)
	}
	for _, file := range files {
		base := strings.TrimSuffix(filepath.Base(file), ".json")
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		type step struct {
			Path    string          `json:"path"`
			Request json.RawMessage `json:"request"`
			Answer  json.RawMessage `json:"answer"`
		}
		var steps []step
		var prof Profile
		switch {
		case strings.HasPrefix(base, "flow_"), strings.HasPrefix(base, "authflow_"):
			_, name, _ := strings.Cut(base, "_")
			prof = Profile(name)
			if err := json.Unmarshal(raw, &steps); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
		case strings.HasPrefix(base, "seed_"):
			parts := strings.Split(base, "_") // seed_000_pay
			prof = map[string]Profile{"000": ProfileMiniProgramV1, "001": ProfileV1EN, "002": ProfileMiniProgramV1, "004": ProfileAntom}[parts[1]]
			path := wire.PathPrefix + parts[2]
			if prof == ProfileAntom {
				path = wire.AntomPathPrefix + parts[2]
			}
			req, err := os.ReadFile(filepath.Join("testdata", "seeds", parts[1]+"_"+parts[2]+"_request.json"))
			if err != nil {
				t.Fatal(err)
			}
			steps = []step{{Path: path, Request: req, Answer: raw}}
		default:
			t.Logf("%s: not a known golden, skipped", file)
			continue
		}
		if prof == "" {
			t.Fatalf("%s: unknown profile", file)
		}
		for i, st := range steps {
			_, opPtr, ok := d.operation(st.Path)
			if !ok {
				t.Errorf("%s step %d: path %s not documented", file, i, st.Path)
				continue
			}
			reqPtr, respPtr := d.profileSchemas(t, opPtr, prof)
			if err := d.validateJSON(t, opPtr+oaPointer("responses", "200", "content", "application/json", "schema"), st.Answer); err != nil {
				t.Errorf("%s step %d: answer does not match %s 200:\n%s\n%v", file, i, st.Path, st.Answer, err)
			}
			if err := d.validateJSON(t, respPtr, st.Answer); err != nil {
				t.Errorf("%s step %d: answer does not match %s:\n%s\n%v", file, i, respPtr, st.Answer, err)
			}
			var env struct {
				Result wire.Result `json:"result"`
			}
			if err := json.Unmarshal(st.Answer, &env); err != nil {
				t.Fatal(err)
			}
			if c := env.Result.ResultCode; c != wire.CodeParamIllegal && c != wire.CodeAccessDenied && c != wire.CodeMsgParseError {
				if err := d.validateJSON(t, reqPtr, st.Request); err != nil {
					t.Errorf("%s step %d: accepted request does not match %s:\n%s\n%v", file, i, reqPtr, st.Request, err)
				}
			}
		}
	}
}
