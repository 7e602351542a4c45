package alipayplus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

// oaHarness sends requests to the real handler of an endpoint fixture and
// checks every exchange against docs/openapi.json:
//
//   - the answer's body validates against the document's schema for its path
//     and HTTP status (an undocumented path must be answered 404 and match
//     components/responses/NoInterfaceDef), and a 200 answer also against
//     the response schema the operation's x-profiles names for the partner's
//     profile;
//   - the answer's headers match the documented response headers, and its
//     signature verifies;
//   - a request the handler accepted (HTTP 200, result neither PARAM_ILLEGAL
//     nor ACCESS_DENIED, which is decided before the rest of the body is read,
//     nor MSG_PARSE_ERROR)
//     validates against the path's request schema and the profile's, and its
//     headers against the documented header parameters.
//
// Coverage, when set, records every path/status and endpoint/code seen.
type oaHarness struct {
	doc   *oaDoc
	f     *epFixture
	cover *oaCoverage
}

func newOAHarness(t *testing.T, opt epOptions, cover *oaCoverage) *oaHarness {
	t.Helper()
	return &oaHarness{doc: loadOpenAPI(t), f: newEPFixture(t, opt), cover: cover}
}

// oaCall is one request.
type oaCall struct {
	partner     string  // signs as this partner's client ("": unsigned)
	method      string  // "" means POST
	path        string  // request path
	body        []byte  // the body sent
	signBody    []byte  // when set, signed instead of body
	reqTime     string  // Request-Time to sign ("" : the client's clock)
	keyVersion  *string // overrides the client's key version
	contentType *string // nil: application/json; charset=UTF-8; "": none
	tamper      func(r *http.Request)
	handler     http.Handler // nil: the fixture's handler
}

// oaAnswer is a checked answer.
type oaAnswer struct {
	status int
	header http.Header
	body   []byte
	result wire.Result
	fields map[string]any
}

// str returns a string member of the answer ("" when absent).
func (a oaAnswer) str(name string) string {
	s, _ := a.fields[name].(string)
	return s
}

