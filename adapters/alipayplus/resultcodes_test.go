package alipayplus

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
)

// resultCodesDoc is the table of result codes by profile and condition.
var resultCodesDoc = filepath.Join("..", "..", "docs", "result-codes.md")

// rcRow is one row of the table in docs/result-codes.md.
type rcRow struct {
	line      int
	profiles  []string
	endpoints []string
	condition string
	status    string
	code      string
	http      int
}

// readResultCodesTable parses the table under "## The table".
func readResultCodesTable(t *testing.T) []rcRow {
	t.Helper()
	raw, err := os.ReadFile(resultCodesDoc)
	if err != nil {
		t.Fatal(err)
	}
	all := []string{"pay", "inquiryPayment", "cancel", "refund", "inquiryRefund", "capture"}
	list := func(cell string, everything []string) []string {
		if cell == "all" {
			return everything
		}
		var out []string
		for _, s := range strings.Split(cell, ",") {
			out = append(out, strings.TrimSpace(s))
		}
		return out
	}
	var rows []rcRow
	in := false
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == "## The table"
			continue
		case !in || !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") || strings.HasPrefix(line, "| profile |"):
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 7 {
			t.Fatalf("%s:%d: %d cells, want 7: %s", resultCodesDoc, n, len(cells), line)
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		status, err := strconv.Atoi(cells[5])
		if err != nil {
			t.Fatalf("%s:%d: HTTP status %q", resultCodesDoc, n, cells[5])
		}
		if cells[6] == "" {
			t.Errorf("%s:%d: no source", resultCodesDoc, n)
		}
		r := rcRow{line: n, profiles: list(cells[0], []string{string(ProfileMiniProgramV1), string(ProfileV1EN), string(ProfileAntom)}),
			endpoints: list(cells[1], all), condition: cells[2], status: cells[3], code: cells[4], http: status}
		for _, e := range r.endpoints {
			if _, ok := endpointNamed(e); !ok {
				t.Errorf("%s:%d: no endpoint %q", resultCodesDoc, n, e)
			}
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no table under \"## The table\"", resultCodesDoc)
	}
	return rows
}

// rcCase is a row's condition met by one profile on one endpoint.
type rcCase struct {
	t     *testing.T
	o     *oaHarness
	s     *oaSession
	p     oaProfileCase
	ep    string
	rules *engine.StaticLimits // the engine's Limits, empty until a condition sets some
}

func (c *rcCase) f() *epFixture { return c.o.f }

// call sends a call to the endpoint's path, signed by the profile's partner
// unless it says otherwise, with a valid body unless it gives one.
func (c *rcCase) call(call oaCall) oaAnswer {
	c.t.Helper()
	if call.partner == "" {
		call.partner = c.p.partner
	}
	if call.path == "" {
		call.path = c.p.path(c.ep)
	}
	if call.body == nil {
		call.body = mustMarshal(c.t, c.valid())
	}
	return c.o.do(c.t, call)
}

// valid is a body the endpoint accepts.
func (c *rcCase) valid() map[string]any {
	p := c.p
	switch c.ep {
	case "pay":
		return p.pay("rc-1", "100")
	case "refund":
		return p.withPartner(map[string]any{"refundRequestId": "rc-r", "paymentId": "rc-p", "refundAmount": oaAmount("USD", "1")})
	case "inquiryRefund":
		return p.withPartner(map[string]any{"refundRequestId": "rc-r"})
	case "capture":
		return p.capture("rc-c", "rc-p", "1", false)
	default:
		return p.withPartner(map[string]any{"paymentRequestId": "rc-1"})
	}
}

// waiting creates a payment that waits for the user and returns its id.
func (c *rcCase) waiting(requestID, value string) string {
	c.t.Helper()
	a := c.s.send("pay", c.p.pay(requestID, value))
	id := a.str("paymentId")
	if id == "" {
		c.t.Fatalf("pay %s: no paymentId in %s", requestID, a.body)
	}
	return id
}

// paid creates a payment of 1000 the user paid and returns its id.
func (c *rcCase) paid(requestID string) string {
	c.t.Helper()
	id := c.waiting(requestID, "1000")
	c.confirm(id)
	return id
}

