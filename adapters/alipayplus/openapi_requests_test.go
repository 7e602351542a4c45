package alipayplus

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// This file checks the request schemas of docs/openapi.json where their
// verdict does not follow from the definitions alone: the patterns the
// generator writes for amounts, currencies, date-times and URLs against
// the decoder's and the engine's checks, the rules that span members, the
// control characters the engine refuses, and the constraints the document
// can only state in words. The members, their types, maximum lengths,
// required lists and enums are generated from the same definitions the
// decoder reads (requests.go), so they agree by construction.

// oaDelete marks a member to remove.
type oaDeleteT struct{}

var oaDelete = oaDeleteT{}

// oaSet returns a deep copy of base with the member at path set to v (or
// removed). The objects on the way must exist.
func oaSet(t testing.TB, base map[string]any, path []string, v any) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(mustMarshal(t, base), &m); err != nil {
		t.Fatal(err)
	}
	obj := m
	for _, k := range path[:len(path)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			t.Fatalf("base request lacks the object %s (make the base request carry every optional object)", strings.Join(path, "."))
		}
		obj = next
	}
	last := path[len(path)-1]
	if _, isDelete := v.(oaDeleteT); isDelete {
		delete(obj, last)
	} else {
		obj[last] = v
	}
	return m
}

// oaRequestCase is one endpoint of one profile with a maximal valid request.
type oaRequestCase struct {
	p        oaProfileCase
	endpoint string
	setup    func(t *testing.T, o *oaHarness) map[string]string // returns ids for base
	base     func(ids map[string]string, n int) map[string]any
}

// oaPaid creates a paid payment of p's partner and a refund of it through
// the handler, and returns their ids.
func oaPaid(t *testing.T, o *oaHarness, p oaProfileCase) map[string]string {
	t.Helper()
	s := &oaSession{t: t, o: o, p: p}
	a := s.send("pay", p.pay("walk-paid", "100000"))
	id := a.str("paymentId")
	o.f.ledger.SetBalance("alice", "USD", 1_000_000_00)
	if _, err := o.f.eng.Confirm(context.Background(), id, "alice"); err != nil {
		t.Fatal(err)
	}
	r := s.want("refund", p.withPartner(map[string]any{"refundRequestId": "walk-refund", "paymentId": id, "refundAmount": oaAmount("USD", "1")}), wire.StatusSuccess, wire.CodeSuccess)
	return map[string]string{"paymentId": id, "paymentRequestId": "walk-paid", "refundId": r.str("refundId"), "refundRequestId": "walk-refund"}
}

// oaAuthorized creates an authorization of p's partner through the
// handler (the antom one captured by the merchant) that the user
// authorized, and returns its ids.
func oaAuthorized(t *testing.T, o *oaHarness, p oaProfileCase) map[string]string {
	t.Helper()
	s := &oaSession{t: t, o: o, p: p}
	id := s.send("pay", p.authorize("walk-auth", "100000", false)).str("paymentId")
	o.f.ledger.SetBalance("alice", "USD", 1_000_000_00)
	if _, err := o.f.eng.Confirm(context.Background(), id, "alice"); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"paymentId": id, "paymentRequestId": "walk-auth"}
}

