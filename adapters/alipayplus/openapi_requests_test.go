package alipayplus

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// This file checks the request schemas of docs/openapi.json against the
// request decoder, member by member: every member a profile's request schema
// lists (top level and nested) is sent missing, null, empty, with values of
// every wrong JSON type, at its maxLength and one character over it (in
// ASCII and in a two-byte character), off its enum and off its pattern. For
// each such request the schema's verdict must be the handler's: the schema
// refuses it exactly when the handler answers F PARAM_ILLEGAL, and then the
// resultMessage names the member. Members of the base requests the document
// does not list are sent with wrong types too and must be ignored by both.
// So a member the decoder reads but the document does not list (or the
// reverse), a maximum length, a required list or an enum that differs
// between them fails the test.

// oaField is one member of a request schema, its constraints merged from
// every schema that applies to it (allOf, $ref and their siblings).
type oaField struct {
	path     []string
	required bool
	types    map[string]bool // allowed JSON types; nil: any
	maxLen   int             // -1: none
	patterns []string
	enum     []any
	media    bool // contentMediaType: a JSON text inside the string
	url      bool // an Url* component
	children []*oaField
	object   bool
}

func (f *oaField) name() string { return strings.Join(f.path, ".") }

// stringish reports whether the member takes strings.
func (f *oaField) stringish() bool {
	if f.types == nil || f.types["string"] {
		return true
	}
	for _, e := range f.enum {
		if _, ok := e.(string); ok {
			return true
		}
	}
	return false
}

// oaFields returns the members of the object schema at ptr.
func (d *oaDoc) oaFields(t testing.TB, ptr string) []*oaField {
	t.Helper()
	node, _ := d.lookup(ptr)
	return d.fieldsOf(t, []map[string]any{node.(map[string]any)}, nil)
}

// expand returns a schema and every schema its $refs and allOf lead to,
// and the names of the components referred to.
func (d *oaDoc) expand(t testing.TB, s map[string]any, out *[]map[string]any, refs *[]string) {
	t.Helper()
	*out = append(*out, s)
	if r, ok := s["$ref"].(string); ok {
		*refs = append(*refs, r[strings.LastIndex(r, "/")+1:])
		target, _ := d.lookup(r[1:])
		d.expand(t, target.(map[string]any), out, refs)
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, a := range all {
			d.expand(t, a.(map[string]any), out, refs)
		}
	}
}

func (d *oaDoc) fieldsOf(t testing.TB, schemas []map[string]any, parent []string) []*oaField {
	t.Helper()
	var all []map[string]any
	var refs []string
	for _, s := range schemas {
		d.expand(t, s, &all, &refs)
	}
	props := map[string][]map[string]any{}
	required := map[string]bool{}
	for _, s := range all {
		if p, ok := s["properties"].(map[string]any); ok {
			for name, ps := range p {
				props[name] = append(props[name], ps.(map[string]any))
			}
		}
		if r, ok := s["required"].([]any); ok {
			for _, name := range r {
				required[name.(string)] = true
			}
		}
	}
	var names []string
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []*oaField
	for _, name := range names {
		f := &oaField{path: append(slices.Clone(parent), name), required: required[name], maxLen: -1}
		var cs []map[string]any
		var frefs []string
		for _, s := range props[name] {
			d.expand(t, s, &cs, &frefs)
		}
		for _, r := range frefs {
			if strings.HasPrefix(r, "Url") {
				f.url = true
			}
		}
		for _, c := range cs {
			if ty, ok := c["type"]; ok {
				allowed := map[string]bool{}
				switch x := ty.(type) {
				case string:
					allowed[x] = true
				case []any:
					for _, v := range x {
						allowed[v.(string)] = true
					}
				}
				if f.types == nil {
					f.types = allowed
				} else {
					for k := range f.types {
						if !allowed[k] {
							delete(f.types, k)
						}
					}
				}
			}
			if n, ok := c["maxLength"].(json.Number); ok {
				v, _ := n.Int64()
				if f.maxLen < 0 || int(v) < f.maxLen {
					f.maxLen = int(v)
				}
			}
			if pat, ok := c["pattern"].(string); ok {
				f.patterns = append(f.patterns, pat)
			}
			if e, ok := c["enum"].([]any); ok && f.enum == nil {
				f.enum = e
			}
			if _, ok := c["contentMediaType"]; ok {
				f.media = true
			}
		}
		if f.types["object"] {
			f.object = true
			f.children = d.fieldsOf(t, cs, f.path)
		}
		out = append(out, f)
	}
	return out
}

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