func (c *rcCase) confirm(paymentID string) {
	c.t.Helper()
	if _, err := c.f().eng.Confirm(context.Background(), paymentID, "alice"); err != nil {
		c.t.Fatalf("confirm %s: %v", paymentID, err)
	}
}

func (c *rcCase) query(m map[string]any) map[string]any { return c.p.withPartner(m) }

// authorized creates an authorization of 1000 the user authorized and
// returns its id.
func (c *rcCase) authorized(requestID string) string {
	c.t.Helper()
	a := c.s.send("pay", c.p.authorize(requestID, "1000", false))
	id := a.str("paymentId")
	if id == "" {
		c.t.Fatalf("pay %s: no paymentId in %s", requestID, a.body)
	}
	c.confirm(id)
	return id
}

func (c *rcCase) capture(requestID, paymentID, value string, last bool) map[string]any {
	return c.p.capture(requestID, paymentID, value, last)
}

func (c *rcCase) refund(requestID, paymentID, value string) map[string]any {
	return c.p.withPartner(map[string]any{"refundRequestId": requestID, "paymentId": paymentID, "refundAmount": oaAmount("USD", value)})
}

// sync is a pay with an auth code and scenario flags (mini-program and
// v1-en synchronous scenarios).
func (c *rcCase) sync(requestID, code string, flags map[string]any) map[string]any {
	m := c.p.pay(requestID, "100")
	m["paymentAuthCode"] = code
	m["paymentFactor"] = flags
	return m
}

// agreement is an agreement pay with access token token.
func (c *rcCase) agreement(requestID, token string) map[string]any {
	m := c.p.pay(requestID, "100")
	m["paymentAuthCode"] = token
	if c.p.prof == ProfileMiniProgramV1 {
		m["paymentFactor"] = map[string]any{"isAgreementPay": true}
	}
	return m
}

var (
	rcHold = func(string, engine.FundsRequest) memfunds.Fault { return memfunds.HoldAsUnknown }
	rcStr  = func(s string) *string { return &s }
)