func oaRequestCases() []oaRequestCase {
	expiry := wire.FormatTime(epEpoch.Add(30 * time.Minute))
	allFlags := func(cashier any) map[string]any {
		return map[string]any{
			"isCashierPayment": cashier, "isAgreementPay": false, "isPaymentCode": "false", "isOrderCode": false,
			"isPaymentEvaluation": "false", "isAuthorizationPayment": false, "isAuthorizationAndPay": "false",
			"inStorePaymentScenario": "OrderCode",
		}
	}
	var cases []oaRequestCase
	cases = append(cases,
		oaRequestCase{p: oaMini, endpoint: "pay", base: func(_ map[string]string, n int) map[string]any {
			return map[string]any{
				"partnerId": miniPartner, "appId": "app-1", "productCode": "PC_5800000001", "paymentOrderTitle": "SHOES",
				"paymentRequestId": fmt.Sprintf("walk-%d", n), "paymentAmount": oaAmount("USD", "1050"),
				"paymentMethods":    map[string]any{"paymentMethodType": "BALANCE", "paymentMethodId": "m-1", "extendMetaData": "{}"},
				"paymentAuthCode":   "auth-1",
				"paymentFactor":     allFlags(true),
				"paymentExpiryTime": expiry, "paymentReturnUrl": "https://m.example/return", "paymentNotifyUrl": "https://m.example/notify",
				"mcc": "4399", "extraParams": map[string]any{"ORDER": `{"referenceOrderId":"ID_000001"}`, "OTHER": 1},
				"extendInfo": `{"customerBelongsTo":"siteNameExample"}`,
				"envInfo": map[string]any{"terminalType": "APP", "osType": "IOS", "userAgent": "Mozilla/5.0", "deviceTokenId": "dev-1",
					"clientIp": "10.0.0.1", "cookieId": "c-1", "extendInfo": "{}"},
				"unknownMember": map[string]any{"ignored": true},
			}
		}},
		oaRequestCase{p: oaEN, endpoint: "pay", base: func(_ map[string]string, n int) map[string]any {
			return map[string]any{
				"partnerId": enPartner, "productCode": "51051000101000000011", "paymentRequestId": fmt.Sprintf("walk-%d", n),
				"paymentAmount": oaAmount("USD", "1050"),
				"order": map[string]any{"referenceOrderId": "O-1", "orderDescription": "iphone details", "orderAmount": oaAmount("USD", "1050"),
					"extendInfo": "{}", "goods": map[string]any{"referenceGoodsId": "goods123"}},
				"paymentExpiryTime": expiry, "paymentNotifyUrl": "https://m.example/notify", "paymentAuthCode": "token-1",
				"paymentRedirectUrl": "https://m.example/return", "appId": "app-1", "paymentFactor": allFlags("true"), "extendInfo": "{}",
			}
		}},
		oaRequestCase{p: oaAntom, endpoint: "pay", base: func(_ map[string]string, n int) map[string]any {
			return map[string]any{
				"partnerId": antomPartner, "productCode": "IN_STORE_PAYMENT", "paymentRequestId": fmt.Sprintf("walk-%d", n),
				"order":             map[string]any{"referenceOrderId": "O-1", "orderDescription": "Mi Band 3", "orderAmount": oaAmount("USD", "10"), "extendInfo": "{}"},
				"paymentAmount":     oaAmount("USD", "10"),
				"paymentMethod":     map[string]any{"paymentMethodType": "CONNECT_WALLET", "paymentMethodId": "w-1"},
				"paymentExpiryTime": expiry, "paymentRedirectUrl": "https://m.example/return", "paymentNotifyUrl": "https://m.example/notify",
				"paymentFactor":      map[string]any{"inStorePaymentScenario": "EntryCode", "isPaymentEvaluation": "false", "isAuthorization": "false", "captureMode": "AUTOMATIC"},
				"settlementStrategy": map[string]any{"settlementCurrency": "USD"}, "merchantRegion": "US",
			}
		}},
	)
	for _, p := range []oaProfileCase{oaMini, oaAntom} {
		cases = append(cases, oaRequestCase{p: p, endpoint: "capture",
			setup: func(t *testing.T, o *oaHarness) map[string]string { return oaAuthorized(t, o, p) },
			base: func(ids map[string]string, n int) map[string]any {
				return map[string]any{"partnerId": p.partner, "captureRequestId": fmt.Sprintf("walk-c-%d", n), "paymentId": ids["paymentId"],
					"captureAmount": oaAmount("USD", "1"), "isLastCapture": "false", "extendInfo": "{}"}
			}})
		for _, ep := range []string{"inquiryPayment", "cancel"} {
			cases = append(cases, oaRequestCase{p: p, endpoint: ep,
				setup: func(t *testing.T, o *oaHarness) map[string]string { return oaPaid(t, o, p) },
				base: func(ids map[string]string, n int) map[string]any {
					return map[string]any{"partnerId": p.partner, "paymentId": ids["paymentId"], "paymentRequestId": ids["paymentRequestId"],
						"extendInfo": "{}", "merchantAccountId": "acct-1"}
				}})
		}
		cases = append(cases,
			oaRequestCase{p: p, endpoint: "refund",
				setup: func(t *testing.T, o *oaHarness) map[string]string { return oaPaid(t, o, p) },
				base: func(ids map[string]string, n int) map[string]any {
					return map[string]any{"partnerId": p.partner, "refundRequestId": fmt.Sprintf("walk-r-%d", n),
						"paymentId": ids["paymentId"], "paymentRequestId": ids["paymentRequestId"], "refundAmount": oaAmount("USD", "1"),
						"refundReason": "returned", "extendInfo": "{}", "referenceRefundId": "ref-1",
						"refundNotifyUrl": "https://m.example/refund", "merchantAccountId": "acct-1", "isAsyncRefund": "false"}
				}},
			oaRequestCase{p: p, endpoint: "inquiryRefund",
				setup: func(t *testing.T, o *oaHarness) map[string]string { return oaPaid(t, o, p) },
				base: func(ids map[string]string, n int) map[string]any {
					return map[string]any{"partnerId": p.partner, "refundId": ids["refundId"], "refundRequestId": ids["refundRequestId"],
						"extendInfo": "{}", "merchantAccountId": "acct-1"}
				}},
		)
	}
	return cases
}

