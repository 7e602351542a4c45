package alipayplus

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// badCase is one malformed request: it must be answered F PARAM_ILLEGAL
// naming field, or, for the body as a whole (field ""), F PARAM_ILLEGAL
// (v1-en: MSG_PARSE_ERROR, seed 001) speaking of the request body, and
// store nothing.
type badCase struct {
	name  string
	body  []byte
	field string
}

// with returns base (any JSON-encodable request) with top-level members
// replaced (nil deletes one).
func with(t testing.TB, base any, members map[string]any) []byte {
	return mustJSON(t, base, members)
}

func long(n int) string { return strings.Repeat("x", n) }

// raw wraps a JSON literal so that mustJSON embeds it as it is.
func raw(s string) json.RawMessage { return json.RawMessage(s) }

// runBadCases sends each case as partner to path and checks the answer and
// that no payment exists under the partner's requestID afterwards.
func runBadCases(t *testing.T, partner, path, requestID string, cases []badCase) {
	t.Helper()
	f := newEPFixture(t, epOptions{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := f.call(t, partner, path, tc.body, nil)
			t.Logf("resultMessage: %s", got.ResultMessage)
			if tc.field == "" {
				code := wire.CodeParamIllegal
				if partner == enPartner {
					code = wire.CodeMsgParseError
				}
				wantResult(t, got, wire.StatusFail, code)
				if !strings.HasPrefix(got.ResultMessage, "request body") {
					t.Fatalf("message %q does not speak of the request body", got.ResultMessage)
				}
			} else {
				wantParamIllegal(t, got, tc.field)
			}
			if len(got.ResultMessage) > 256 {
				t.Fatalf("resultMessage is %d bytes", len(got.ResultMessage))
			}
			f.mustNotExist(t, partner, requestID)
		})
	}
}

// commonBodyCases are the malformed bodies every endpoint refuses.
func commonBodyCases(t testing.TB, valid []byte) []badCase {
	return []badCase{
		{"empty body", []byte(""), ""},
		{"whitespace body", []byte("  \n"), ""},
		{"truncated JSON", valid[:len(valid)/2], ""},
		{"array", []byte(`[1,2]`), ""},
		{"string", []byte(`"pay"`), ""},
		{"null", []byte(`null`), ""},
		{"trailing data", append(append([]byte{}, valid...), []byte(` {}`)...), ""},
		{"invalid UTF-8", []byte("{\"partnerId\":\"\xff\xfe\"}"), ""},
		{"single quotes", []byte(`{'partnerId':'x'}`), ""},
		{"trailing comma", []byte(`{"paymentRequestId":"bad-1",}`), ""},
	}
}

