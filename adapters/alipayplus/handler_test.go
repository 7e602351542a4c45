package alipayplus

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/client"
	"github.com/paystate/paystate/adapters/alipayplus/internal/alipaytest"
	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/memstore"
)

// testEndpoints are served beside the real endpoints by handlers that
// withTestEndpoints prepared; their names end in "ForTest".
var testEndpoints = map[string]endpoint{
	"echoForTest": func(h *Handler, c *call) any {
		return echoAnswer{
			Result:    wire.Result{ResultCode: wire.CodeSuccess, ResultStatus: wire.StatusSuccess, ResultMessage: "success"},
			PartnerID: c.partner.PartnerID,
			Profile:   string(c.partner.Profile),
			Path:      c.path,
			BodyLen:   len(c.body),
			Body:      string(c.body[:min(len(c.body), 256)]),
		}
	},
	"panicForTest": func(h *Handler, c *call) any {
		panic("boom for test: secret-detail-42")
	},
	"nilForTest": func(h *Handler, c *call) any { return nil },
	"unencodableForTest": func(h *Handler, c *call) any {
		return struct {
			Result wire.Result `json:"result"`
			C      chan int    `json:"c"`
		}{Result: wire.Result{ResultCode: wire.CodeSuccess, ResultStatus: wire.StatusSuccess}, C: make(chan int)}
	},
}

// withTestEndpoints makes h serve testEndpoints beside the real ones.
func withTestEndpoints(h *Handler) *Handler {
	h.endpoint = func(name string) (endpoint, bool) {
		if e, ok := testEndpoints[name]; ok {
			return e, true
		}
		return endpointNamed(name)
	}
	return h
}

type echoAnswer struct {
	Result    wire.Result `json:"result"`
	PartnerID string      `json:"partnerId"`
	Profile   string      `json:"profile"`
	Path      string      `json:"path"`
	BodyLen   int         `json:"bodyLen"`
	Body      string      `json:"body"`
}

// testRSAKeys returns the test binary's RSA keys.
func testRSAKeys(t testing.TB) *alipaytest.RSAKeys { return alipaytest.Keys(t) }

// syncBuffer is a goroutine-safe log sink.
type syncBuffer = alipaytest.SyncBuffer

const (
	testWalletClientID = "wallet-test"
	testClientA        = "client-a" // partner-a, miniprogram-v1, keys 1 and 2
	testClientB        = "client-b" // partner-b, antom, key 1
)

var testEpoch = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// transportFixture is a handler over a real engine (memstore + memfunds) on
// a fixed clock, with clients for its two partners.
type transportFixture struct {
	h       *Handler
	keys    *alipaytest.RSAKeys
	clock   *enginetest.Clock
	ledger  *memfunds.Ledger
	logs    *syncBuffer
	clientA *client.Client // signs with A2, keyVersion 2
	clientB *client.Client
	wallet  *client.Client // verifies answers only
}