// rcConditions meets each condition of the table and returns the answers
// to check (every one must match the row).
var rcConditions = map[string]func(c *rcCase) []oaAnswer{
	// Transport.
	"path names no endpoint": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.call(oaCall{path: c.p.path(c.ep) + "Nothing"}), c.call(oaCall{path: c.p.prefix + wire.PathPrefix + "nothing"})}
	},
	"path under /ams/api for a partner that is not antom": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.call(oaCall{path: antomPrefix + wire.PathPrefix + c.ep})}
	},
	"method is not POST": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.call(oaCall{method: http.MethodGet}), c.call(oaCall{method: http.MethodPut})}
	},
	"Content-Type is not JSON in UTF-8": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.call(oaCall{contentType: rcStr("text/plain")}), c.call(oaCall{contentType: rcStr("application/json; charset=ISO-8859-1")})}
	},
	"body over the size limit": func(c *rcCase) []oaAnswer {
		big := append([]byte(`{"extendInfo":"`), bytes.Repeat([]byte("x"), DefaultMaxBodyBytes)...)
		return []oaAnswer{c.call(oaCall{body: append(big, `"}`...)})}
	},
	"body cannot be read": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.call(oaCall{tamper: func(r *http.Request) { r.Body = io.NopCloser(oaErrReader{}) }})}
	},
	"Client-Id missing, repeated or unknown": func(c *rcCase) []oaAnswer {
		return []oaAnswer{
			c.call(oaCall{tamper: func(r *http.Request) { r.Header.Del("Client-Id") }}),
			c.call(oaCall{tamper: func(r *http.Request) { r.Header.Add("Client-Id", "nobody") }}),
			c.call(oaCall{tamper: func(r *http.Request) { r.Header.Set("Client-Id", "nobody") }}),
		}
	},
	"Request-Time missing, malformed or stale": func(c *rcCase) []oaAnswer {
		return []oaAnswer{
			c.call(oaCall{tamper: func(r *http.Request) { r.Header.Del("Request-Time") }}),
			c.call(oaCall{reqTime: "yesterday"}),
			c.call(oaCall{reqTime: wire.FormatTime(c.f().clock.Now().Add(-6 * time.Minute))}),
		}
	},
	"signature does not verify": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.call(oaCall{signBody: []byte(`{}`)})}
	},
	"keyVersion not registered": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.call(oaCall{keyVersion: rcStr("9")})}
	},
	"body is not a JSON object": func(c *rcCase) []oaAnswer {
		var out []oaAnswer
		for _, b := range []string{`{`, `[]`, `"pay"`, ``, "{\"a\":\"\xff\"}", `{} {}`} {
			out = append(out, c.call(oaCall{body: []byte(b)}))
		}
		return out
	},
	"required member missing or of the wrong type": func(c *rcCase) []oaAnswer {
		return []oaAnswer{
			c.s.send(c.ep, c.p.withPartner(map[string]any{})),
			c.s.send(c.ep, []byte(`{"partnerId": 12}`)),
		}
	},
	"partnerId of another partner": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.s.send(c.ep, map[string]any{"partnerId": mini2Partner, "paymentRequestId": "rc-1"})}
	},
	"extendInfo.customerBelongsTo names another site (site name configured)": func(c *rcCase) []oaAnswer {
		body := c.valid()
		body["extendInfo"] = `{"customerBelongsTo":"otherWallet"}`
		return []oaAnswer{c.call(oaCall{body: mustMarshal(c.t, body), handler: c.o.siteHandler(c.t)})}
	},
	"cashier pay without extendInfo.customerBelongsTo (site name configured)": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.call(oaCall{handler: c.o.siteHandler(c.t)})}
	},
	"store fails (internal error)": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.call(oaCall{handler: c.o.brokenHandler(c.t, oaStoreFails)})}
	},
	"no body-reading slot free within 5 s": func(c *rcCase) []oaAnswer {
		h := c.o.busyHandler(c.t)
		return []oaAnswer{c.call(oaCall{handler: h})}
	},
	"panic while serving": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.call(oaCall{handler: c.o.brokenHandler(c.t, oaStorePanics)})}
	},
	"partner over its rate limit": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.call(oaCall{handler: rateLimitedCopy(c.t, c.f().h)})}
	},

	// pay.
	"cashier payment created, waiting for the user": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.s.send("pay", c.p.pay("rc-1", "100"))}
	},
	"entry-code payment created, waiting for the user": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.s.send("pay", c.p.pay("rc-1", "100"))}
	},
	"repeat of a waiting payment with other content": func(c *rcCase) []oaAnswer {
		c.waiting("rc-1", "100")
		return []oaAnswer{c.s.send("pay", c.p.pay("rc-1", "101"))}
	},
	"repeat of a paid payment": func(c *rcCase) []oaAnswer {
		c.paid("rc-1")
		return []oaAnswer{c.s.send("pay", c.p.pay("rc-1", "1000"))}
	},
	"currency not supported": func(c *rcCase) []oaAnswer {
		eur := c.p.pay("rc-eur", "100")
		eur["paymentAmount"] = oaAmount("EUR", "100")
		return []oaAnswer{c.s.send("pay", eur)}
	},
	"amount over the wallet's limit": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.s.send("pay", c.p.pay("rc-big", "100000001"))}
	},
	"amount over the partner's limit for its currency": func(c *rcCase) []oaAnswer {
		c.rules.Partners[c.p.partner] = engine.PartnerRules{PerPayment: map[string]int64{"USD": 99}}
		return []oaAnswer{c.s.send("pay", c.p.pay("rc-cap", "100"))}
	},
	"partner suspended": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		auth := c.authorized("rc-a")
		c.rules.Partners[c.p.partner] = engine.PartnerRules{Suspended: true}
		switch c.ep {
		case "refund":
			return []oaAnswer{c.s.send("refund", c.refund("rc-r", id, "1"))}
		case "capture":
			return []oaAnswer{c.s.send("capture", c.capture("rc-c", auth, "1", false))}
		}
		return []oaAnswer{c.s.send("pay", c.p.pay("rc-2", "100"))}
	},
	"inquiry of a suspended partner's payment": func(c *rcCase) []oaAnswer {
		c.paid("rc-1")
		c.rules.Partners[c.p.partner] = engine.PartnerRules{Suspended: true}
		return []oaAnswer{c.s.send("inquiryPayment", c.query(map[string]any{"paymentRequestId": "rc-1"}))}
	},
	"agreement payment, user frozen": func(c *rcCase) []oaAnswer {
		c.f().ledger.SetBalance("bob", "USD", 10_000)
		c.f().ledger.AddAccessToken("token-bob", "bob")
		c.rules.Users["bob"] = engine.UserRules{Frozen: true}
		return []oaAnswer{c.s.send("pay", c.agreement("rc-1", "token-bob"))}
	},
	"agreement payment over the user's daily amount": func(c *rcCase) []oaAnswer {
		c.f().ledger.SetBalance("bob", "USD", 10_000)
		c.f().ledger.AddAccessToken("token-bob", "bob")
		c.rules.Users["bob"] = engine.UserRules{Daily: map[string]int64{"USD": 150}}
		if a := c.s.send("pay", c.agreement("rc-1", "token-bob")); a.result.ResultStatus != wire.StatusSuccess {
			c.t.Fatalf("first agreement pay: %+v", a.result)
		}
		return []oaAnswer{c.s.send("pay", c.agreement("rc-2", "token-bob"))}
	},
	"agreement payment over the user's daily count": func(c *rcCase) []oaAnswer {
		c.f().ledger.SetBalance("bob", "USD", 10_000)
		c.f().ledger.AddAccessToken("token-bob", "bob")
		c.rules.Users["bob"] = engine.UserRules{DailyCount: 1}
		if a := c.s.send("pay", c.agreement("rc-1", "token-bob")); a.result.ResultStatus != wire.StatusSuccess {
			c.t.Fatalf("first agreement pay: %+v", a.result)
		}
		return []oaAnswer{c.s.send("pay", c.agreement("rc-2", "token-bob"))}
	},
	"agreement payment, balance too low": func(c *rcCase) []oaAnswer {
		c.f().ledger.SetBalance("poor", "USD", 1)
		c.f().ledger.AddAccessToken("token-poor", "poor")
		return []oaAnswer{c.s.send("pay", c.agreement("rc-1", "token-poor"))}
	},
	"agreement payment, unknown access token": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.s.send("pay", c.agreement("rc-1", "token-nobody"))}
	},
	"payment code already used": func(c *rcCase) []oaAnswer {
		c.f().ledger.SetBalance("bob", "USD", 10_000)
		c.f().ledger.AddPaymentCode("code-bob", "bob")
		code := map[string]any{"isPaymentCode": true}
		if a := c.s.send("pay", c.sync("rc-1", "code-bob", code)); a.result.ResultStatus != wire.StatusSuccess {
			c.t.Fatalf("first payment-code pay: %s", a.body)
		}
		return []oaAnswer{c.s.send("pay", c.sync("rc-2", "code-bob", code))}
	},
	"payment code unknown": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.s.send("pay", c.sync("rc-1", "code-nobody", map[string]any{"isPaymentCode": true}))}
	},
	"repeat of a payment declined by risk": func(c *rcCase) []oaAnswer {
		id := c.waiting("rc-1", "100")
		if _, err := c.f().eng.Fail(context.Background(), id, engine.CodeRiskReject, ""); err != nil {
			c.t.Fatal(err)
		}
		return []oaAnswer{c.s.send("pay", c.p.pay("rc-1", "100"))}
	},
	"repeat while the debit is in flight": func(c *rcCase) []oaAnswer {
		id := c.waiting("rc-1", "100")
		c.f().ledger.Inject = rcHold
		c.confirm(id)
		return []oaAnswer{c.s.send("pay", c.p.pay("rc-1", "100"))}
	},
	"repeat of an unpaid payment that was cancelled": func(c *rcCase) []oaAnswer {
		c.waiting("rc-1", "100")
		c.s.want("cancel", c.query(map[string]any{"paymentRequestId": "rc-1"}), wire.StatusSuccess, wire.CodeSuccess)
		return []oaAnswer{c.s.send("pay", c.p.pay("rc-1", "100"))}
	},
	"agreement authorization, hold placed": func(c *rcCase) []oaAnswer {
		c.f().ledger.SetBalance("bob", "USD", 10_000)
		c.f().ledger.AddAccessToken("token-bob", "bob")
		m := c.agreement("rc-1", "token-bob")
		m["paymentFactor"] = map[string]any{"isAgreementPay": true, "isAuthorizationPayment": true}
		a := c.s.send("pay", m)
		if a.str("authExpiryTime") == "" {
			c.t.Errorf("no authExpiryTime in %s", a.body)
		}
		return []oaAnswer{a, c.s.send("pay", m)}
	},
	"repeat of an authorized authorization": func(c *rcCase) []oaAnswer {
		c.authorized("rc-1")
		return []oaAnswer{c.s.send("pay", c.p.authorize("rc-1", "1000", false))}
	},
	"authorization of an order code or an evaluation": func(c *rcCase) []oaAnswer {
		order := c.sync("rc-1", "", map[string]any{"isOrderCode": true, "isAuthorizationPayment": true})
		delete(order, "paymentAuthCode")
		return []oaAnswer{
			c.s.send("pay", order),
			c.s.send("pay", c.sync("rc-2", "token-bob", map[string]any{"isAgreementPay": true, "isPaymentEvaluation": true, "isAuthorizationPayment": true})),
		}
	},
	"captureMode MANUAL without isAuthorization": func(c *rcCase) []oaAnswer {
		m := c.p.pay("rc-1", "100")
		m["paymentFactor"] = map[string]any{"inStorePaymentScenario": "EntryCode", "captureMode": "MANUAL"}
		return []oaAnswer{c.s.send("pay", m)}
	},
	"repeat while the authorization's hold is in flight": func(c *rcCase) []oaAnswer {
		a := c.s.send("pay", c.p.authorize("rc-1", "100", false))
		c.f().ledger.Inject = rcHold
		c.confirm(a.str("paymentId"))
		return []oaAnswer{c.s.send("pay", c.p.authorize("rc-1", "100", false))}
	},
	"repeat of a paid payment that was cancelled": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		c.s.want("cancel", c.query(map[string]any{"paymentId": id}), wire.StatusSuccess, wire.CodeSuccess)
		return []oaAnswer{c.s.send("pay", c.p.pay("rc-1", "1000"))}
	},

	// inquiryPayment and cancel.
	"payment not found": func(c *rcCase) []oaAnswer {
		if c.ep == "refund" {
			return []oaAnswer{c.s.send("refund", c.refund("rc-r", "nothing", "1"))}
		}
		return []oaAnswer{
			c.s.send(c.ep, c.query(map[string]any{"paymentId": "nothing"})),
			c.s.send(c.ep, c.query(map[string]any{"paymentRequestId": "nothing"})),
		}
	},
	"paymentId and paymentRequestId name different payments": func(c *rcCase) []oaAnswer {
		x := c.paid("rc-1")
		y := c.waiting("rc-2", "100")
		if c.ep == "refund" {
			both := c.refund("rc-r", x, "1")
			both["paymentRequestId"] = "rc-2"
			return []oaAnswer{c.s.send("refund", both)}
		}
		return []oaAnswer{
			c.s.send(c.ep, c.query(map[string]any{"paymentId": x, "paymentRequestId": "rc-2"})),
			c.s.send(c.ep, c.query(map[string]any{"paymentId": y, "paymentRequestId": "nothing"})),
		}
	},
	"payment found": func(c *rcCase) []oaAnswer {
		id := c.waiting("rc-1", "100")
		return []oaAnswer{
			c.s.send(c.ep, c.query(map[string]any{"paymentId": id})),
			c.s.send(c.ep, c.query(map[string]any{"paymentRequestId": "rc-1"})),
		}
	},
	"cancel of a waiting or paid payment": func(c *rcCase) []oaAnswer {
		c.waiting("rc-1", "100")
		id := c.paid("rc-2")
		return []oaAnswer{
			c.s.send("cancel", c.query(map[string]any{"paymentRequestId": "rc-1"})),
			c.s.send("cancel", c.query(map[string]any{"paymentId": id})),
		}
	},
	"authorization found, with captures": func(c *rcCase) []oaAnswer {
		id := c.authorized("rc-1")
		c.s.want("capture", c.capture("rc-c", id, "100", false), wire.StatusSuccess, wire.CodeSuccess)
		a := c.s.send("inquiryPayment", c.query(map[string]any{"paymentId": id}))
		if a.str("authExpiryTime") == "" || len(a.fields["transactions"].([]any)) != 1 {
			c.t.Errorf("inquiry of an authorization: %s", a.body)
		}
		return []oaAnswer{a}
	},
	"void of an authorization, partly captured or not": func(c *rcCase) []oaAnswer {
		x := c.authorized("rc-1")
		y := c.authorized("rc-2")
		c.s.want("capture", c.capture("rc-c", y, "100", false), wire.StatusSuccess, wire.CodeSuccess)
		return []oaAnswer{
			c.s.send("cancel", c.query(map[string]any{"paymentId": x})),
			c.s.send("cancel", c.query(map[string]any{"paymentRequestId": "rc-2"})),
		}
	},
	"void while a capture is in flight": func(c *rcCase) []oaAnswer {
		id := c.authorized("rc-1")
		c.f().ledger.Inject = rcHold
		c.s.want("capture", c.capture("rc-c", id, "100", false), wire.StatusUnknown, wire.CodeCaptureInProcess)
		return []oaAnswer{c.s.send("cancel", c.query(map[string]any{"paymentId": id}))}
	},
	"cancel while the reversal is in flight": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		c.f().ledger.Inject = rcHold
		return []oaAnswer{c.s.send("cancel", c.query(map[string]any{"paymentId": id}))}
	},
	"cancel of a refunded payment": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		c.s.want("refund", c.refund("rc-r", id, "1"), wire.StatusSuccess, wire.CodeSuccess)
		return []oaAnswer{c.s.send("cancel", c.query(map[string]any{"paymentId": id}))}
	},
	"cancel after the cancel window": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		c.f().clock.Advance(25 * time.Hour)
		return []oaAnswer{c.s.send("cancel", c.query(map[string]any{"paymentId": id}))}
	},

	// refund and inquiryRefund.
	"refund of a paid payment": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		return []oaAnswer{c.s.send("refund", c.refund("rc-r", id, "1000"))}
	},
	"refund of an unpaid payment": func(c *rcCase) []oaAnswer {
		id := c.waiting("rc-1", "100")
		return []oaAnswer{c.s.send("refund", c.refund("rc-r", id, "1"))}
	},
	"refund over the paid amount": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		c.s.want("refund", c.refund("rc-r1", id, "600"), wire.StatusSuccess, wire.CodeSuccess)
		return []oaAnswer{c.s.send("refund", c.refund("rc-r2", id, "401")), c.s.send("refund", c.refund("rc-r3", id, "1001"))}
	},
	"refund in another currency": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		other := c.refund("rc-r", id, "1")
		other["refundAmount"] = oaAmount("CLP", "1")
		return []oaAnswer{c.s.send("refund", other)}
	},
	"repeat of a refund with other content": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		c.s.want("refund", c.refund("rc-r", id, "50"), wire.StatusSuccess, wire.CodeSuccess)
		return []oaAnswer{c.s.send("refund", c.refund("rc-r", id, "51"))}
	},
	"refund while the credit is in flight": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		c.f().ledger.Inject = rcHold
		return []oaAnswer{c.s.send("refund", c.refund("rc-r", id, "1")), c.s.send("refund", c.refund("rc-r", id, "1"))}
	},
	"refund after the refund window": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		c.f().clock.Advance(367 * 24 * time.Hour)
		return []oaAnswer{c.s.send("refund", c.refund("rc-r", id, "1"))}
	},
	"refund found": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		r := c.s.want("refund", c.refund("rc-r", id, "1"), wire.StatusSuccess, wire.CodeSuccess)
		return []oaAnswer{
			c.s.send("inquiryRefund", c.query(map[string]any{"refundRequestId": "rc-r"})),
			c.s.send("inquiryRefund", c.query(map[string]any{"refundId": r.str("refundId")})),
		}
	},
	"refundId and refundRequestId name different refunds": func(c *rcCase) []oaAnswer {
		id := c.paid("rc-1")
		r := c.s.want("refund", c.refund("rc-r", id, "1"), wire.StatusSuccess, wire.CodeSuccess)
		c.s.want("refund", c.refund("rc-r2", id, "1"), wire.StatusSuccess, wire.CodeSuccess)
		return []oaAnswer{
			c.s.send("inquiryRefund", c.query(map[string]any{"refundId": r.str("refundId"), "refundRequestId": "rc-r2"})),
			c.s.send("inquiryRefund", c.query(map[string]any{"refundId": r.str("refundId"), "refundRequestId": "nothing"})),
		}
	},
	"capture of an authorization": func(c *rcCase) []oaAnswer {
		id := c.authorized("rc-1")
		return []oaAnswer{
			c.s.send("capture", c.capture("rc-c1", id, "400", false)),
			c.s.send("capture", c.capture("rc-c1", id, "400", false)),
			c.s.send("capture", c.capture("rc-c2", id, "600", true)),
		}
	},
	"capture over what the authorization has left": func(c *rcCase) []oaAnswer {
		id := c.authorized("rc-1")
		c.s.want("capture", c.capture("rc-c1", id, "400", false), wire.StatusSuccess, wire.CodeSuccess)
		return []oaAnswer{c.s.send("capture", c.capture("rc-c2", id, "601", false)), c.s.send("capture", c.capture("rc-c3", id, "1001", true))}
	},
	"capture after a void": func(c *rcCase) []oaAnswer {
		id := c.authorized("rc-1")
		c.s.want("cancel", c.query(map[string]any{"paymentId": id}), wire.StatusSuccess, wire.CodeSuccess)
		return []oaAnswer{c.s.send("capture", c.capture("rc-c", id, "1", false)), c.s.send("capture", c.capture("rc-c", id, "1", false))}
	},
	"capture after the authorization expired": func(c *rcCase) []oaAnswer {
		id := c.authorized("rc-1")
		c.f().clock.Advance(engine.DefaultAuthExpiry)
		return []oaAnswer{c.s.send("capture", c.capture("rc-c", id, "1", false)), c.s.send("capture", c.capture("rc-c2", id, "1", false))}
	},
	"capture of a payment that is no authorization or not authorized yet": func(c *rcCase) []oaAnswer {
		paid := c.paid("rc-1")
		waiting := c.s.send("pay", c.p.authorize("rc-2", "100", false)).str("paymentId")
		return []oaAnswer{c.s.send("capture", c.capture("rc-c1", paid, "1", false)), c.s.send("capture", c.capture("rc-c2", waiting, "1", false))}
	},
	"authorization not found": func(c *rcCase) []oaAnswer {
		return []oaAnswer{c.s.send("capture", c.capture("rc-c", "nothing", "1", false))}
	},
	"capture in another currency": func(c *rcCase) []oaAnswer {
		id := c.authorized("rc-1")
		other := c.capture("rc-c", id, "1", false)
		other["captureAmount"] = oaAmount("CLP", "1")
		return []oaAnswer{c.s.send("capture", other)}
	},
	"repeat of a capture with other content": func(c *rcCase) []oaAnswer {
		id := c.authorized("rc-1")
		c.s.want("capture", c.capture("rc-c", id, "100", false), wire.StatusSuccess, wire.CodeSuccess)
		return []oaAnswer{c.s.send("capture", c.capture("rc-c", id, "101", false)), c.s.send("capture", c.capture("rc-c", id, "100", true))}
	},
	"capture after the last capture": func(c *rcCase) []oaAnswer {
		id := c.authorized("rc-1")
		c.s.want("capture", c.capture("rc-c1", id, "100", true), wire.StatusSuccess, wire.CodeSuccess)
		return []oaAnswer{c.s.send("capture", c.capture("rc-c2", id, "1", false))}
	},
	"capture while its money or another capture is in flight": func(c *rcCase) []oaAnswer {
		id := c.authorized("rc-1")
		c.f().ledger.Inject = rcHold
		return []oaAnswer{
			c.s.send("capture", c.capture("rc-c1", id, "100", false)),
			c.s.send("capture", c.capture("rc-c1", id, "100", false)),
			c.s.send("capture", c.capture("rc-c2", id, "100", true)),
		}
	},
	"capture the ledger declined": func(c *rcCase) []oaAnswer {
		id := c.authorized("rc-1")
		c.f().ledger.Inject = func(string, engine.FundsRequest) memfunds.Fault { return memfunds.LostRequest }
		c.s.want("capture", c.capture("rc-c", id, "100", false), wire.StatusUnknown, wire.CodeCaptureInProcess)
		c.f().ledger.Inject = nil
		c.f().clock.Advance(time.Hour)
		if _, err := c.f().eng.Reconcile(context.Background(), 10); err != nil {
			c.t.Fatal(err)
		}
		return []oaAnswer{c.s.send("capture", c.capture("rc-c", id, "100", false))}
	},
	"refund not found": func(c *rcCase) []oaAnswer {
		return []oaAnswer{
			c.s.send("inquiryRefund", c.query(map[string]any{"refundRequestId": "nothing"})),
			c.s.send("inquiryRefund", c.query(map[string]any{"refundId": "nothing"})),
		}
	},
}