func TestPayBadInputMiniProgram(t *testing.T) {
	base := miniCashierPay(miniPartner, "bad-1", "1000")
	valid := with(t, base, nil)
	cases := commonBodyCases(t, valid)
	amount := func(cur, val any) map[string]any {
		return map[string]any{"paymentAmount": map[string]any{"currency": cur, "value": val}}
	}
	add := func(name, field string, members map[string]any) {
		cases = append(cases, badCase{name, with(t, base, members), field})
	}
	add("partnerId missing", "partnerId", map[string]any{"partnerId": nil})
	add("partnerId empty", "partnerId", map[string]any{"partnerId": ""})
	add("partnerId number", "partnerId", map[string]any{"partnerId": 1})
	add("partnerId too long", "partnerId", map[string]any{"partnerId": long(33)})
	add("appId too long", "appId", map[string]any{"appId": long(33)})
	add("productCode too long", "productCode", map[string]any{"productCode": long(33)})
	add("productCode object", "productCode", map[string]any{"productCode": map[string]any{}})
	add("title missing", "paymentOrderTitle", map[string]any{"paymentOrderTitle": nil})
	add("title too long", "paymentOrderTitle", map[string]any{"paymentOrderTitle": long(257)})
	add("title with a control character", "paymentOrderTitle", map[string]any{"paymentOrderTitle": "a\nb"})
	add("request id missing", "paymentRequestId", map[string]any{"paymentRequestId": nil})
	add("request id empty", "paymentRequestId", map[string]any{"paymentRequestId": ""})
	add("request id number", "paymentRequestId", map[string]any{"paymentRequestId": 123})
	add("request id too long", "paymentRequestId", map[string]any{"paymentRequestId": long(65)})
	add("amount missing", "paymentAmount", map[string]any{"paymentAmount": nil})
	add("amount string", "paymentAmount", map[string]any{"paymentAmount": "1000"})
	add("amount array", "paymentAmount", map[string]any{"paymentAmount": []any{}})
	add("value missing", "paymentAmount.value", map[string]any{"paymentAmount": map[string]any{"currency": "USD"}})
	add("value number", "paymentAmount.value", amount("USD", 1000))
	add("value negative", "paymentAmount.value", amount("USD", "-1"))
	add("value fraction", "paymentAmount.value", amount("USD", "1.5"))
	add("value empty", "paymentAmount.value", amount("USD", ""))
	add("value zero", "paymentAmount.value", amount("USD", "0"))
	add("value leading zero", "paymentAmount.value", amount("USD", "0100"))
	add("value 17 digits", "paymentAmount.value", amount("USD", "12345678901234567"))
	add("value exponent", "paymentAmount.value", amount("USD", "1e3"))
	add("value spaces", "paymentAmount.value", amount("USD", " 100"))
	add("value plus", "paymentAmount.value", amount("USD", "+100"))
	add("value boolean", "paymentAmount.value", amount("USD", true))
	add("currency missing", "paymentAmount.currency", map[string]any{"paymentAmount": map[string]any{"value": "100"}})
	add("currency unknown", "paymentAmount.currency", amount("XYZ", "100"))
	add("currency lower case", "paymentAmount.currency", amount("usd", "100"))
	add("currency too long", "paymentAmount.currency", amount("USDX", "100"))
	add("currency number", "paymentAmount.currency", amount(840, "100"))
	add("method not an object", "paymentMethods", map[string]any{"paymentMethods": "BALANCE"})
	add("method type missing", "paymentMethods.paymentMethodType", map[string]any{"paymentMethods": map[string]any{"paymentMethodId": "x"}})
	add("method id too long", "paymentMethods.paymentMethodId", map[string]any{"paymentMethods": map[string]any{"paymentMethodType": "BALANCE", "paymentMethodId": long(129)}})
	add("auth code too long", "paymentAuthCode", map[string]any{"paymentAuthCode": long(129)})
	add("factor not an object", "paymentFactor", map[string]any{"paymentFactor": true})
	add("factor flag not boolean", "paymentFactor.isCashierPayment", map[string]any{"paymentFactor": map[string]any{"isCashierPayment": "yes"}})
	add("factor flag number", "paymentFactor.isCashierPayment", map[string]any{"paymentFactor": map[string]any{"isCashierPayment": 1}})
	add("two scenarios", "paymentFactor.isAgreementPay", map[string]any{"paymentAuthCode": "t", "paymentFactor": map[string]any{"isCashierPayment": true, "isAgreementPay": true}})
	add("authorization of an order code", "paymentFactor.isAuthorizationPayment", map[string]any{"paymentFactor": map[string]any{"isOrderCode": true, "isAuthorizationPayment": "true"}})
	add("authorization evaluated", "paymentFactor.isAuthorizationPayment", map[string]any{"paymentAuthCode": "t", "paymentFactor": map[string]any{"isAgreementPay": true, "isPaymentEvaluation": true, "isAuthorizationPayment": true}})
	add("authorization flag not boolean", "paymentFactor.isAuthorizationPayment", map[string]any{"paymentFactor": map[string]any{"isAuthorizationPayment": "yes"}})
	add("authorization and pay", "paymentFactor.isAuthorizationAndPay", map[string]any{"paymentFactor": map[string]any{"isAuthorizationAndPay": true}})
	add("agreement without token", "paymentAuthCode", map[string]any{"paymentFactor": map[string]any{"isAgreementPay": true}})
	add("payment code without code", "paymentAuthCode", map[string]any{"paymentFactor": map[string]any{"isPaymentCode": "true"}})
	add("expiry no offset", "paymentExpiryTime", map[string]any{"paymentExpiryTime": "2026-05-06T08:00:00"})
	add("expiry with a space", "paymentExpiryTime", map[string]any{"paymentExpiryTime": "2026-05-06 08:00:00+08:00"})
	add("expiry words", "paymentExpiryTime", map[string]any{"paymentExpiryTime": "tomorrow"})
	add("expiry month 13", "paymentExpiryTime", map[string]any{"paymentExpiryTime": "2026-13-06T08:00:00Z"})
	add("expiry epoch number", "paymentExpiryTime", map[string]any{"paymentExpiryTime": 1778051289000})
	add("expiry in the past", "paymentExpiryTime", map[string]any{"paymentExpiryTime": "2020-06-08T12:12:12+08:00"})
	add("expiry too far", "paymentExpiryTime", map[string]any{"paymentExpiryTime": "2027-06-08T12:12:12+08:00"})
	add("expiry the zero time", "paymentExpiryTime", map[string]any{"paymentExpiryTime": "0001-01-01T01:00:00+01:00"})
	add("return URL too long", "paymentReturnUrl", map[string]any{"paymentReturnUrl": "https://m.example/" + long(1024-17)})
	add("notify URL too long", "paymentNotifyUrl", map[string]any{"paymentNotifyUrl": "https://m.example/" + long(1024-17)})
	add("notify URL number", "paymentNotifyUrl", map[string]any{"paymentNotifyUrl": 5})
	add("notify URL relative", "paymentNotifyUrl", map[string]any{"paymentNotifyUrl": "/notify"})
	add("notify URL other scheme", "paymentNotifyUrl", map[string]any{"paymentNotifyUrl": "ftp://m.example/notify"})
	add("notify URL no host", "paymentNotifyUrl", map[string]any{"paymentNotifyUrl": "https:///notify"})
	add("notify URL with credentials", "paymentNotifyUrl", map[string]any{"paymentNotifyUrl": "https://user:pw@m.example/notify"})
	add("return URL not a URL", "paymentReturnUrl", map[string]any{"paymentReturnUrl": "https://m.example/%zz"})
	add("mcc too long", "mcc", map[string]any{"mcc": long(33)})
	add("extraParams not an object", "extraParams", map[string]any{"extraParams": `{"ORDER":"{}"}`})
	add("ORDER not a string", "extraParams.ORDER", map[string]any{"extraParams": map[string]any{"ORDER": map[string]any{"referenceOrderId": "1"}}})
	add("ORDER not JSON", "extraParams.ORDER", map[string]any{"extraParams": map[string]any{"ORDER": "referenceOrderId=1"}})
	add("extendInfo too long", "extendInfo", map[string]any{"extendInfo": long(4097)})
	add("envInfo not an object", "envInfo", map[string]any{"envInfo": "IOS"})
	add("envInfo user agent too long", "envInfo.userAgent", map[string]any{"envInfo": map[string]any{"userAgent": long(1025)}})
	add("envInfo osType number", "envInfo.osType", map[string]any{"envInfo": map[string]any{"osType": 1}})
	cases = append(cases,
		badCase{"duplicate member", []byte(`{"partnerId":"` + miniPartner + `","paymentRequestId":"bad-1","paymentRequestId":"bad-2"}`), "paymentRequestId"},
		badCase{"duplicate nested member", []byte(`{"partnerId":"` + miniPartner + `","paymentRequestId":"bad-1","paymentOrderTitle":"t","paymentAmount":{"currency":"USD","value":"1","value":"1000"}}`), "paymentAmount.value"},
	)
	runBadCases(t, miniPartner, pathPay, "bad-1", cases)
}