// oaMutation is one value to put in a member.
type oaMutation struct {
	what  string
	value any
}

// oaURLOfLength is an absolute https URL of exactly n characters.
func oaURLOfLength(n int) string {
	const prefix = "https://m.example/"
	return prefix + strings.Repeat("x", n-len(prefix))
}

// oaNoControl is the pattern of text without control characters: strings
// of letters satisfy it, so such members get the length mutations.
const oaNoControl = `^[^\x00-\x1F\x7F]*$`

// plainText reports whether any string of letters satisfies the member's
// patterns.
func (f *oaField) plainText() bool {
	for _, p := range f.patterns {
		if p != oaNoControl {
			return false
		}
	}
	return true
}

// mutations lists the values tried in a member.
func (f *oaField) mutations() []oaMutation {
	ms := []oaMutation{
		{"missing", oaDelete}, {"null", nil}, {"empty string", ""},
		{"number", 12345}, {"boolean true", true}, {"boolean false", false},
		{"array", []any{}}, {"empty object", map[string]any{}},
	}
	if !f.stringish() {
		ms = append(ms, oaMutation{"string", "maybe"})
	}
	switch {
	case f.url && f.maxLen > 0:
		ms = append(ms,
			oaMutation{fmt.Sprintf("URL of %d characters", f.maxLen), oaURLOfLength(f.maxLen)},
			oaMutation{fmt.Sprintf("URL of %d characters", f.maxLen+1), oaURLOfLength(f.maxLen + 1)},
			oaMutation{"not a URL", "not a url"})
	case f.maxLen >= 0 && f.plainText() && f.enum == nil && !f.media:
		ms = append(ms,
			oaMutation{fmt.Sprintf("%d characters", f.maxLen), strings.Repeat("x", f.maxLen)},
			oaMutation{fmt.Sprintf("%d characters", f.maxLen+1), strings.Repeat("x", f.maxLen+1)},
			oaMutation{fmt.Sprintf("%d two-byte characters", f.maxLen), strings.Repeat("é", f.maxLen)},
			oaMutation{fmt.Sprintf("%d two-byte characters", f.maxLen+1), strings.Repeat("é", f.maxLen+1)})
	case len(f.patterns) > 0:
		ms = append(ms, oaMutation{"off its pattern", "x!"})
	}
	if f.enum != nil && f.stringish() {
		ms = append(ms, oaMutation{"off its enum", "NOT_IN_ENUM"})
	}
	for _, e := range f.enum {
		ms = append(ms, oaMutation{fmt.Sprintf("enum value %#v", e), e})
	}
	if f.media {
		ms = append(ms, oaMutation{"a JSON text", "{}"})
	} else {
		ms = append(ms, oaMutation{"a string", "some text"})
	}
	return ms
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
				"paymentFactor":      map[string]any{"inStorePaymentScenario": "EntryCode", "isPaymentEvaluation": "false"},
				"settlementStrategy": map[string]any{"settlementCurrency": "USD"}, "merchantRegion": "US",
			}
		}},
	)
	for _, p := range []oaProfileCase{oaMini, oaAntom} {
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

func TestOpenAPIRequestSchemasMatchTheDecoder(t *testing.T) {
	d := loadOpenAPI(t)
	for _, rc := range oaRequestCases() {
		t.Run(rc.p.String()+"/"+rc.endpoint, func(t *testing.T) {
			t.Parallel()
			o := newOAHarness(t, epOptions{}, nil)
			var ids map[string]string
			if rc.setup != nil {
				ids = rc.setup(t, o)
			}
			s := &oaSession{t: t, o: o, p: rc.p}
			_, opPtr, ok := d.operation(rc.p.path(rc.endpoint))
			if !ok {
				t.Fatalf("%s not documented", rc.p.path(rc.endpoint))
			}
			reqPtr, _ := d.profileSchemas(t, opPtr, rc.p.prof)
			n := 0
			send := func(what string, body map[string]any) (schemaOK, handlerOK bool, a oaAnswer) {
				t.Helper()
				raw := mustMarshal(t, body)
				schemaOK = d.validateJSON(t, reqPtr, raw) == nil
				a = s.send(rc.endpoint, raw)
				if a.status != http.StatusOK {
					t.Fatalf("%s: HTTP %d %s", what, a.status, a.body)
				}
				return schemaOK, a.result.ResultCode != wire.CodeParamIllegal, a
			}

			if ok, hok, a := send("base", rc.base(ids, n)); !ok || !hok {
				t.Fatalf("the base request is not valid (schema %v, handler %s %q)", ok, a.result.ResultCode, a.result.ResultMessage)
			}
			fields := d.oaFields(t, reqPtr)
			var walk func(fs []*oaField)
			tried := 0
			walk = func(fs []*oaField) {
				for _, f := range fs {
					for _, m := range f.mutations() {
						n++
						tried++
						body := oaSet(t, rc.base(ids, n), f.path, m.value)
						what := fmt.Sprintf("%s %s", f.name(), m.what)
						schemaOK, handlerOK, a := send(what, body)
						switch {
						case schemaOK && !handlerOK:
							t.Errorf("%s: the document accepts it, the handler answers %s %q", what, a.result.ResultCode, a.result.ResultMessage)
						case !schemaOK && handlerOK:
							err := d.validateJSON(t, reqPtr, mustMarshal(t, body))
							t.Errorf("%s: the handler accepts it (%s %s), the document refuses it: %v", what, a.result.ResultStatus, a.result.ResultCode, err)
						case !handlerOK && !oaMessageNames(a.result.ResultMessage, f.name()):
							t.Errorf("%s: PARAM_ILLEGAL message %q does not name %s", what, a.result.ResultMessage, f.name())
						}
					}
					if f.object && len(f.children) > 0 {
						walk(f.children)
					}
				}
			}
			walk(fields)

			// Members the document does not list must be ignored, whatever
			// their value (the base requests carry every member the
			// decoder reads, and a few unknown ones).
			var undocumented func(fs []*oaField, path []string)
			undocumented = func(fs []*oaField, path []string) {
				obj := rc.base(ids, 0)
				for _, k := range path {
					obj, _ = obj[k].(map[string]any)
				}
				known := map[string]*oaField{}
				for _, f := range fs {
					known[f.path[len(f.path)-1]] = f
				}
				var keys []string
				for k := range obj {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					if f, ok := known[k]; ok {
						if f.object {
							undocumented(f.children, f.path)
						}
						continue
					}
					member := append(slices.Clone(path), k)
					for _, v := range []any{[]any{}, 12345} {
						n++
						tried++
						what := fmt.Sprintf("undocumented member %s = %v", strings.Join(member, "."), v)
						schemaOK, handlerOK, a := send(what, oaSet(t, rc.base(ids, n), member, v))
						if !schemaOK || !handlerOK {
							t.Errorf("%s: document accepts %v, handler answers %s %q: the decoder reads a member the document does not list", what, schemaOK, a.result.ResultCode, a.result.ResultMessage)
						}
					}
				}
			}
			undocumented(fields, nil)
			t.Logf("%d members, %d requests", len(fields), tried)
		})
	}
}

// TestOpenAPIRequestEdgeCases checks values the member walk does not try:
// patterns, cross-member rules, control characters, and the constraints the
// document can only describe in words (asserted so that its text stays
// true).
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
		{name: "authorization payment", set: map[string]any{"paymentFactor": map[string]any{"isAuthorizationPayment": true}}, field: "paymentFactor.isAuthorizationPayment"},
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
					handlerOK := a.result.ResultCode != wire.CodeParamIllegal
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