func (o *oaHarness) do(t testing.TB, c oaCall) oaAnswer {
	t.Helper()
	method := c.method
	if method == "" {
		method = http.MethodPost
	}
	r := httptest.NewRequest(method, c.path, bytes.NewReader(c.body))
	ct := "application/json; charset=UTF-8"
	if c.contentType != nil {
		ct = *c.contentType
	}
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	if c.reqTime != "" {
		r.Header.Set("Request-Time", c.reqTime)
	}
	if c.partner != "" {
		base, ok := o.f.clients[c.partner]
		if !ok {
			t.Fatalf("no client for partner %q", c.partner)
		}
		cl := *base
		if c.keyVersion != nil {
			cl.KeyVersion = *c.keyVersion
		}
		signed := c.body
		if c.signBody != nil {
			signed = c.signBody
		}
		if err := cl.SignRequest(r, signed); err != nil {
			t.Fatal(err)
		}
	}
	if c.tamper != nil {
		c.tamper(r)
	}
	h := c.handler
	if h == nil {
		h = o.f.h
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return o.check(t, c, r, rec)
}

func (o *oaHarness) check(t testing.TB, c oaCall, r *http.Request, rec *httptest.ResponseRecorder) oaAnswer {
	t.Helper()
	d := o.doc
	a := oaAnswer{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	what := r.Method + " " + r.URL.Path
	if err := answerVerifier(o.f.h, o.f.verify, r).VerifyResponse(wirePath(r), rec.Header(), a.body); err != nil {
		t.Errorf("%s: answer (HTTP %d) not verified: %v", what, rec.Code, err)
	}
	if err := json.Unmarshal(a.body, &a.fields); err != nil {
		t.Errorf("%s: answer (HTTP %d) is not a JSON object: %s", what, rec.Code, a.body)
		return a
	}
	var env struct {
		Result *wire.Result `json:"result"`
	}
	if err := json.Unmarshal(a.body, &env); err != nil || env.Result == nil {
		t.Errorf("%s: answer has no result: %s", what, a.body)
	} else {
		a.result = *env.Result
	}

	name, _ := endpointName(r.URL.Path)
	op, opPtr, documented := d.operation(r.URL.Path)
	var respPtr string
	if !documented {
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: the document does not list this path, yet it was answered HTTP %d: %s", what, rec.Code, a.body)
		}
		respPtr = oaPointer("components", "responses", "NoInterfaceDef")
	} else {
		key := strconv.Itoa(rec.Code)
		if _, ok := op["responses"].(map[string]any)[key]; !ok {
			t.Errorf("%s: HTTP %d is not documented for this path: %s", what, rec.Code, a.body)
			return a
		}
		_, respPtr = d.object(t, opPtr+oaPointer("responses", key))
	}
	resp, _ := d.object(t, respPtr)

	// The body.
	if mt, _, err := mime.ParseMediaType(rec.Header().Get("Content-Type")); err != nil || mt != "application/json" {
		t.Errorf("%s: answer Content-Type %q", what, rec.Header().Get("Content-Type"))
	}
	if err := d.validateJSON(t, respPtr+oaPointer("content", "application/json", "schema"), a.body); err != nil {
		t.Errorf("%s: HTTP %d answer does not match the document:\n%s\n%v", what, rec.Code, a.body, err)
	}
	// The headers.
	headers, _ := resp["headers"].(map[string]any)
	for hname := range headers {
		hobj, hptr := d.object(t, respPtr+oaPointer("headers", hname))
		values := rec.Header().Values(hname)
		if len(values) == 0 {
			if req, _ := hobj["required"].(bool); req {
				t.Errorf("%s: HTTP %d answer lacks the documented header %s", what, rec.Code, hname)
			}
			continue
		}
		if len(values) > 1 {
			t.Errorf("%s: header %s given %d times", what, hname, len(values))
		}
		if err := d.validate(t, hptr+"/schema", values[0]); err != nil {
			t.Errorf("%s: header %s: %q does not match the document: %v", what, hname, values[0], err)
		}
	}

	if documented && rec.Code == http.StatusOK && c.partner != "" {
		prof := o.profile(t, c.partner)
		reqPtr, profRespPtr := d.profileSchemas(t, opPtr, prof)
		if err := d.validateJSON(t, profRespPtr, a.body); err != nil {
			t.Errorf("%s: answer to a %s partner does not match %s:\n%s\n%v", what, prof, profRespPtr, a.body, err)
		}
		code := a.result.ResultCode
		if code != wire.CodeParamIllegal && code != wire.CodeAccessDenied && code != wire.CodeMsgParseError {
			if err := d.validateJSON(t, opPtr+oaPointer("requestBody", "content", "application/json", "schema"), c.body); err != nil {
				t.Errorf("%s: the handler accepted (%s) a request the document's request schema refuses:\n%s\n%v", what, code, c.body, err)
			}
			if err := d.validateJSON(t, reqPtr, c.body); err != nil {
				t.Errorf("%s: the handler accepted (%s) a %s request that %s refuses:\n%s\n%v", what, code, prof, reqPtr, c.body, err)
			}
			o.checkRequestHeaders(t, what, opPtr, op, r.Header)
		}
	}
	if o.cover != nil {
		o.cover.record(r.URL.Path, documented, rec.Code, name, a.result.ResultCode)
	}
	return a
}

// checkRequestHeaders validates a request's headers against the header
// parameters of its operation.
func (o *oaHarness) checkRequestHeaders(t testing.TB, what, opPtr string, op map[string]any, h http.Header) {
	t.Helper()
	params, _ := op["parameters"].([]any)
	for i := range params {
		p, pptr := o.doc.object(t, opPtr+oaPointer("parameters", strconv.Itoa(i)))
		name, _ := p["name"].(string)
		v := h.Values(name)
		if len(v) == 0 {
			if req, _ := p["required"].(bool); req {
				t.Errorf("%s: accepted without the required header %s", what, name)
			}
			continue
		}
		if err := o.doc.validate(t, pptr+"/schema", v[0]); err != nil {
			t.Errorf("%s: accepted with header %s: %q, which the document refuses: %v", what, name, v[0], err)
		}
	}
}

// profile returns the wire profile of a fixture partner.
func (o *oaHarness) profile(t testing.TB, partner string) Profile {
	t.Helper()
	for i := range o.f.h.cfg.Partners {
		if p := &o.f.h.cfg.Partners[i]; p.PartnerID == partner {
			return profileOf(p)
		}
	}
	t.Fatalf("unknown partner %q", partner)
	return ""
}

// oaCoverage records what the handler answered.
type oaCoverage struct {
	mu       sync.Mutex
	statuses map[string]map[int]bool    // documented path -> HTTP statuses
	codes    map[string]map[string]bool // endpoint name -> result codes answered with 200
	groups   map[string]bool            // scenario groups that ran
}

func newOACoverage() *oaCoverage {
	return &oaCoverage{statuses: map[string]map[int]bool{}, codes: map[string]map[string]bool{}, groups: map[string]bool{}}
}

func (c *oaCoverage) record(path string, documented bool, status int, endpoint, code string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if documented {
		if c.statuses[path] == nil {
			c.statuses[path] = map[int]bool{}
		}
		c.statuses[path][status] = true
	}
	if documented && status == http.StatusOK {
		if c.codes[endpoint] == nil {
			c.codes[endpoint] = map[string]bool{}
		}
		c.codes[endpoint][code] = true
	}
}

func (c *oaCoverage) ran(group string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.groups[group] = true
}

// oaStoreMode is what oaBrokenStore does on reads and commits.
type oaStoreMode int32

const (
	oaStoreWorks  oaStoreMode = iota
	oaStoreFails              // returns an error: the engine answers CodeInternal
	oaStorePanics             // panics: the transport answers 500
)

// oaBrokenStore is a memstore whose reads and commits can be made to fail
// or panic.
type oaBrokenStore struct {
	*memstore.Store
	mode atomic.Int32
}

func (s *oaBrokenStore) trip() error {
	switch oaStoreMode(s.mode.Load()) {
	case oaStoreFails:
		return errors.New("openapi test: store down")
	case oaStorePanics:
		panic("openapi test: store exploded")
	}
	return nil
}

func (s *oaBrokenStore) GetPayment(ctx context.Context, id string) (store.Snapshot, error) {
	if err := s.trip(); err != nil {
		return store.Snapshot{}, err
	}
	return s.Store.GetPayment(ctx, id)
}

func (s *oaBrokenStore) GetPaymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	if err := s.trip(); err != nil {
		return store.Snapshot{}, err
	}
	return s.Store.GetPaymentByRequest(ctx, partnerID, requestID)
}