func TestPayBadInputV1EN(t *testing.T) {
	base := enPay("bad-1")
	cases := commonBodyCases(t, with(t, base, nil))
	add := func(name, field string, members map[string]any) {
		cases = append(cases, badCase{name, with(t, base, members), field})
	}
	add("partnerId too long", "partnerId", map[string]any{"partnerId": long(33)})
	add("productCode missing", "productCode", map[string]any{"productCode": nil})
	add("productCode too long", "productCode", map[string]any{"productCode": long(33)})
	add("order missing", "order", map[string]any{"order": nil})
	add("order a string", "order", map[string]any{"order": `{"orderDescription":"x"}`})
	add("order description too long", "order.orderDescription", map[string]any{"order": map[string]any{"orderDescription": long(257)}})
	add("order id too long", "order.referenceOrderId", map[string]any{"order": map[string]any{"referenceOrderId": long(65)}})
	add("order amount bad", "order.orderAmount.value", map[string]any{"order": map[string]any{"orderAmount": map[string]any{"currency": "CLP", "value": "1.5"}}})
	add("amount currency unknown", "paymentAmount.currency", map[string]any{"paymentAmount": map[string]any{"currency": "ABC", "value": "1"}})
	add("amount 17 digits", "paymentAmount.value", map[string]any{"paymentAmount": map[string]any{"currency": "CLP", "value": "10000000000000000"}})
	add("notify URL too long", "paymentNotifyUrl", map[string]any{"paymentNotifyUrl": long(1025)})
	add("redirect URL too long", "paymentRedirectUrl", map[string]any{"paymentRedirectUrl": long(1025)})
	add("auth code too long", "paymentAuthCode", map[string]any{"paymentAuthCode": long(129)})
	add("expiry bad", "paymentExpiryTime", map[string]any{"paymentExpiryTime": "2026/05/06"})
	runBadCases(t, enPartner, pathPay, "bad-1", cases)
}