// TestOpenAPIRequestEdgeCases checks, against the document and the handler
// alike, values at the edges of the patterns, cross-member rules, control
// characters, and the constraints the document can only describe in words
// (asserted so that its text stays true).
func TestOpenAPIRequestEdgeCases(t *testing.T) {
	d := loadOpenAPI(t)
	type edge struct {
		name      string
		p         oaProfileCase
		endpoint  string
		set       map[string]any // dotted member -> value (oaDelete removes)
		raw       string         // the body as it is, instead of set
		schemaOK  bool
		handlerOK bool
		field     string // the member a PARAM_ILLEGAL message names
	}
	agreement := map[string]any{"isAgreementPay": true}
	tests := []edge{
		// Patterns: both refuse.
		{name: "amount with a decimal point", set: map[string]any{"paymentAmount.value": "1.5"}, field: "paymentAmount.value"},
		{name: "negative amount", set: map[string]any{"paymentAmount.value": "-1"}, field: "paymentAmount.value"},
		{name: "zero amount", set: map[string]any{"paymentAmount.value": "0"}, field: "paymentAmount.value"},
		{name: "amount with a leading zero", set: map[string]any{"paymentAmount.value": "0100"}, field: "paymentAmount.value"},
		{name: "amount of 17 digits", set: map[string]any{"paymentAmount.value": "12345678901234567"}, field: "paymentAmount.value"},
		{name: "amount of 16 digits", set: map[string]any{"paymentAmount.value": "9999999999999999"}, schemaOK: true, handlerOK: true},
		{name: "amount with a space", set: map[string]any{"paymentAmount.value": " 100"}, field: "paymentAmount.value"},
		{name: "amount with an exponent", set: map[string]any{"paymentAmount.value": "1e3"}, field: "paymentAmount.value"},
		{name: "lower-case currency", set: map[string]any{"paymentAmount.currency": "usd"}, field: "paymentAmount.currency"},
		{name: "two-letter currency", set: map[string]any{"paymentAmount.currency": "US"}, field: "paymentAmount.currency"},
		{name: "four-letter currency", set: map[string]any{"paymentAmount.currency": "USDX"}, field: "paymentAmount.currency"},
		{name: "JPY", set: map[string]any{"paymentAmount.currency": "JPY", "paymentAmount.value": "1"}, schemaOK: true, handlerOK: true},
		{name: "expiry without offset", set: map[string]any{"paymentExpiryTime": "2026-05-06T08:00:00"}, field: "paymentExpiryTime"},
		{name: "expiry with a space", set: map[string]any{"paymentExpiryTime": "2026-05-06 08:00:00+08:00"}, field: "paymentExpiryTime"},
		{name: "expiry month 13", set: map[string]any{"paymentExpiryTime": "2026-13-06T08:00:00Z"}, field: "paymentExpiryTime"},
		{name: "expiry in epoch milliseconds", set: map[string]any{"paymentExpiryTime": "1778051289000"}, field: "paymentExpiryTime"},
		{name: "expiry with nanoseconds and an offset", set: map[string]any{"paymentExpiryTime": "2026-05-06T15:38:09.123456789+08:00"}, schemaOK: true, handlerOK: true},
		{name: "relative notify URL", set: map[string]any{"paymentNotifyUrl": "/notify"}, field: "paymentNotifyUrl"},
		{name: "ftp notify URL", set: map[string]any{"paymentNotifyUrl": "ftp://m.example/notify"}, field: "paymentNotifyUrl"},
		{name: "notify URL without host", set: map[string]any{"paymentNotifyUrl": "https:///notify"}, field: "paymentNotifyUrl"},
		{name: "notify URL with credentials", set: map[string]any{"paymentNotifyUrl": "https://user:pw@m.example/notify"}, field: "paymentNotifyUrl"},
		{name: "javascript URL", set: map[string]any{"paymentReturnUrl": "javascript:alert(1)"}, field: "paymentReturnUrl"},
		{name: "upper-case scheme", set: map[string]any{"paymentReturnUrl": "HTTPS://m.example/back"}, schemaOK: true, handlerOK: true},
		// Cross-member rules.
		{name: "agreement pay without auth code", set: map[string]any{"paymentFactor": agreement, "paymentAuthCode": oaDelete}, field: "paymentAuthCode"},
		{name: "payment code without auth code", set: map[string]any{"paymentFactor": map[string]any{"isPaymentCode": "true"}, "paymentAuthCode": ""}, field: "paymentAuthCode"},
		{name: "evaluation needs no auth code", set: map[string]any{"paymentFactor": map[string]any{"isAgreementPay": "true", "isPaymentEvaluation": true}, "paymentAuthCode": oaDelete}, schemaOK: true, handlerOK: true},
		{name: "agreement pay with auth code", set: map[string]any{"paymentFactor": agreement, "paymentAuthCode": "token-x"}, schemaOK: true, handlerOK: true},
		{name: "two scenario flags", set: map[string]any{"paymentFactor": map[string]any{"isCashierPayment": true, "isOrderCode": "true"}}, field: "paymentFactor.isOrderCode"},
		{name: "one flag true, the others false", set: map[string]any{"paymentFactor": map[string]any{"isCashierPayment": "false", "isOrderCode": "true", "isPaymentCode": false}}, schemaOK: true, handlerOK: true},
		{name: "authorization payment", set: map[string]any{"paymentFactor": map[string]any{"isAuthorizationPayment": true}}, schemaOK: true, handlerOK: true},
		{name: "agreement authorization", set: map[string]any{"paymentFactor": map[string]any{"isAgreementPay": true, "isAuthorizationPayment": "true"}, "paymentAuthCode": "token-x"}, schemaOK: true, handlerOK: true},
		{name: "order-code authorization", set: map[string]any{"paymentFactor": map[string]any{"isOrderCode": true, "isAuthorizationPayment": true}}, field: "paymentFactor.isAuthorizationPayment"},
		{name: "evaluated authorization", set: map[string]any{"paymentFactor": map[string]any{"isAgreementPay": true, "isPaymentEvaluation": true, "isAuthorizationPayment": "true"}}, field: "paymentFactor.isAuthorizationPayment"},
		{name: "authorization flag false with an order code", set: map[string]any{"paymentFactor": map[string]any{"isOrderCode": true, "isAuthorizationPayment": "false"}}, schemaOK: true, handlerOK: true},
		{name: "v1-en authorization", p: oaEN, set: map[string]any{"paymentFactor": map[string]any{"isAuthorizationPayment": true}}, schemaOK: true, handlerOK: true},
		{name: "v1-en agreement pay without auth code", p: oaEN, set: map[string]any{"paymentFactor": agreement, "paymentAuthCode": oaDelete}, field: "paymentAuthCode"},
		// Control characters (checked by the engine).
		{name: "title with a newline", set: map[string]any{"paymentOrderTitle": "a\nb"}, field: "paymentOrderTitle"},
		{name: "request id with NUL", set: map[string]any{"paymentRequestId": "a\u0000b"}, field: "paymentRequestId"},
		{name: "auth code with DEL", set: map[string]any{"paymentAuthCode": "a\u007fb"}, field: "paymentAuthCode"},
		{name: "order description with a tab", p: oaEN, set: map[string]any{"order": map[string]any{"orderDescription": "a\tb"}}, field: "order.orderDescription"},
		{name: "refund reason with a tab", p: oaMini, endpoint: "refund", set: map[string]any{"refundReason": "a\tb"}, field: "refundReason"},
		{name: "payment id with NUL", p: oaAntom, endpoint: "inquiryPayment", set: map[string]any{"paymentId": "a\u0000b"}, field: "paymentId"},
		// One of two ids.
		{name: "inquiry without ids", p: oaMini, endpoint: "inquiryPayment", set: map[string]any{"paymentId": oaDelete, "paymentRequestId": oaDelete}, field: "paymentId"},
		{name: "cancel with empty ids", p: oaAntom, endpoint: "cancel", set: map[string]any{"paymentId": "", "paymentRequestId": nil}, field: "paymentId"},
		{name: "cancel by paymentRequestId", p: oaAntom, endpoint: "cancel", set: map[string]any{"paymentId": oaDelete, "paymentRequestId": "walk-paid"}, schemaOK: true, handlerOK: true},
		{name: "refund without payment", p: oaMini, endpoint: "refund", set: map[string]any{"paymentId": "", "paymentRequestId": oaDelete}, field: "paymentId"},
		{name: "refund inquiry without ids", p: oaAntom, endpoint: "inquiryRefund", set: map[string]any{"refundId": nil, "refundRequestId": oaDelete}, field: "refundId"},
		// Antom.
		{name: "antom cashier product", p: oaAntom, set: map[string]any{"productCode": "CASHIER_PAYMENT"}, field: "productCode"},
		{name: "antom evaluation", p: oaAntom, set: map[string]any{"paymentFactor": map[string]any{"inStorePaymentScenario": "EntryCode", "isPaymentEvaluation": "true"}}, field: "paymentFactor.isPaymentEvaluation"},
		{name: "antom evaluation flag \"false\" as a string", p: oaAntom, set: map[string]any{"paymentFactor": map[string]any{"inStorePaymentScenario": "EntryCode", "isPaymentEvaluation": "false"}}, schemaOK: true, handlerOK: true},
		{name: "antom authorization, manual capture", p: oaAntom, set: map[string]any{"paymentFactor": map[string]any{"inStorePaymentScenario": "EntryCode", "isAuthorization": "true", "captureMode": "MANUAL"}}, schemaOK: true, handlerOK: true},
		{name: "antom authorization, capture mode by default", p: oaAntom, set: map[string]any{"paymentFactor": map[string]any{"inStorePaymentScenario": "EntryCode", "isAuthorization": true}}, schemaOK: true, handlerOK: true},
		{name: "antom manual capture without authorization", p: oaAntom, set: map[string]any{"paymentFactor": map[string]any{"inStorePaymentScenario": "EntryCode", "captureMode": "MANUAL"}}, field: "paymentFactor.captureMode"},
		{name: "antom automatic capture without authorization", p: oaAntom, set: map[string]any{"paymentFactor": map[string]any{"inStorePaymentScenario": "EntryCode", "captureMode": "AUTOMATIC", "isAuthorization": "false"}}, schemaOK: true, handlerOK: true},
		{name: "capture request id with NUL", p: oaMini, endpoint: "capture", set: map[string]any{"captureRequestId": "a\u0000b"}, field: "captureRequestId"},
		{name: "capture without payment", p: oaAntom, endpoint: "capture", set: map[string]any{"paymentId": ""}, field: "paymentId"},
		{name: "last capture as a string", p: oaAntom, endpoint: "capture", set: map[string]any{"isLastCapture": "true"}, schemaOK: true, handlerOK: true},
		// What the document can only say in words: it accepts them, the
		// handler refuses them.
		{name: "currency outside ISO 4217", set: map[string]any{"paymentAmount.currency": "XYZ"}, schemaOK: true, field: "paymentAmount.currency"},
		{name: "30 February", set: map[string]any{"paymentExpiryTime": "2026-02-30T08:00:00Z"}, schemaOK: true, field: "paymentExpiryTime"},
		{name: "expiry in the past", set: map[string]any{"paymentExpiryTime": wire.FormatTime(epEpoch.Add(-time.Second))}, schemaOK: true, field: "paymentExpiryTime"},
		{name: "expiry more than 7 days ahead", set: map[string]any{"paymentExpiryTime": wire.FormatTime(epEpoch.Add(7*24*time.Hour + time.Minute))}, schemaOK: true, field: "paymentExpiryTime"},
		{name: "URL with a bad escape", set: map[string]any{"paymentNotifyUrl": "https://m.example/%zz"}, schemaOK: true, field: "paymentNotifyUrl"},
		{name: "ORDER that is not JSON", set: map[string]any{"extraParams": map[string]any{"ORDER": "referenceOrderId=1"}}, schemaOK: true, field: "extraParams.ORDER"},
		{name: "member given twice", raw: `{"partnerId":"` + miniPartner + `","paymentOrderTitle":"t","paymentRequestId":"twice","paymentRequestId":"twice-2","paymentAmount":{"currency":"USD","value":"1"}}`, schemaOK: true, field: "paymentRequestId"},
	}
	groups := map[string][]edge{}
	for _, tt := range tests {
		if tt.p.partner == "" {
			tt.p = oaMini
		}
		if tt.endpoint == "" {
			tt.endpoint = "pay"
		}
		key := tt.p.String() + "/" + tt.endpoint
		groups[key] = append(groups[key], tt)
	}
	cases := map[string]oaRequestCase{}
	for _, rc := range oaRequestCases() {
		cases[rc.p.String()+"/"+rc.endpoint] = rc
	}
	for key, edges := range groups {
		rc, ok := cases[key]
		if !ok {
			t.Fatalf("no base request for %s", key)
		}
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			o := newOAHarness(t, epOptions{}, nil)
			var ids map[string]string
			if rc.setup != nil {
				ids = rc.setup(t, o)
			}
			_, opPtr, _ := d.operation(rc.p.path(rc.endpoint))
			reqPtr, _ := d.profileSchemas(t, opPtr, rc.p.prof)
			for i, tt := range edges {
				t.Run(tt.name, func(t *testing.T) {
					s := &oaSession{t: t, o: o, p: rc.p}
					var raw []byte
					if tt.raw != "" {
						raw = []byte(tt.raw)
					} else {
						body := rc.base(ids, 1000+i)
						for member, v := range tt.set {
							body = oaSet(t, body, strings.Split(member, "."), v)
						}
						raw = mustMarshal(t, body)
					}
					err := d.validateJSON(t, reqPtr, raw)
					if (err == nil) != tt.schemaOK {
						t.Errorf("document accepts: %v, want %v (%v)\n%s", err == nil, tt.schemaOK, err, raw)
					}
					a := s.send(rc.endpoint, raw)
					// Refused: PARAM_ILLEGAL, or MSG_PARSE_ERROR (v1-en's
					// name for a body that is not one JSON object).
					handlerOK := a.result.ResultCode != wire.CodeParamIllegal && a.result.ResultCode != wire.CodeMsgParseError
					if handlerOK != tt.handlerOK {
						t.Errorf("handler accepts: %v (%s %q), want %v", handlerOK, a.result.ResultCode, a.result.ResultMessage, tt.handlerOK)
					}
					if !handlerOK && !oaMessageNames(a.result.ResultMessage, tt.field) {
						t.Errorf("PARAM_ILLEGAL message %q does not name %s", a.result.ResultMessage, tt.field)
					}
				})
			}
		})
	}
}

