package alipayplus

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/client"
	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
)

// recordingServer serves h and remembers the last request's headers and
// body; rewrite, when set, may change the answer on its way back.
type recordingServer struct {
	*httptest.Server
	mu      sync.Mutex
	header  http.Header
	body    []byte
	rewrite func(rec *httptest.ResponseRecorder)
}

func newRecordingServer(t *testing.T, h http.Handler) *recordingServer {
	s := &recordingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.header, s.body = r.Header.Clone(), body
		rewrite := s.rewrite
		s.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rewrite != nil {
			rewrite(rec)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *recordingServer) last() (http.Header, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.header, s.body
}

func TestClientCallRoundTrip(t *testing.T) {
	f := newTransportFixture(t, nil)
	srv := newRecordingServer(t, f.h)
	c := *f.clientA
	c.BaseURL = srv.URL + "/" // a trailing slash is fine
	c.HTTP = srv.Client()

	req := map[string]string{"partnerId": "partner-a", "paymentRequestId": "r-1"}
	var got echoAnswer
	res, err := c.Call(t.Context(), echoPath, req, &got)
	if err != nil {
		t.Fatal(err)
	}
	if res.ResultStatus != wire.StatusSuccess || res.ResultCode != wire.CodeSuccess || got.Result != res {
		t.Fatalf("result %+v, answer %+v", res, got)
	}
	want, _ := json.Marshal(req)
	if got.Body != string(want) || got.PartnerID != "partner-a" || got.Path != echoPath {
		t.Errorf("endpoint saw %+v", got)
	}
	h, body := srv.last()
	if !bytes.Equal(body, want) {
		t.Errorf("sent body %s, want %s", body, want)
	}
	if h.Get("Client-Id") != testClientA || h.Get("Content-Type") != "application/json; charset=UTF-8" {
		t.Errorf("request headers %v", h)
	}
	if rt := h.Get("Request-Time"); rt != "2026-03-04T05:06:07.000Z" {
		t.Errorf("Request-Time = %q, want ISO 8601 with milliseconds", rt)
	}
	sh, err := signing.ParseSignatureHeader(h.Get("Signature"))
	if err != nil || sh.KeyVersion != "2" {
		t.Errorf("Signature %q: %+v %v", h.Get("Signature"), sh, err)
	}

	// Raw bytes are sent as they are; resp may be nil.
	raw := []byte("{ \"partnerId\" : \"partner-a\" }")
	for _, req := range []any{raw, json.RawMessage(raw)} {
		res, err := c.Call(t.Context(), echoPath, req, nil)
		if err != nil || res.ResultStatus != wire.StatusSuccess {
			t.Fatalf("%T: %+v %v", req, res, err)
		}
		if _, body := srv.last(); !bytes.Equal(body, raw) {
			t.Errorf("%T sent as %q", req, body)
		}
	}
}

func TestClientEpochMillis(t *testing.T) {
	f := newTransportFixture(t, nil)
	srv := newRecordingServer(t, f.h)
	c := *f.clientB
	c.BaseURL, c.HTTP = srv.URL, srv.Client()
	if _, err := c.Call(t.Context(), echoPath, struct{}{}, nil); err != nil {
		t.Fatal(err)
	}
	if h, _ := srv.last(); h.Get("Request-Time") != "1772600767000" {
		t.Errorf("Request-Time = %q, want epoch ms", h.Get("Request-Time"))
	}
}

// Rejections are verified answers: nil error, the result says why.
func TestClientCallGetsRejections(t *testing.T) {
	f := newTransportFixture(t, nil)
	srv := newRecordingServer(t, f.h)
	c := *f.clientA
	c.BaseURL, c.HTTP = srv.URL, srv.Client()

	c.KeyVersion = "9"
	res, err := c.Call(t.Context(), echoPath, struct{}{}, nil)
	if err != nil || res.ResultCode != wire.CodeKeyNotFound || res.ResultStatus != wire.StatusFail {
		t.Errorf("unknown key version: %+v %v", res, err)
	}
	c.KeyVersion = "2"
	res, err = c.Call(t.Context(), "/v1/payments/nope", struct{}{}, nil)
	if err != nil || res.ResultCode != wire.CodeNoInterfaceDef {
		t.Errorf("unknown path: %+v %v", res, err)
	}
	c.Now = func() time.Time { return testEpoch.Add(-time.Hour) }
	res, err = c.Call(t.Context(), echoPath, struct{}{}, nil)
	if err != nil || res.ResultCode != wire.CodeInvalidSignature || !strings.Contains(res.ResultMessage, "stale") {
		t.Errorf("stale: %+v %v", res, err)
	}
	c.Now = f.clock.Now
	// A panic is answered U, and the typed answer still decodes.
	var got echoAnswer
	res, err = c.Call(t.Context(), "/v1/payments/panicForTest", struct{}{}, &got)
	if err != nil || res.ResultStatus != wire.StatusUnknown || got.Result != res {
		t.Errorf("panic: %+v %+v %v", res, got, err)
	}
}

func TestClientRefusesUnverifiedAnswers(t *testing.T) {
	f := newTransportFixture(t, nil)
	srv := newRecordingServer(t, f.h)
	c := *f.clientA
	c.BaseURL, c.HTTP = srv.URL, srv.Client()
	cases := map[string]func(rec *httptest.ResponseRecorder){
		"body changed": func(rec *httptest.ResponseRecorder) {
			b := bytes.Replace(rec.Body.Bytes(), []byte(`"S"`), []byte(`"F"`), 1)
			rec.Body = bytes.NewBuffer(b)
		},
		"no Signature":     func(rec *httptest.ResponseRecorder) { rec.Header().Del("Signature") },
		"no Response-Time": func(rec *httptest.ResponseRecorder) { rec.Header().Del("Response-Time") },
		"no Client-Id":     func(rec *httptest.ResponseRecorder) { rec.Header().Del("Client-Id") },
		"Response-Time changed": func(rec *httptest.ResponseRecorder) {
			rec.Header().Set("Response-Time", "2026-03-04T05:06:08Z")
		},
		"Client-Id changed": func(rec *httptest.ResponseRecorder) { rec.Header().Set("Client-Id", "someone-else") },
		"bad Signature":     func(rec *httptest.ResponseRecorder) { rec.Header().Set("Signature", "algorithm=RSA256") },
	}
	for name, rewrite := range cases {
		t.Run(name, func(t *testing.T) {
			srv.mu.Lock()
			srv.rewrite = rewrite
			srv.mu.Unlock()
			res, err := c.Call(t.Context(), echoPath, struct{}{}, nil)
			if !errors.Is(err, signing.ErrUnverified) {
				t.Fatalf("got %+v, %v; want signing.ErrUnverified", res, err)
			}
		})
	}

	// A server that does not sign at all.
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`))
	}))
	defer plain.Close()
	c.BaseURL = plain.URL
	if _, err := c.Call(t.Context(), echoPath, struct{}{}, nil); !errors.Is(err, signing.ErrUnverified) {
		t.Errorf("unsigned server: %v", err)
	}

	// The wallet key is the wrong one.
	c.BaseURL = srv.URL
	srv.mu.Lock()
	srv.rewrite = nil
	srv.mu.Unlock()
	c.WalletKey = &f.keys.Stranger.PublicKey
	if _, err := c.Call(t.Context(), echoPath, struct{}{}, nil); !errors.Is(err, signing.ErrUnverified) {
		t.Errorf("wrong wallet key: %v", err)
	}
}

func TestVerifyResponseChecks(t *testing.T) {
	f := newTransportFixture(t, nil)
	rec, _ := f.serve(t, f.newRequest(t, f.clientA, echoPath, echoBody))
	body := rec.Body.Bytes()
	c := *f.wallet
	if err := c.VerifyResponse(echoPath, rec.Header(), body); err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyResponse("/v1/payments/pay", rec.Header(), body); !errors.Is(err, signing.ErrUnverified) {
		t.Errorf("other path verified: %v", err)
	}
	c.WalletClientID = "other-wallet"
	if err := c.VerifyResponse(echoPath, rec.Header(), body); !errors.Is(err, signing.ErrUnverified) {
		t.Errorf("foreign Client-Id verified: %v", err)
	}
	c.WalletClientID = ""
	if err := c.VerifyResponse(echoPath, rec.Header(), body); err != nil {
		t.Errorf("no WalletClientID expectation: %v", err)
	}
	c.Now = func() time.Time { return testEpoch.Add(2 * time.Second) } // skew 1 s
	if err := c.VerifyResponse(echoPath, rec.Header(), body); !errors.Is(err, signing.ErrUnverified) {
		t.Errorf("answer 2 s old verified with MaxClockSkew 1 s: %v", err)
	}
	c.MaxClockSkew = 0
	if err := c.VerifyResponse(echoPath, rec.Header(), body); err != nil {
		t.Errorf("no skew check: %v", err)
	}
	c.WalletKey = nil
	if err := c.VerifyResponse(echoPath, rec.Header(), body); !errors.Is(err, signing.ErrUnverified) {
		t.Errorf("nil WalletKey: %v", err)
	}
}

func TestSignRequest(t *testing.T) {
	f := newTransportFixture(t, nil)
	body := []byte(`{"x":1}`)
	r := httptest.NewRequest(http.MethodPost, "http://wallet.example/api/v1/payments/pay?q=1", bytes.NewReader(body))
	r.Header.Set("Request-Time", "1685599933871") // kept as set
	if err := f.clientA.SignRequest(r, body); err != nil {
		t.Fatal(err)
	}
	if r.Header.Get("Request-Time") != "1685599933871" || r.Header.Get("Client-Id") != testClientA {
		t.Errorf("headers %v", r.Header)
	}
	sh, err := signing.ParseSignatureHeader(r.Header.Get("Signature"))
	if err != nil {
		t.Fatal(err)
	}
	content := signing.SignedContent("POST", "/api/v1/payments/pay", testClientA, "1685599933871", body)
	if !signing.Verify(&f.keys.A2.PublicKey, content, sh.Signature) || sh.KeyVersion != "2" {
		t.Errorf("signature does not cover %q", content)
	}
	got, _ := io.ReadAll(r.Body)
	if !bytes.Equal(got, body) {
		t.Errorf("SignRequest touched the body")
	}

	// Without KeyVersion the header names none.
	c := &client.Client{ClientID: "c", Key: f.keys.A1, Now: f.clock.Now}
	r = httptest.NewRequest(http.MethodPost, "/v1/payments/pay", nil)
	if err := c.SignRequest(r, nil); err != nil {
		t.Fatal(err)
	}
	if s := r.Header.Get("Signature"); strings.Contains(s, "keyVersion") {
		t.Errorf("Signature %q names a key version", s)
	}
	if err := (&client.Client{ClientID: "c"}).SignRequest(r, nil); err == nil {
		t.Error("signed without a key")
	}
	if err := (&client.Client{Key: f.keys.A1}).SignRequest(r, nil); err == nil {
		t.Error("signed without a client id")
	}
}

func TestClientTransportErrors(t *testing.T) {
	f := newTransportFixture(t, nil)
	srv := httptest.NewServer(f.h)
	url := srv.URL
	srv.Close()
	c := *f.clientA
	c.BaseURL = url
	if _, err := c.Call(t.Context(), echoPath, struct{}{}, nil); err == nil || errors.Is(err, signing.ErrUnverified) {
		t.Errorf("closed server: %v", err)
	}
	if _, err := c.Call(t.Context(), echoPath, func() {}, nil); err == nil {
		t.Error("unencodable request accepted")
	}
	c.BaseURL = "://bad"
	if _, err := c.Call(t.Context(), echoPath, struct{}{}, nil); err == nil {
		t.Error("bad base URL accepted")
	}
}

// End to end through Client and a real server: a mini-program cashier
// payment is accepted, paid by the user on the cashier page, inquired,
// partly refunded and the refund inquired; a replayed pay answers the same.
func TestClientEndToEndCashierPayment(t *testing.T) {
	f := newTransportFixture(t, nil)
	f.ledger.SetBalance("alice", "USD", 500_00)
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	c := *f.clientA
	c.BaseURL, c.HTTP = srv.URL, srv.Client()
	ctx := t.Context()

	payReq := wire.PayRequest{
		PartnerID: "partner-a", PaymentRequestID: "order-1", PaymentOrderTitle: "SHOES",
		PaymentAmount:    &wire.Amount{Currency: "USD", Value: "10000"},
		PaymentFactor:    &wire.PaymentFactor{IsCashierPayment: true},
		PaymentNotifyURL: "https://merchant.example/notify",
	}
	var pay wire.PayResponse
	res, err := c.Call(ctx, "/v1/payments/pay", payReq, &pay)
	if err != nil {
		t.Fatal(err)
	}
	if res.ResultStatus != wire.StatusAccepted || res.ResultCode != wire.CodeAccept || pay.PaymentID == "" || pay.ActionForm == nil ||
		pay.ActionForm.ActionFormType != wire.ActionFormRedirection || pay.ActionForm.RedirectionURL != "https://wallet.example/cashier/"+pay.PaymentID {
		t.Fatalf("pay: %+v", pay)
	}
	var again wire.PayResponse
	if _, err := c.Call(ctx, "/v1/payments/pay", payReq, &again); err != nil || again.PaymentID != pay.PaymentID || again.Result != pay.Result {
		t.Fatalf("repeated pay: %+v %v", again, err)
	}

	// The user pays on the wallet's cashier page.
	if _, err := f.h.engine().Confirm(ctx, pay.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)

	var inq wire.InquiryPaymentResponse
	res, err = c.Call(ctx, "/v1/payments/inquiryPayment", wire.PaymentQuery{PartnerID: "partner-a", PaymentRequestID: "order-1"}, &inq)
	if err != nil || res.ResultStatus != wire.StatusSuccess || inq.PaymentStatus != wire.PaymentStatusSuccess || inq.PaymentID != pay.PaymentID {
		t.Fatalf("inquiryPayment: %+v %v", inq, err)
	}

	var ref wire.RefundResponse
	res, err = c.Call(ctx, "/v1/payments/refund", wire.RefundRequest{
		PartnerID: "partner-a", RefundRequestID: "refund-1", PaymentID: pay.PaymentID,
		RefundAmount: &wire.Amount{Currency: "USD", Value: "2500"},
	}, &ref)
	if err != nil || res.ResultStatus != wire.StatusSuccess || ref.RefundID == "" {
		t.Fatalf("refund: %+v %v", ref, err)
	}
	if got := f.ledger.Balance("alice", "USD"); got != 500_00-100_00+25_00 {
		t.Errorf("alice has %d", got)
	}

	var inqR wire.InquiryRefundResponse
	res, err = c.Call(ctx, "/v1/payments/inquiryRefund", wire.RefundQuery{PartnerID: "partner-a", RefundRequestID: "refund-1"}, &inqR)
	if err != nil || res.ResultStatus != wire.StatusSuccess || inqR.RefundStatus != wire.RefundStatusSuccess || inqR.RefundID != ref.RefundID {
		t.Fatalf("inquiryRefund: %+v %v", inqR, err)
	}

	// Another partner cannot see the payment, even with a valid signature.
	b := *f.clientB
	b.BaseURL, b.HTTP = srv.URL, srv.Client()
	res, err = b.Call(ctx, "/v1/payments/inquiryPayment", wire.PaymentQuery{PaymentID: pay.PaymentID}, nil)
	if err != nil || res.ResultStatus != wire.StatusFail || res.ResultCode != wire.CodeOrderNotExist {
		t.Errorf("other partner's inquiry: %+v %v", res, err)
	}
}

// The handler and the client are safe for concurrent use (run with -race).
func TestTransportConcurrentCalls(t *testing.T) {
	f := newTransportFixture(t, nil)
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	var wg sync.WaitGroup
	for i := range 16 {
		c := f.clientA
		if i%2 == 1 {
			c = f.clientB
		}
		cc := *c
		cc.BaseURL, cc.HTTP = srv.URL, srv.Client()
		wg.Go(func() {
			var got echoAnswer
			res, err := cc.Call(t.Context(), echoPath, map[string]int{"i": i}, &got)
			if err != nil || res.ResultStatus != wire.StatusSuccess || got.Body != `{"i":`+strconv.Itoa(i)+`}` {
				t.Errorf("call %d: %+v %+v %v", i, res, got, err)
			}
		})
	}
	wg.Wait()
}

// TestClientCapture: Client.Capture over a real server, for a
// mini-program partner under /v1/payments and an antom partner under
// /ams/api (PathPrefix): S with the capture, F and U read from the
// answer, an unverifiable answer an error.
func TestClientCapture(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	ctx := t.Context()
	mini := *f.clients[miniPartner]
	mini.BaseURL, mini.HTTP = srv.URL, srv.Client()

	p := f.authorize(t, "auth-1", "1000")
	got, err := mini.Capture(ctx, captureOf("c-1", p.ID, "600", false))
	if err != nil || got.Result.ResultStatus != wire.StatusSuccess || got.CaptureID == "" || got.CaptureTime == "" ||
		got.PaymentID != p.ID || got.CaptureAmount == nil || *got.CaptureAmount != *usd("600") {
		t.Fatalf("capture: %+v, %v", got, err)
	}
	got, err = mini.Capture(ctx, captureOf("c-2", p.ID, "401", false))
	if err != nil || got.Result.ResultCode != wire.CodeCaptureAmountExceedAuthLimit || got.CaptureID != "" {
		t.Fatalf("capture over the limit: %+v, %v", got, err)
	}
	f.ledger.Inject = func(string, engine.FundsRequest) memfunds.Fault { return memfunds.HoldAsUnknown }
	got, err = mini.Capture(ctx, captureOf("c-3", p.ID, "400", true))
	if err != nil || got.Result.ResultStatus != wire.StatusUnknown || got.Result.ResultCode != wire.CodeCaptureInProcess || got.CaptureID == "" {
		t.Fatalf("capture in flight: %+v, %v", got, err)
	}
	f.ledger.Inject = nil

	// Antom: isAuthorization with captureMode MANUAL, captured under /ams/api.
	antom := *f.clients[antomPartner]
	antom.BaseURL, antom.HTTP, antom.PathPrefix = srv.URL, srv.Client(), wire.AntomPathPrefix
	pay := antomPay("antom-auth")
	pay.PaymentFactor.IsAuthorization, pay.PaymentFactor.CaptureMode = true, wire.CaptureModeManual
	var pr wire.PayResponse
	if res, err := antom.Call(ctx, wire.AntomPathPrefix+wire.EndpointPay, pay, &pr); err != nil || res.ResultStatus != wire.StatusSuccess {
		t.Fatalf("antom pay: %+v %v", res, err)
	}
	if _, err := f.eng.Confirm(ctx, pr.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	got, err = antom.Capture(ctx, wire.CaptureRequest{CaptureRequestID: "a-1", PaymentID: pr.PaymentID, CaptureAmount: usd("10"), IsLastCapture: true})
	if err != nil || got.Result.ResultStatus != wire.StatusSuccess || got.CaptureRequestID != "a-1" {
		t.Fatalf("antom capture: %+v, %v", got, err)
	}

	// An answer the client cannot verify is an error, not a result.
	wrong := mini
	wrong.WalletKey = &testRSAKeys(t).A1.PublicKey
	if _, err := wrong.Capture(ctx, captureOf("c-4", p.ID, "1", false)); !errors.Is(err, signing.ErrUnverified) {
		t.Fatalf("unverified answer: %v", err)
	}
}