func TestPayBadInputAntom(t *testing.T) {
	base := antomPay("bad-1")
	cases := commonBodyCases(t, with(t, base, nil))
	add := func(name, field string, members map[string]any) {
		cases = append(cases, badCase{name, with(t, base, members), field})
	}
	add("productCode other", "productCode", map[string]any{"productCode": "CASHIER_PAYMENT"})
	add("productCode missing", "productCode", map[string]any{"productCode": nil})
	add("order missing", "order", map[string]any{"order": nil})
	add("method missing", "paymentMethod", map[string]any{"paymentMethod": nil})
	add("method type other", "paymentMethod.paymentMethodType", map[string]any{"paymentMethod": map[string]any{"paymentMethodType": "BALANCE"}})
	add("method type missing", "paymentMethod.paymentMethodType", map[string]any{"paymentMethod": map[string]any{}})
	add("notify URL missing", "paymentNotifyUrl", map[string]any{"paymentNotifyUrl": nil})
	add("notify URL empty", "paymentNotifyUrl", map[string]any{"paymentNotifyUrl": ""})
	add("notify URL too long", "paymentNotifyUrl", map[string]any{"paymentNotifyUrl": "https://m.example/" + long(2048-17)})
	add("redirect URL too long", "paymentRedirectUrl", map[string]any{"paymentRedirectUrl": long(2049)})
	add("notify URL javascript", "paymentNotifyUrl", map[string]any{"paymentNotifyUrl": "javascript:alert(1)"})
	add("factor missing", "paymentFactor", map[string]any{"paymentFactor": nil})
	add("scenario missing", "paymentFactor.inStorePaymentScenario", map[string]any{"paymentFactor": map[string]any{}})
	add("scenario other", "paymentFactor.inStorePaymentScenario", map[string]any{"paymentFactor": map[string]any{"inStorePaymentScenario": "PaymentCode"}})
	add("evaluation", "paymentFactor.isPaymentEvaluation", map[string]any{"paymentFactor": map[string]any{"inStorePaymentScenario": "EntryCode", "isPaymentEvaluation": "true"}})
	add("authorization flag not boolean", "paymentFactor.isAuthorization", map[string]any{"paymentFactor": map[string]any{"inStorePaymentScenario": "EntryCode", "isAuthorization": 1}})
	add("capture mode other", "paymentFactor.captureMode", map[string]any{"paymentFactor": map[string]any{"inStorePaymentScenario": "EntryCode", "isAuthorization": true, "captureMode": "LATER"}})
	add("capture mode lower case", "paymentFactor.captureMode", map[string]any{"paymentFactor": map[string]any{"inStorePaymentScenario": "EntryCode", "isAuthorization": true, "captureMode": "manual"}})
	add("manual capture without authorization", "paymentFactor.captureMode", map[string]any{"paymentFactor": map[string]any{"inStorePaymentScenario": "EntryCode", "captureMode": "MANUAL"}})
	add("merchantRegion too long", "merchantRegion", map[string]any{"merchantRegion": "USA"})
	add("settlementStrategy a string", "settlementStrategy", map[string]any{"settlementStrategy": "USD"})
	add("amount number", "paymentAmount.value", map[string]any{"paymentAmount": map[string]any{"currency": "USD", "value": 10}})
	runBadCases(t, antomPartner, antomPrefix+pathPay, "bad-1", cases)
}