// TestOpenAPIKindsAgreeWithTheDecoder holds the generator's schema of each
// member kind to the walker's reading of it: every member of every request
// definition (nested ones too) is sent missing, null, empty, of each wrong
// JSON type, at its maximum length and one over it, and off its enum, and
// the document's request schema for the profile must accept the body
// exactly when the decoder does (without the engine: its checks come after
// the walk). A refusal must name the member.
func TestOpenAPIKindsAgreeWithTheDecoder(t *testing.T) {
	d := loadOpenAPI(t)
	ids := map[string]string{"paymentId": "p-1", "paymentRequestId": "walk-paid", "refundId": "r-1", "refundRequestId": "walk-refund"}
	for _, rc := range oaRequestCases() {
		r, ok := requestShapeOf(rc.endpoint, rc.p.prof)
		if !ok {
			t.Fatalf("%s %s: no definition", rc.p.prof, rc.endpoint)
		}
		_, opPtr, _ := d.operation(rc.p.path(rc.endpoint))
		reqPtr, _ := d.profileSchemas(t, opPtr, rc.p.prof)
		decodes := func(body []byte) (bool, string) {
			var problem *fieldError
			var denied bool
			switch rc.endpoint {
			case "pay":
				def, _ := payRequestFor(&Partner{Profile: rc.p.prof})
				_, problem, denied = def.decode(body, rc.p.partner)
			case "refund":
				_, problem, denied = refundRequestFor(&Partner{Profile: rc.p.prof}).decode(body, rc.p.partner)
			case "inquiryRefund":
				_, problem, denied = refundQueryFor(&Partner{Profile: rc.p.prof}).decode(body, rc.p.partner)
			case "capture":
				_, problem, denied = captureRequestFor(&Partner{Profile: rc.p.prof}).decode(body, rc.p.partner)
			default:
				_, problem, denied = paymentQueryFor(&Partner{Profile: rc.p.prof}).decode(body, rc.p.partner)
			}
			if denied { // well formed, another partner's: ACCESS_DENIED, not a shape
				return true, ""
			}
			if problem != nil {
				return false, problem.message()
			}
			return true, ""
		}
		n := 0
		var walk func(path []string, ms []shape)
		walk = func(path []string, ms []shape) {
			for _, m := range ms {
				if m.name == "" {
					continue
				}
				p := append(slices.Clone(path), m.name)
				values := []any{oaDelete, nil, "", 12345, true, false, []any{}, map[string]any{}}
				if m.kind == kindJSONText { // that it holds JSON, the document says in words only
					values = append(values, "{}")
				} else {
					values = append(values, "some text")
				}
				if m.max > 0 && m.kind != kindTime && m.kind != kindEnum {
					for _, l := range []int{m.max, m.max + 1} {
						s := strings.Repeat("é", l)
						if m.kind == kindURL {
							s = "https://m.example/" + strings.Repeat("x", l-len("https://m.example/"))
						}
						values = append(values, s)
					}
				}
				for _, v := range m.values {
					values = append(values, v)
				}
				if m.kind == kindEnum {
					values = append(values, "NOT_IN_ENUM")
				}
				for _, v := range values {
					n++
					body := mustMarshal(t, oaSet(t, rc.base(ids, n), p, v))
					schemaOK := d.validateJSON(t, reqPtr, body) == nil
					decoderOK, msg := decodes(body)
					name := strings.Join(p, ".")
					switch {
					case schemaOK != decoderOK:
						t.Errorf("%s %s: %s = %#v: the document accepts it: %v, the decoder: %v (%s)", rc.p, rc.endpoint, name, v, schemaOK, decoderOK, msg)
					case !decoderOK && !oaMessageNames(msg, name):
						t.Errorf("%s %s: %s = %#v: message %q does not name it", rc.p, rc.endpoint, name, v, msg)
					}
				}
				walk(p, m.members)
			}
		}
		walk(nil, r.members)
		if n == 0 {
			t.Errorf("%s %s: no members tried", rc.p, rc.endpoint)
		}
	}
}