func (s *oaBrokenStore) LoadPayment(ctx context.Context, id, refundID string) (store.Snapshot, error) {
	if err := s.trip(); err != nil {
		return store.Snapshot{}, err
	}
	return s.Store.LoadPayment(ctx, id, refundID)
}

func (s *oaBrokenStore) LoadPaymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	if err := s.trip(); err != nil {
		return store.Snapshot{}, err
	}
	return s.Store.LoadPaymentByRequest(ctx, partnerID, requestID)
}

func (s *oaBrokenStore) GetRefund(ctx context.Context, id string) (store.Refund, error) {
	if err := s.trip(); err != nil {
		return store.Refund{}, err
	}
	return s.Store.GetRefund(ctx, id)
}

func (s *oaBrokenStore) GetRefundByRequest(ctx context.Context, partnerID, requestID string) (store.Refund, error) {
	if err := s.trip(); err != nil {
		return store.Refund{}, err
	}
	return s.Store.GetRefundByRequest(ctx, partnerID, requestID)
}

func (s *oaBrokenStore) Commit(ctx context.Context, c store.Change) error {
	if err := s.trip(); err != nil {
		return err
	}
	return s.Store.Commit(ctx, c)
}

// brokenHandler returns a handler configured like the fixture's but over
// an engine whose store fails or panics as mode says.
func (o *oaHarness) brokenHandler(t testing.TB, mode oaStoreMode) *Handler {
	t.Helper()
	st := &oaBrokenStore{Store: memstore.New()}
	st.mode.Store(int32(mode))
	eng, err := engine.New(st, memfunds.New(), engine.Config{Now: o.f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	cfg := o.f.h.cfg
	cfg.Engine = eng
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// busyHandler is the fixture's handler on the same engine with every
// body-reading slot held, and a wait for one of a millisecond: each
// request it serves is answered busy.
func (o *oaHarness) busyHandler(t testing.TB) *Handler {
	t.Helper()
	h, err := NewHandler(o.f.h.cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.bodySlotWait = time.Millisecond
	for range cap(h.bodySlots) {
		h.bodySlots <- struct{}{}
	}
	return h
}

// siteHandler is the fixture's handler on the same engine, configured with
// the site name siteNameExample (Config.SiteName).
func (o *oaHarness) siteHandler(t testing.TB) *Handler {
	t.Helper()
	cfg := o.f.h.cfg
	cfg.SiteName = "siteNameExample"
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// oaProfileCase is a partner of one profile calling under one path prefix.
type oaProfileCase struct {
	prof    Profile
	partner string
	prefix  string // "" or antomPrefix
}

var (
	oaMini      = oaProfileCase{ProfileMiniProgramV1, miniPartner, ""}
	oaEN        = oaProfileCase{ProfileV1EN, enPartner, ""}
	oaAntom     = oaProfileCase{ProfileAntom, antomPartner, antomPrefix}
	oaAntomOnV1 = oaProfileCase{ProfileAntom, antomPartner, ""}
)

func (p oaProfileCase) String() string {
	if p.prefix != "" {
		return string(p.prof) + p.prefix
	}
	return string(p.prof)
}

func (p oaProfileCase) path(endpoint string) string { return p.prefix + wire.PathPrefix + endpoint }

// withPartner adds the partnerId the mini-program profile requires.
func (p oaProfileCase) withPartner(m map[string]any) map[string]any {
	if p.prof == ProfileMiniProgramV1 {
		m["partnerId"] = p.partner
	}
	return m
}

// oaAmount is an Amount member.
func oaAmount(currency, value string) map[string]any {
	return map[string]any{"currency": currency, "value": value}
}

// pay is a minimal pay request of the profile that waits for the user: a
// cashier payment (mini-program, v1-en) or an entry-code payment (antom).
func (p oaProfileCase) pay(requestID, value string) map[string]any {
	switch p.prof {
	case ProfileMiniProgramV1:
		return map[string]any{
			"partnerId": p.partner, "paymentRequestId": requestID, "paymentOrderTitle": "SHOES",
			"productCode": "PC_5800000001", "paymentAmount": oaAmount("USD", value),
			"paymentFactor":    map[string]any{"isCashierPayment": true},
			"paymentNotifyUrl": "https://www.merchant.com/paymentNotify",
			"extraParams":      map[string]any{"ORDER": `{"referenceOrderId":"ID_000001"}`},
		}
	case ProfileV1EN:
		return map[string]any{
			"productCode": "51051000101000000011", "paymentRequestId": requestID,
			"paymentAmount": oaAmount("USD", value),
			"order":         map[string]any{"orderDescription": "iphone details", "referenceOrderId": "O-1"},
		}
	default:
		return map[string]any{
			"productCode": "IN_STORE_PAYMENT", "paymentRequestId": requestID,
			"paymentAmount":    oaAmount("USD", value),
			"paymentMethod":    map[string]any{"paymentMethodType": "CONNECT_WALLET"},
			"paymentFactor":    map[string]any{"inStorePaymentScenario": "EntryCode"},
			"paymentNotifyUrl": "https://merchant.example/notify",
			"order":            map[string]any{"orderDescription": "Mi Band 3", "orderAmount": oaAmount("USD", value)},
		}
	}
}

// authorize is p.pay as an authorization: mini-program and v1-en
// isAuthorizationPayment on the cashier, antom isAuthorization with
// captureMode AUTOMATIC when automatic, else MANUAL.
func (p oaProfileCase) authorize(requestID, value string, automatic bool) map[string]any {
	m := p.pay(requestID, value)
	switch p.prof {
	case ProfileAntom:
		mode := wire.CaptureModeManual
		if automatic {
			mode = wire.CaptureModeAutomatic
		}
		m["paymentFactor"] = map[string]any{"inStorePaymentScenario": "EntryCode", "isAuthorization": true, "captureMode": mode}
	case ProfileMiniProgramV1:
		m["paymentFactor"] = map[string]any{"isCashierPayment": true, "isAuthorizationPayment": true}
	default:
		m["paymentFactor"] = map[string]any{"isAuthorizationPayment": true}
	}
	return m
}

// capture is a capture request of p's partner.
func (p oaProfileCase) capture(requestID, paymentID, value string, last bool) map[string]any {
	m := p.withPartner(map[string]any{"captureRequestId": requestID, "paymentId": paymentID, "captureAmount": oaAmount("USD", value)})
	if last {
		m["isLastCapture"] = true
	}
	return m
}

// oaSession sends requests of one profile through a harness.
type oaSession struct {
	t *testing.T
	o *oaHarness
	p oaProfileCase
}

// send signs and sends body (a map, or []byte as it is) to the endpoint.
func (s *oaSession) send(endpoint string, body any) oaAnswer {
	s.t.Helper()
	raw, ok := body.([]byte)
	if !ok {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			s.t.Fatal(err)
		}
	}
	return s.o.do(s.t, oaCall{partner: s.p.partner, path: s.p.path(endpoint), body: raw})
}

// want sends and checks the result status and code.
func (s *oaSession) want(endpoint string, body any, status, code string) oaAnswer {
	s.t.Helper()
	a := s.send(endpoint, body)
	if a.status != http.StatusOK || a.result.ResultStatus != status || a.result.ResultCode != code {
		s.t.Errorf("%s %s: HTTP %d %s %s (%q), want %s %s\nrequest: %s", s.p, endpoint, a.status,
			a.result.ResultStatus, a.result.ResultCode, a.result.ResultMessage, status, code, mustMarshal(s.t, body))
	}
	return a
}

// wantField checks a string member of an answer.
func (s *oaSession) wantField(a oaAnswer, name, want string) {
	s.t.Helper()
	if got := a.str(name); got != want {
		s.t.Errorf("%s: %s = %q, want %q in %s", s.p, name, got, want, a.body)
	}
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	if b, ok := v.([]byte); ok {
		return b
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// oaMessageNames reports whether a PARAM_ILLEGAL message names field (or a
// member of it) first.
func oaMessageNames(msg, field string) bool {
	return strings.HasPrefix(msg, field+" ") || strings.HasPrefix(msg, field+":") || strings.HasPrefix(msg, field+".")
}