// TestPayLimitsAccepted checks that values at the documented maximum
// lengths and amounts at the edges are accepted.
func TestPayLimitsAccepted(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	base := miniCashierPay(miniPartner, long(64), "9999999999999999")
	body := with(t, base, map[string]any{
		"appId": long(32), "productCode": long(32), "paymentOrderTitle": strings.Repeat("é", 256),
		"paymentAuthCode": long(128), "mcc": long(32), "extendInfo": long(4096),
		"paymentReturnUrl": "https://m.example/" + long(1024-18), "paymentNotifyUrl": "https://m.example/" + long(1024-18),
		"paymentMethods":    map[string]any{"paymentMethodType": long(32), "paymentMethodId": long(128), "extendMetaData": long(2048)},
		"envInfo":           map[string]any{"userAgent": long(1024), "deviceTokenId": long(128), "clientIp": long(64), "cookieId": long(128), "extendInfo": long(4096)},
		"paymentExpiryTime": "2026-05-13T07:08:08.123456789+00:00",
		"unknownField":      map[string]any{"ignored": true},
	})
	wantResult(t, f.call(t, miniPartner, pathPay, body, nil), wire.StatusAccepted, wire.CodeAccept)
	for i, a := range []*wire.Amount{{Currency: "JPY", Value: "1"}, {Currency: "KWD", Value: "1000"}, {Currency: "CLP", Value: "2000"}} {
		r := miniCashierPay(miniPartner, "edge-"+string(rune('a'+i)), "1")
		r.PaymentAmount = a
		wantResult(t, f.call(t, miniPartner, pathPay, r, nil), wire.StatusAccepted, wire.CodeAccept)
	}
	// Optional members may be null.
	body = with(t, miniCashierPay(miniPartner, "nulls", "1"), map[string]any{"appId": raw("null"), "paymentFactor": raw("null"), "envInfo": raw("null")})
	wantResult(t, f.call(t, miniPartner, pathPay, body, nil), wire.StatusAccepted, wire.CodeAccept)
	antom := with(t, antomPay("antom-max"), map[string]any{"paymentNotifyUrl": "https://m.example/" + long(2048-18)})
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathPay, antom, nil), wire.StatusSuccess, wire.CodeSuccess)
}

func TestQueryBadInput(t *testing.T) {
	for _, path := range []string{pathInquiryPayment, pathCancel} {
		t.Run(path, func(t *testing.T) {
			base := wire.PaymentQuery{PartnerID: miniPartner, PaymentRequestID: "bad-1"}
			cases := commonBodyCases(t, with(t, base, nil))
			add := func(name, field string, members map[string]any) {
				cases = append(cases, badCase{name, with(t, base, members), field})
			}
			add("partnerId missing", "partnerId", map[string]any{"partnerId": nil})
			add("partnerId too long", "partnerId", map[string]any{"partnerId": long(33)})
			add("no id", "paymentId", map[string]any{"paymentRequestId": nil})
			add("empty ids", "paymentId", map[string]any{"paymentRequestId": "", "paymentId": ""})
			add("paymentId too long", "paymentId", map[string]any{"paymentId": long(65)})
			add("paymentId number", "paymentId", map[string]any{"paymentId": 12})
			add("paymentRequestId too long", "paymentRequestId", map[string]any{"paymentRequestId": long(65)})
			add("paymentRequestId control character", "paymentRequestId", map[string]any{"paymentRequestId": "a\u0000b"})
			add("extendInfo too long", "extendInfo", map[string]any{"extendInfo": long(4097)})
			add("merchantAccountId too long", "merchantAccountId", map[string]any{"merchantAccountId": long(33)})
			runBadCases(t, miniPartner, path, "bad-1", cases)
		})
	}
}