func newTransportFixture(t testing.TB, tweak func(*Config)) *transportFixture {
	t.Helper()
	keys := testRSAKeys(t)
	clock := enginetest.NewClock(testEpoch)
	ledger := memfunds.New()
	eng, err := engine.New(memstore.New(), ledger, engine.Config{Now: clock.Now, NewID: (&enginetest.IDs{Prefix: "id"}).Next})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cfg := Config{
		Engine:           eng,
		WalletClientID:   testWalletClientID,
		WalletKey:        keys.Wallet,
		WalletKeyVersion: "1",
		Partners: []Partner{
			{PartnerID: "partner-a", ClientID: testClientA, PublicKeys: map[string]*rsa.PublicKey{"1": &keys.A1.PublicKey, "2": &keys.A2.PublicKey}},
			{PartnerID: "partner-b", ClientID: testClientB, Profile: ProfileAntom, PublicKeys: map[string]*rsa.PublicKey{"1": &keys.B.PublicKey}},
		},
		CashierURL: func(id string) string { return "https://wallet.example/cashier/" + id },
		Now:        clock.Now,
		Logger:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if tweak != nil {
		tweak(&cfg)
	}
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &transportFixture{
		h: withTestEndpoints(h), keys: keys, clock: clock, ledger: ledger, logs: logs,
		clientA: &client.Client{ClientID: testClientA, Key: keys.A2, KeyVersion: "2", WalletKey: &keys.Wallet.PublicKey, WalletClientID: testWalletClientID, Now: clock.Now},
		clientB: &client.Client{ClientID: testClientB, Key: keys.B, KeyVersion: "1", WalletKey: &keys.Wallet.PublicKey, WalletClientID: testClientB, Now: clock.Now, TimeFormat: client.TimeEpochMillis},
		wallet:  &client.Client{WalletKey: &keys.Wallet.PublicKey, WalletClientID: testWalletClientID, Now: clock.Now, MaxClockSkew: time.Second},
	}
}

// newRequest builds a POST with a JSON Content-Type, signed by c (when c is
// not nil) over body.
func (f *transportFixture) newRequest(t testing.TB, c *client.Client, path string, body []byte) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if c != nil {
		if err := c.SignRequest(r, body); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// serve runs r through the handler and returns the recorder after checking
// that the answer is signed by the wallet and carries a result.
func (f *transportFixture) serve(t testing.TB, r *http.Request) (*httptest.ResponseRecorder, wire.Result) {
	t.Helper()
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, r)
	return rec, f.checkAnswer(t, r, rec)
}

// checkAnswer verifies the answer's signature over the request's wire path
// and returns its result.
func (f *transportFixture) checkAnswer(t testing.TB, r *http.Request, rec *httptest.ResponseRecorder) wire.Result {
	t.Helper()
	if got := rec.Header().Get("Content-Type"); got != "application/json; charset=UTF-8" {
		t.Errorf("answer Content-Type = %q", got)
	}
	if err := answerVerifier(f.h, f.wallet, r).VerifyResponse(wirePath(r), rec.Header(), rec.Body.Bytes()); err != nil {
		t.Fatalf("answer (HTTP %d, %s) not verified: %v", rec.Code, rec.Body, err)
	}
	sh, err := signing.ParseSignatureHeader(rec.Header().Get("Signature"))
	if err != nil || sh.KeyVersion != "1" {
		t.Errorf("answer Signature keyVersion = %q (%v), want 1", sh.KeyVersion, err)
	}
	var env struct {
		Result *wire.Result `json:"result"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Result == nil {
		t.Fatalf("answer %s has no result (%v)", rec.Body, err)
	}
	return *env.Result
}

const echoPath = "/v1/payments/echoForTest"

var echoBody = []byte(`{"partnerId":"partner-a","paymentRequestId":"r-1"}`)

func TestTransportAcceptsSignedRequest(t *testing.T) {
	f := newTransportFixture(t, nil)
	r := f.newRequest(t, f.clientA, echoPath, echoBody)
	rec, res := f.serve(t, r)
	if rec.Code != http.StatusOK || res.ResultStatus != wire.StatusSuccess {
		t.Fatalf("HTTP %d %+v, want 200 S", rec.Code, res)
	}
	var got echoAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := echoAnswer{Result: res, PartnerID: "partner-a", Profile: string(ProfileMiniProgramV1), Path: echoPath, BodyLen: len(echoBody), Body: string(echoBody)}
	if got != want {
		t.Errorf("endpoint saw %+v, want %+v", got, want)
	}
	if rt := rec.Header().Get("Response-Time"); rt != "2026-03-04T05:06:07Z" {
		t.Errorf("Response-Time = %q", rt)
	}
	if cid := rec.Header().Get("Client-Id"); cid != testWalletClientID {
		t.Errorf("Client-Id = %q", cid)
	}
}

// TestTransportRejections covers every check of the pipeline, each with the
// code and HTTP status documented on ServeHTTP; every answer must be signed.
func TestTransportRejections(t *testing.T) {
	f := newTransportFixture(t, nil)
	keys := f.keys
	now := testEpoch
	ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	iso := func(t time.Time) string { return t.Format("2006-01-02T15:04:05.000Z07:00") }
	setBody := func(r *http.Request, b []byte) {
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
	}
	clk := f.clock.Now
	stranger := &client.Client{ClientID: testClientA, Key: keys.Stranger, KeyVersion: "1", Now: clk}
	nobody := &client.Client{ClientID: "nobody", Key: keys.A1, KeyVersion: "1", Now: clk}
	a1 := &client.Client{ClientID: testClientA, Key: keys.A1, KeyVersion: "1", Now: clk}
	a1NoVersion := &client.Client{ClientID: testClientA, Key: keys.A1, Now: clk}
	a2NoVersion := &client.Client{ClientID: testClientA, Key: keys.A2, Now: clk}
	a3 := &client.Client{ClientID: testClientA, Key: keys.A2, KeyVersion: "3", Now: clk}
	big := bytes.Repeat([]byte("x"), DefaultMaxBodyBytes+1)

	type tc struct {
		name   string
		method string // default POST
		path   string // default echoPath
		body   []byte // default echoBody
		client *client.Client
		before func(r *http.Request) // before signing
		after  func(r *http.Request) // after signing
		status int
		rs     string
		code   string
		msg    string // substring of resultMessage
	}
	ok := func(name string, c *client.Client, before, after func(*http.Request)) tc {
		return tc{name: name, client: c, before: before, after: after, status: 200, rs: wire.StatusSuccess, code: wire.CodeSuccess}
	}
	setTime := func(v string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Request-Time", v) }
	}
	setHeader := func(k, v string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set(k, v) }
	}
	del := func(k string) func(*http.Request) { return func(r *http.Request) { r.Header.Del(k) } }
	add := func(k, v string) func(*http.Request) { return func(r *http.Request) { r.Header.Add(k, v) } }
	editSig := func(edit func(signing.SignatureHeader) string) func(*http.Request) {
		return func(r *http.Request) {
			sh, err := signing.ParseSignatureHeader(r.Header.Get("Signature"))
			if err != nil {
				panic(err)
			}
			r.Header.Set("Signature", edit(sh))
		}
	}

	cases := []tc{
		ok("signed request", f.clientA, nil, nil),
		{name: "unknown endpoint", path: "/v1/payments/nope", client: f.clientA, status: 404, rs: "F", code: wire.CodeNoInterfaceDef},
		{name: "unknown version prefix", path: "/v2/payments/echoForTest", client: f.clientA, status: 404, rs: "F", code: wire.CodeNoInterfaceDef},
		{name: "empty endpoint name", path: "/v1/payments/", client: f.clientA, status: 404, rs: "F", code: wire.CodeNoInterfaceDef},
		{name: "extra segment", path: "/v1/payments/echoForTest/x", client: f.clientA, status: 404, rs: "F", code: wire.CodeNoInterfaceDef},
		{name: "root", path: "/", status: 404, rs: "F", code: wire.CodeNoInterfaceDef},
		{name: "unknown path beats GET", method: http.MethodGet, path: "/nope", status: 404, rs: "F", code: wire.CodeNoInterfaceDef},
		{name: "GET", method: http.MethodGet, client: f.clientA, status: 405, rs: "F", code: wire.CodeMethodNotSupported},
		{name: "PUT", method: http.MethodPut, client: f.clientA, status: 405, rs: "F", code: wire.CodeMethodNotSupported},
		{name: "text/plain", client: f.clientA, after: setHeader("Content-Type", "text/plain"), status: 415, rs: "F", code: wire.CodeMediaTypeNotAcceptable},
		{name: "form", client: f.clientA, after: setHeader("Content-Type", "application/x-www-form-urlencoded"), status: 415, rs: "F", code: wire.CodeMediaTypeNotAcceptable},
		{name: "json in latin-1", client: f.clientA, after: setHeader("Content-Type", "application/json; charset=ISO-8859-1"), status: 415, rs: "F", code: wire.CodeMediaTypeNotAcceptable},
		{name: "malformed media type", client: f.clientA, after: setHeader("Content-Type", "application/json; charset"), status: 415, rs: "F", code: wire.CodeMediaTypeNotAcceptable},
		ok("no Content-Type", f.clientA, nil, del("Content-Type")),
		ok("json without charset", f.clientA, nil, setHeader("Content-Type", "application/json")),
		ok("json in other case", f.clientA, nil, setHeader("Content-Type", "Application/JSON; Charset=utf-8")),
		{name: "body over 256 KiB", body: big, client: f.clientA, status: 413, rs: "F", code: wire.CodeParamIllegal, msg: "exceeds 262144 bytes"},
		{name: "body over 256 KiB, no Content-Length", body: big, client: f.clientA, after: func(r *http.Request) { r.ContentLength = -1 }, status: 413, rs: "F", code: wire.CodeParamIllegal, msg: "exceeds"},
		{name: "body of exactly 256 KiB", body: bytes.Repeat([]byte(" "), DefaultMaxBodyBytes), client: f.clientA, status: 200, rs: "S", code: wire.CodeSuccess},
		{name: "unknown Client-Id", client: nobody, status: 401, rs: "F", code: wire.CodeInvalidClient, msg: "not known"},
		{name: "missing Client-Id", client: f.clientA, after: del("Client-Id"), status: 401, rs: "F", code: wire.CodeInvalidClient, msg: "missing"},
		{name: "Client-Id twice", client: f.clientA, after: add("Client-Id", testClientA), status: 401, rs: "F", code: wire.CodeInvalidClient, msg: "more than once"},
		{name: "missing Request-Time", client: f.clientA, after: del("Request-Time"), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "Request-Time header is missing"},
		{name: "Request-Time twice", client: f.clientA, after: add("Request-Time", iso(now)), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "more than once"},
		{name: "Request-Time garbage", client: f.clientA, before: setTime("yesterday"), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "neither ISO 8601"},
		{name: "Request-Time without offset", client: f.clientA, before: setTime("2026-03-04T05:06:07"), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "neither ISO 8601"},
		{name: "Request-Time in seconds", client: f.clientA, before: setTime(strconv.FormatInt(now.Unix(), 10)), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "neither ISO 8601"},
		ok("Request-Time epoch ms", f.clientA, setTime(ms(now)), nil),
		ok("Request-Time ISO with offset", f.clientA, setTime("2026-03-04T10:36:07.253+05:30"), nil),
		ok("Request-Time ISO seconds Z", f.clientA, setTime("2026-03-04T05:06:07Z"), nil),
		{name: "stale by 5m+1ms", client: f.clientA, before: setTime(ms(now.Add(-5*time.Minute - time.Millisecond))), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "stale"},
		{name: "stale by an hour (ISO)", client: f.clientA, before: setTime(iso(now.Add(-time.Hour))), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "stale"},
		ok("5m old, just inside", f.clientA, setTime(ms(now.Add(-5*time.Minute))), nil),
		ok("4m59s old", f.clientA, setTime(iso(now.Add(-5*time.Minute+time.Second))), nil),
		{name: "future by 5m+1ms", client: f.clientA, before: setTime(ms(now.Add(5*time.Minute + time.Millisecond))), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "future"},
		ok("5m ahead, just inside", f.clientA, setTime(ms(now.Add(5*time.Minute))), nil),
		{name: "missing Signature", client: f.clientA, after: del("Signature"), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "Signature header is missing"},
		{name: "Signature twice", client: f.clientA, after: func(r *http.Request) { r.Header.Add("Signature", r.Header.Get("Signature")) }, status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "more than once"},
		{name: "Signature not key=value", client: f.clientA, after: setHeader("Signature", "garbage"), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "malformed"},
		{name: "Signature ECC224", client: f.clientA, after: editSig(func(sh signing.SignatureHeader) string { return strings.Replace(sh.String(), "RSA256", "ECC224", 1) }), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "malformed"},
		{name: "signature not base64", client: f.clientA, after: setHeader("Signature", "algorithm=RSA256, keyVersion=2, signature=***"), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "malformed"},
		{name: "signature empty", client: f.clientA, after: setHeader("Signature", "algorithm=RSA256, keyVersion=2, signature="), status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "malformed"},
		ok("Signature without spaces, other order and case", f.clientA, nil, editSig(func(sh signing.SignatureHeader) string {
			return "SIGNATURE=" + strings.SplitN(sh.String(), "signature=", 2)[1] + ",KeyVersion=2,Algorithm=rsa256"
		})),
		{name: "unknown key version", client: a3, status: 401, rs: "F", code: wire.CodeKeyNotFound},
		{name: "key version 02 is not 2", client: f.clientA, after: editSig(func(sh signing.SignatureHeader) string { sh.KeyVersion = "02"; return sh.String() }), status: 401, rs: "F", code: wire.CodeKeyNotFound},
		{name: "wrong key", client: stranger, status: 401, rs: "F", code: wire.CodeInvalidSignature, msg: "verification failed"},
		ok("rotation: old key version 1", a1, nil, nil),
		ok("rotation: no keyVersion means newest (2)", a2NoVersion, nil, nil),
		{name: "rotation: no keyVersion, signed with old key", client: a1NoVersion, status: 401, rs: "F", code: wire.CodeInvalidSignature},
		{name: "one body byte changed", client: f.clientA, after: func(r *http.Request) {
			b := bytes.Clone(echoBody)
			b[len(b)-3] ^= 1
			setBody(r, b)
		}, status: 401, rs: "F", code: wire.CodeInvalidSignature},
		{name: "body extended", client: f.clientA, after: func(r *http.Request) { setBody(r, append(bytes.Clone(echoBody), ' ')) }, status: 401, rs: "F", code: wire.CodeInvalidSignature},
		{name: "Request-Time changed by 1ms", client: f.clientA, before: setTime(ms(now)), after: setTime(ms(now.Add(time.Millisecond))), status: 401, rs: "F", code: wire.CodeInvalidSignature},
		{name: "Request-Time same instant, other form", client: f.clientA, before: setTime(ms(now)), after: setTime(iso(now)), status: 401, rs: "F", code: wire.CodeInvalidSignature},
		{name: "Client-Id swapped to another partner", client: a1, after: setHeader("Client-Id", testClientB), status: 401, rs: "F", code: wire.CodeInvalidSignature},
		{name: "key version switched", client: f.clientA, after: editSig(func(sh signing.SignatureHeader) string { sh.KeyVersion = "1"; return sh.String() }), status: 401, rs: "F", code: wire.CodeInvalidSignature},
		{name: "signature byte flipped", client: f.clientA, after: editSig(func(sh signing.SignatureHeader) string { sh.Signature[7] ^= 0x80; return sh.String() }), status: 401, rs: "F", code: wire.CodeInvalidSignature},
		{name: "signature truncated", client: f.clientA, after: editSig(func(sh signing.SignatureHeader) string { sh.Signature = sh.Signature[:255]; return sh.String() }), status: 401, rs: "F", code: wire.CodeInvalidSignature},
		{name: "path changed after signing", client: f.clientA, after: func(r *http.Request) {
			r.URL.Path = "/v1/payments/echoForTest"
			r.RequestURI = "/ams/api/v1/payments/echoForTest"
		}, status: 401, rs: "F", code: wire.CodeInvalidSignature},
		{name: "antom path for a miniprogram partner", path: "/ams/api/v1/payments/echoForTest", client: f.clientA, status: 404, rs: "F", code: wire.CodeNoInterfaceDef, msg: "for this Client-Id"},
		ok("antom partner on /v1", f.clientB, nil, nil),
		{name: "antom partner on /ams/api", path: "/ams/api/v1/payments/echoForTest", client: f.clientB, status: 200, rs: "S", code: wire.CodeSuccess},
		{name: "query string is not signed", path: echoPath + "?x=1", client: f.clientA, status: 200, rs: "S", code: wire.CodeSuccess},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method, path, body := c.method, c.path, c.body
			if method == "" {
				method = http.MethodPost
			}
			if path == "" {
				path = echoPath
			}
			if body == nil {
				body = echoBody
			}
			r := httptest.NewRequest(method, path, bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json; charset=UTF-8")
			if c.before != nil {
				c.before(r)
			}
			if c.client != nil {
				if err := c.client.SignRequest(r, body); err != nil {
					t.Fatal(err)
				}
			}
			if c.after != nil {
				c.after(r)
			}
			rec, res := f.serve(t, r)
			if rec.Code != c.status || res.ResultStatus != c.rs || res.ResultCode != c.code {
				t.Fatalf("HTTP %d %+v, want %d %s %s", rec.Code, res, c.status, c.rs, c.code)
			}
			if !strings.Contains(res.ResultMessage, c.msg) {
				t.Errorf("resultMessage %q does not contain %q", res.ResultMessage, c.msg)
			}
			if len(res.ResultMessage) > 256 {
				t.Errorf("resultMessage longer than 256: %q", res.ResultMessage)
			}
			switch c.status {
			case 405:
				if rec.Header().Get("Allow") != "POST" {
					t.Errorf("405 without Allow: POST")
				}
			case 401:
				if rec.Header().Get("WWW-Authenticate") == "" {
					t.Errorf("401 without WWW-Authenticate")
				}
			}
		})
	}
}

func TestTransportSmallerBodyLimit(t *testing.T) {
	f := newTransportFixture(t, func(c *Config) { c.MaxBodyBytes = 64 })
	body := []byte(`{"partnerId":"partner-a","paymentRequestId":"` + strings.Repeat("r", 64) + `"}`)
	rec, res := f.serve(t, f.newRequest(t, f.clientA, echoPath, body))
	if rec.Code != 413 || res.ResultCode != wire.CodeParamIllegal || !strings.Contains(res.ResultMessage, "64 bytes") {
		t.Fatalf("HTTP %d %+v", rec.Code, res)
	}
	rec, res = f.serve(t, f.newRequest(t, f.clientA, echoPath, body[:64]))
	if rec.Code != 200 || res.ResultCode != wire.CodeSuccess {
		t.Fatalf("64-byte body: HTTP %d %+v", rec.Code, res)
	}
}

func TestTransportClockSkewSetting(t *testing.T) {
	f := newTransportFixture(t, func(c *Config) { c.MaxClockSkew = 30 * time.Second })
	r := f.newRequest(t, f.clientA, echoPath, echoBody)
	f.clock.Advance(31 * time.Second) // the request is now 31 s old
	if rec, res := f.serve(t, r); rec.Code != 401 || res.ResultCode != wire.CodeInvalidSignature || !strings.Contains(res.ResultMessage, "stale") {
		t.Fatalf("HTTP %d %+v", rec.Code, res)
	}
	r = f.newRequest(t, f.clientA, echoPath, echoBody)
	f.clock.Advance(30 * time.Second)
	if rec, res := f.serve(t, r); rec.Code != 200 {
		t.Fatalf("30 s old: HTTP %d %+v", rec.Code, res)
	}
}

func TestTransportPanicIsUnknownException(t *testing.T) {
	f := newTransportFixture(t, nil)
	rec, res := f.serve(t, f.newRequest(t, f.clientA, "/v1/payments/panicForTest", echoBody))
	if rec.Code != http.StatusInternalServerError || res.ResultStatus != wire.StatusUnknown || res.ResultCode != wire.CodeUnknownException {
		t.Fatalf("HTTP %d %+v, want 500 U UNKNOWN_EXCEPTION", rec.Code, res)
	}
	if strings.Contains(rec.Body.String(), "secret-detail-42") || strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("panic details leaked to the caller: %s", rec.Body)
	}
	logs := f.logs.String()
	for _, want := range []string{"panic", "secret-detail-42", "stack=", "panicForTest"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

func TestTransportInternalErrorsAreUnknownException(t *testing.T) {
	f := newTransportFixture(t, nil)
	for _, name := range []string{"nilForTest", "unencodableForTest"} {
		rec, res := f.serve(t, f.newRequest(t, f.clientA, "/v1/payments/"+name, echoBody))
		if rec.Code != http.StatusInternalServerError || res.ResultStatus != wire.StatusUnknown || res.ResultCode != wire.CodeUnknownException {
			t.Errorf("%s: HTTP %d %+v, want 500 U UNKNOWN_EXCEPTION", name, rec.Code, res)
		}
	}
	if logs := f.logs.String(); !strings.Contains(logs, "no answer") || !strings.Contains(logs, "cannot encode") {
		t.Errorf("log lacks the internal errors:\n%s", logs)
	}
}

// A panic in the transport itself (here: in the clock) is answered too.
func TestTransportPanicOutsideEndpoint(t *testing.T) {
	f := newTransportFixture(t, nil)
	var calls int
	f.h.cfg.Now = func() time.Time {
		calls++
		if calls == 1 {
			panic("clock broke")
		}
		return testEpoch
	}
	rec, res := f.serve(t, f.newRequest(t, f.clientA, echoPath, echoBody))
	if rec.Code != 500 || res.ResultCode != wire.CodeUnknownException {
		t.Fatalf("HTTP %d %+v", rec.Code, res)
	}
	if !strings.Contains(f.logs.String(), "clock broke") {
		t.Errorf("panic not logged")
	}
}

func TestTransportRejectionsAreLoggedWithoutSecrets(t *testing.T) {
	f := newTransportFixture(t, nil)
	r := f.newRequest(t, f.clientA, echoPath, echoBody)
	sig := r.Header.Get("Signature")
	tampered := bytes.Replace(echoBody, []byte("r-1"), []byte("r-2"), 1)
	r.Body = io.NopCloser(bytes.NewReader(tampered))
	if rec, res := f.serve(t, r); rec.Code != 401 || res.ResultCode != wire.CodeInvalidSignature {
		t.Fatalf("HTTP %d %+v", rec.Code, res)
	}
	logs := f.logs.String()
	if !strings.Contains(logs, "INVALID_SIGNATURE") || !strings.Contains(logs, testClientA) {
		t.Errorf("rejection not logged: %s", logs)
	}
	if strings.Contains(logs, strings.SplitN(sig, "signature=", 2)[1][:20]) {
		t.Errorf("signature logged")
	}
}

// Over a real server: header names in any case, a prefix stripped by the
// host's router (the signature covers the path as sent), epoch-ms time.
func TestTransportOverHTTP(t *testing.T) {
	f := newTransportFixture(t, nil)
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", f.h))
	mux.Handle("/", f.h)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	t.Run("lower-case header names", func(t *testing.T) {
		r, err := http.NewRequest(http.MethodPost, srv.URL+echoPath, bytes.NewReader(echoBody))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.clientA.SignRequest(r, echoBody); err != nil {
			t.Fatal(err)
		}
		lower := http.Header{}
		for k, v := range r.Header {
			lower[strings.ToLower(k)] = v
		}
		lower["content-type"] = []string{"application/json"}
		r.Header = lower
		res, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if err := f.wallet.VerifyResponse(echoPath, res.Header, body); err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || !bytes.Contains(body, []byte(`"resultStatus":"S"`)) {
			t.Fatalf("HTTP %d %s", res.StatusCode, body)
		}
	})

	for _, base := range []string{srv.URL, srv.URL + "/api"} {
		t.Run("client at "+strings.TrimPrefix(base, srv.URL), func(t *testing.T) {
			c := *f.clientB
			c.BaseURL = base
			c.HTTP = srv.Client()
			var got echoAnswer
			res, err := c.Call(t.Context(), "/ams/api/v1/payments/echoForTest", json.RawMessage(echoBody), &got)
			if err != nil {
				t.Fatal(err)
			}
			if res.ResultStatus != wire.StatusSuccess || got.Path != "/ams/api/v1/payments/echoForTest" || got.PartnerID != "partner-b" {
				t.Fatalf("%+v %+v", res, got)
			}
		})
	}
}

func TestNewHandlerValidates(t *testing.T) {
	keys := testRSAKeys(t)
	eng, err := engine.New(memstore.New(), memfunds.New(), engine.Config{})
	if err != nil {
		t.Fatal(err)
	}
	// Only the modulus size matters to NewHandler (crypto/rsa refuses to
	// generate keys this small).
	n512 := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 511), big.NewInt(1))
	small := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n512, E: 65537}}
	good := func() Config {
		return Config{
			Engine: eng, WalletClientID: "w", WalletKey: keys.Wallet,
			Partners: []Partner{
				{PartnerID: "p1", ClientID: "c1", PublicKeys: map[string]*rsa.PublicKey{"1": &keys.A1.PublicKey}},
				{PartnerID: "p2", ClientID: "c2", Profile: ProfileV1EN, PublicKeys: map[string]*rsa.PublicKey{"1": &keys.B.PublicKey}},
			},
			CashierURL: func(string) string { return "" },
		}
	}
	cases := []struct {
		name string
		edit func(*Config)
		want []string // substrings of the error
	}{
		{"no engine", func(c *Config) { c.Engine = nil }, []string{"Config.Engine is required"}},
		{"no wallet client id", func(c *Config) { c.WalletClientID = "" }, []string{"Config.WalletClientID is required"}},
		{"no wallet key", func(c *Config) { c.WalletKey = nil }, []string{"Config.WalletKey is required"}},
		{"small wallet key", func(c *Config) { c.WalletKey = small }, []string{"Config.WalletKey must be an RSA key of at least 1024 bits"}},
		{"no cashier", func(c *Config) { c.CashierURL = nil }, []string{"Config.CashierURL is required"}},
		{"no partners", func(c *Config) { c.Partners = nil }, []string{"Config.Partners needs at least one partner"}},
		{"negative skew", func(c *Config) { c.MaxClockSkew = -1 }, []string{"Config.MaxClockSkew must not be negative"}},
		{"negative body", func(c *Config) { c.MaxBodyBytes = -1 }, []string{"Config.MaxBodyBytes must not be negative"}},
		{"no partner id", func(c *Config) { c.Partners[1].PartnerID = "" }, []string{"Config.Partners[1].PartnerID is required"}},
		{"duplicate partner id", func(c *Config) { c.Partners[1].PartnerID = "p1" }, []string{`Config.Partners[1].PartnerID "p1" is already used by Partners[0]`}},
		{"no client id", func(c *Config) { c.Partners[0].ClientID = "" }, []string{"Config.Partners[0].ClientID is required"}},
		{"duplicate client id", func(c *Config) { c.Partners[1].ClientID = "c1" }, []string{`Config.Partners[1].ClientID "c1" is already used by Partners[0]`}},
		{"bad profile", func(c *Config) { c.Partners[0].Profile = "v2" }, []string{`Config.Partners[0].Profile "v2" is not one of`}},
		{"no keys", func(c *Config) { c.Partners[0].PublicKeys = nil }, []string{"Config.Partners[0].PublicKeys needs at least one key"}},
		{"nil key", func(c *Config) { c.Partners[0].PublicKeys["2"] = nil }, []string{`Config.Partners[0].PublicKeys["2"] is nil`}},
		{"empty version", func(c *Config) { c.Partners[0].PublicKeys[""] = &keys.A2.PublicKey }, []string{`key version "" must be non-empty`}},
		{"version with comma", func(c *Config) { c.Partners[0].PublicKeys["1,2"] = &keys.A2.PublicKey }, []string{`key version "1,2"`}},
		{"small partner key", func(c *Config) { c.Partners[1].PublicKeys["1"] = &small.PublicKey }, []string{`Config.Partners[1].PublicKeys["1"] must be at least 1024 bits`}},
		{"several at once", func(c *Config) { c.Engine = nil; c.Partners[1].ClientID = "" }, []string{"Engine", "Partners[1].ClientID"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := good()
			c.edit(&cfg)
			h, err := NewHandler(cfg)
			if err == nil {
				t.Fatalf("NewHandler accepted it: %+v", h)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	if _, err := NewHandler(good()); err != nil {
		t.Fatalf("good config refused: %v", err)
	}
}

func TestNewHandlerDefaultsAndCopies(t *testing.T) {
	keys := testRSAKeys(t)
	eng, err := engine.New(memstore.New(), memfunds.New(), engine.Config{})
	if err != nil {
		t.Fatal(err)
	}
	pk := map[string]*rsa.PublicKey{"1": &keys.A1.PublicKey}
	partners := []Partner{{PartnerID: "p1", ClientID: "c1", PublicKeys: pk}}
	h, err := NewHandler(Config{Engine: eng, WalletClientID: "w", WalletKey: keys.Wallet, Partners: partners, CashierURL: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	if h.cfg.MaxClockSkew != 5*time.Minute || h.cfg.MaxBodyBytes != 256<<10 || h.cfg.MaxConcurrentBodies != DefaultMaxConcurrentBodies || h.cfg.Now == nil || h.logger() == nil {
		t.Errorf("defaults not applied: skew %s, body %d", h.cfg.MaxClockSkew, h.cfg.MaxBodyBytes)
	}
	if h.engine() != eng {
		t.Errorf("engine() is not the configured engine")
	}
	if d := time.Since(h.now()); d < 0 || d > time.Minute {
		t.Errorf("now() = %s", h.now())
	}
	e, ok := h.byClient["c1"]
	if !ok || e.partner.Profile != ProfileMiniProgramV1 || e.partner.PartnerID != "p1" {
		t.Fatalf("byClient[c1] = %+v, %v", e, ok)
	}
	p := e.partner
	if _, ok := h.byClient["p1"]; ok {
		t.Errorf("a partner found by its partner id as a Client-Id")
	}
	// The handler keeps its own copies.
	partners[0].PartnerID = "changed"
	pk["2"] = &keys.A2.PublicKey
	if p.PartnerID != "p1" || len(p.PublicKeys) != 1 {
		t.Errorf("handler shares the caller's partner data: %+v", p)
	}
}

func TestNewestKeyVersion(t *testing.T) {
	k := &testRSAKeys(t).A1.PublicKey
	cases := []struct {
		versions []string
		want     string
	}{
		{[]string{"1"}, "1"},
		{[]string{"1", "2"}, "2"},
		{[]string{"9", "10"}, "10"},
		{[]string{"10", "9", "2"}, "10"},
		{[]string{"1", "01"}, "1"},
		{[]string{"007", "8"}, "8"},
		{[]string{"99999999999999999999999", "100000000000000000000000"}, "100000000000000000000000"},
		{[]string{"a", "b"}, "b"},
		{[]string{"v9", "v10"}, "v9"}, // not all numeric: lexical
		{[]string{"2", "10", "x"}, "x"},
	}
	for _, c := range cases {
		m := map[string]*rsa.PublicKey{}
		for _, v := range c.versions {
			m[v] = k
		}
		for range 5 { // map order varies
			if got := (&Partner{PublicKeys: m}).NewestKeyVersion(); got != c.want {
				t.Errorf("NewestKeyVersion(%v) = %q, want %q", c.versions, got, c.want)
				break
			}
		}
	}
}

func TestWirePath(t *testing.T) {
	cases := []struct {
		target, want string
	}{
		{"/v1/payments/pay", "/v1/payments/pay"},
		{"/v1/payments/pay?x=1", "/v1/payments/pay"},
		{"http://wallet.example/v1/payments/pay?x=1", "/v1/payments/pay"},
		{"/api/v1/payments/p%61y", "/api/v1/payments/p%61y"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodPost, c.target, nil)
		if got := wirePath(r); got != c.want {
			t.Errorf("wirePath(%q) = %q, want %q", c.target, got, c.want)
		}
	}
	r, _ := http.NewRequest(http.MethodPost, "http://wallet.example/v1/payments/pay", nil) // no RequestURI
	if got := wirePath(r); got != "/v1/payments/pay" {
		t.Errorf("wirePath without RequestURI = %q", got)
	}
}

func BenchmarkTransportEcho(b *testing.B) {
	f := newTransportFixture(b, nil)
	r0 := f.newRequest(b, f.clientA, echoPath, echoBody)
	b.ReportAllocs()
	for b.Loop() {
		r := r0.Clone(b.Context())
		r.Body = io.NopCloser(bytes.NewReader(echoBody))
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, r)
		if rec.Code != 200 {
			b.Fatal(rec.Body)
		}
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestTransportOddBodiesAndMediaTypes(t *testing.T) {
	f := newTransportFixture(t, nil)
	r := f.newRequest(t, f.clientA, echoPath, echoBody)
	r.Body = io.NopCloser(failingReader{})
	if rec, res := f.serve(t, r); rec.Code != 400 || res.ResultCode != wire.CodeParamIllegal || !strings.Contains(res.ResultMessage, "could not be read") {
		t.Errorf("unreadable body: HTTP %d %+v", rec.Code, res)
	}
	r = f.newRequest(t, f.clientA, echoPath, echoBody)
	r.Header.Add("Content-Type", "text/plain")
	if rec, res := f.serve(t, r); rec.Code != 415 || res.ResultCode != wire.CodeMediaTypeNotAcceptable {
		t.Errorf("two Content-Types: HTTP %d %+v", rec.Code, res)
	}
	// An empty body is the endpoint's to judge (a signed empty body passes
	// the transport).
	r = f.newRequest(t, f.clientA, echoPath, nil)
	if rec, res := f.serve(t, r); rec.Code != 200 || res.ResultCode != wire.CodeSuccess {
		t.Errorf("empty body: HTTP %d %+v", rec.Code, res)
	}
}

// The official merchant SDKs send Content-Type on two lines and headers of
// their own; the wallet must take such a request as any other.
func TestTransportTakesWhatMerchantSDKsSend(t *testing.T) {
	f := newTransportFixture(t, nil)
	r := f.newRequest(t, f.clientB, echoPath, echoBody)
	r.Header.Del("Content-Type")
	r.Header.Add("Content-Type", "application/json")
	r.Header.Add("Content-Type", "application/json; charset=UTF-8")
	r.Header.Set("Key-Version", "1")
	r.Header.Set("Agent-Token", "agent-token-from-sdk")
	r.Header.Set("Sdk-Version", "go-sdk-1.3.5")
	if rec, res := f.serve(t, r); rec.Code != 200 || res.ResultCode != wire.CodeSuccess {
		t.Fatalf("SDK-shaped request: HTTP %d %+v", rec.Code, res)
	}

	for _, lines := range [][]string{
		{"application/json", "text/plain"},
		{"application/json; charset=UTF-8", "application/json; charset=ISO-8859-1"},
		{"application/json", "application/json; charset"},
	} {
		r := f.newRequest(t, f.clientB, echoPath, echoBody)
		r.Header["Content-Type"] = lines
		if rec, res := f.serve(t, r); rec.Code != 415 || res.ResultCode != wire.CodeMediaTypeNotAcceptable {
			t.Errorf("Content-Type lines %q: HTTP %d %+v", lines, rec.Code, res)
		}
	}
}

// Every refusal is logged at info level with the Client-Id as sent, so an
// operator can tell a merchant why its requests fail, known client or not.
func TestTransportLogsEveryRefusalWithTheClientID(t *testing.T) {
	var logs syncBuffer
	f := newTransportFixture(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	r := f.newRequest(t, f.clientA, echoPath, echoBody)
	r.Header["Content-Type"] = []string{"text/plain"}
	if rec, _ := f.serve(t, r); rec.Code != 415 {
		t.Fatalf("HTTP %d", rec.Code)
	}
	stranger := &client.Client{ClientID: "client-nobody-knows", Key: f.keys.Stranger, KeyVersion: "1"}
	if rec, _ := f.serve(t, f.newRequest(t, stranger, echoPath, echoBody)); rec.Code != 401 {
		t.Fatalf("HTTP %d", rec.Code)
	}
	got := logs.String()
	for _, want := range []string{
		"level=INFO msg=\"alipayplus: request rejected\" path=" + echoPath + " clientId=" + testClientA + " knownClient=false resultCode=MEDIA_TYPE_NOT_ACCEPTABLE",
		"clientId=client-nobody-knows knownClient=false resultCode=INVALID_CLIENT",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
}

// answerVerifier returns v set to verify the answer to r: it must carry the
// Client-Id the handler signs r's answer with (the partner's own when r's
// one Client-Id names an antom partner, Partner.AnswerClientID; the
// wallet's otherwise).
func answerVerifier(h *Handler, v *client.Client, r *http.Request) *client.Client {
	c := *v
	if ids := r.Header.Values("Client-Id"); len(ids) == 1 {
		if e, ok := h.byClient[ids[0]]; ok {
			c.WalletClientID = e.partner.AnswerClientID(v.WalletClientID)
		}
	}
	return &c
}