// TestResultCodesTable sends every row of docs/result-codes.md, for every
// profile and endpoint it names, to the handler (over a fresh fixture, each
// exchange checked against docs/openapi.json by the harness) and checks the
// answer's HTTP status, resultStatus and resultCode. A row whose condition
// is not in rcConditions fails, and so does a condition no row uses: the
// table and the behaviour cannot drift apart.
func TestResultCodesTable(t *testing.T) {
	rows := readResultCodesTable(t)
	used := map[string]bool{}
	cases := map[Profile]oaProfileCase{ProfileMiniProgramV1: oaMini, ProfileV1EN: oaEN, ProfileAntom: oaAntom}
	for _, row := range rows {
		meet, ok := rcConditions[row.condition]
		if !ok {
			t.Errorf("%s:%d: no test meets the condition %q (add it to rcConditions)", resultCodesDoc, row.line, row.condition)
			continue
		}
		used[row.condition] = true
		for _, prof := range row.profiles {
			p, ok := cases[Profile(prof)]
			if !ok {
				t.Errorf("%s:%d: no profile %q", resultCodesDoc, row.line, prof)
				continue
			}
			for _, ep := range row.endpoints {
				t.Run(prof+"/"+ep+"/"+row.condition, func(t *testing.T) {
					t.Parallel()
					rules := &engine.StaticLimits{Partners: map[string]engine.PartnerRules{}, Users: map[string]engine.UserRules{}}
					o := newOAHarness(t, epOptions{engine: func(c *engine.Config) {
						c.Currencies = []string{"USD", "CLP", "JPY"}
						c.MaxAmount = 100_000_000
						c.Limits = rules
					}}, nil)
					o.f.ledger.SetBalance("alice", "USD", 1_000_000_00)
					c := &rcCase{t: t, o: o, s: &oaSession{t: t, o: o, p: p}, p: p, ep: ep, rules: rules}
					for i, a := range meet(c) {
						if a.status != row.http || a.result.ResultStatus != row.status || a.result.ResultCode != row.code {
							t.Errorf("%s:%d: answer %d: HTTP %d %s %s (%q), want HTTP %d %s %s", resultCodesDoc, row.line, i,
								a.status, a.result.ResultStatus, a.result.ResultCode, a.result.ResultMessage, row.http, row.status, row.code)
						}
					}
				})
			}
		}
	}
	for cond := range rcConditions {
		if !used[cond] {
			t.Errorf("condition %q is in rcConditions but in no row of %s", cond, resultCodesDoc)
		}
	}
}