func TestRefundBadInput(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.payAndConfirm(t, miniPartner, "paid", "1000")
	base := refundOf("bad-1", p.ID, "100")
	cases := commonBodyCases(t, with(t, base, nil))
	amount := func(cur, val any) map[string]any {
		return map[string]any{"refundAmount": map[string]any{"currency": cur, "value": val}}
	}
	add := func(name, field string, members map[string]any) {
		cases = append(cases, badCase{name, with(t, base, members), field})
	}
	add("partnerId missing", "partnerId", map[string]any{"partnerId": nil})
	add("refundRequestId missing", "refundRequestId", map[string]any{"refundRequestId": nil})
	add("refundRequestId too long", "refundRequestId", map[string]any{"refundRequestId": long(65)})
	add("no payment", "paymentId", map[string]any{"paymentId": nil})
	add("paymentId too long", "paymentId", map[string]any{"paymentId": long(65)})
	add("paymentRequestId number", "paymentRequestId", map[string]any{"paymentRequestId": 1})
	add("amount missing", "refundAmount", map[string]any{"refundAmount": nil})
	add("value negative", "refundAmount.value", amount("USD", "-1"))
	add("value fraction", "refundAmount.value", amount("USD", "1.5"))
	add("value empty", "refundAmount.value", amount("USD", ""))
	add("value 17 digits", "refundAmount.value", amount("USD", "12345678901234567"))
	add("value number", "refundAmount.value", amount("USD", 100))
	add("currency unknown", "refundAmount.currency", amount("QQQ", "100"))
	add("reason too long", "refundReason", map[string]any{"refundReason": long(257)})
	add("reason control character", "refundReason", map[string]any{"refundReason": "a\tb"})
	add("extendInfo too long", "extendInfo", map[string]any{"extendInfo": long(4097)})
	add("refundNotifyUrl not a URL", "refundNotifyUrl", map[string]any{"refundNotifyUrl": "notify-me"})
	add("isAsyncRefund not boolean", "isAsyncRefund", map[string]any{"isAsyncRefund": "maybe"})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := f.call(t, miniPartner, pathRefund, tc.body, nil)
			if tc.field == "" {
				wantResult(t, got, wire.StatusFail, wire.CodeParamIllegal)
			} else {
				wantParamIllegal(t, got, tc.field)
			}
			if _, err := f.eng.InquireRefund(context.Background(), engine.RefundRef{PartnerID: miniPartner, RequestID: "bad-1"}); engine.ErrorCode(err) != engine.CodeRefundNotFound {
				t.Fatalf("refund stored: %v", err)
			}
		})
	}
	after, err := f.eng.InquirePayment(context.Background(), engine.PaymentRef{PartnerID: miniPartner, PaymentID: p.ID})
	if err != nil || after.Refunded != 0 || after.Held != 0 || after.Version != p.Version {
		t.Fatalf("payment changed: %+v (%v)", after, err)
	}
}

func TestInquiryRefundBadInput(t *testing.T) {
	base := wire.RefundQuery{PartnerID: miniPartner, RefundRequestID: "bad-1"}
	cases := commonBodyCases(t, with(t, base, nil))
	add := func(name, field string, members map[string]any) {
		cases = append(cases, badCase{name, with(t, base, members), field})
	}
	add("partnerId missing", "partnerId", map[string]any{"partnerId": nil})
	add("no id", "refundId", map[string]any{"refundRequestId": nil})
	add("refundId too long", "refundId", map[string]any{"refundId": long(65)})
	add("refundRequestId array", "refundRequestId", map[string]any{"refundRequestId": []any{"a"}})
	add("extendInfo number", "extendInfo", map[string]any{"extendInfo": 4})
	runBadCases(t, miniPartner, pathInquiryRefund, "bad-1", cases)
}

// TestAccessDeniedEverywhere checks that a mini-program body naming
// another partner is ACCESS_DENIED on every endpoint, before its other
// fields are looked at.
func TestAccessDeniedEverywhere(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	for _, path := range []string{pathPay, pathInquiryPayment, pathCancel, pathRefund, pathInquiryRefund, pathCapture} {
		t.Run(path, func(t *testing.T) {
			body := []byte(`{"partnerId":"` + mini2Partner + `","paymentAmount":"nonsense"}`)
			wantResult(t, f.call(t, miniPartner, path, body, nil), wire.StatusFail, wire.CodeAccessDenied)
			body = []byte(`{"partnerId":"` + miniPartner + `"}`)
			wantResult(t, f.call(t, mini2Partner, path, body, nil), wire.StatusFail, wire.CodeAccessDenied)
		})
	}
}
