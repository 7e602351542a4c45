package alipayplus

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/client"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

// updateGolden rewrites the answer goldens under testdata/golden.
var updateGolden = flag.Bool("update", false, "rewrite the answer goldens under testdata/golden")

// Partners of the endpoint fixture. The mini-program partner's id is the
// one the seeds' samples use.
const (
	miniPartner  = "P000000000000001xxxx"
	miniClient   = "client-mini"
	mini2Partner = "P000000000000002xxxx"
	mini2Client  = "client-mini-2"
	enPartner    = "partner-en"
	enClient     = "client-en"
	antomPartner = "partner-antom"
	antomClient  = "client-antom"
	epWalletID   = "wallet-ep"
)

// epEpoch is the fixture's clock at start.
var epEpoch = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

// idQueue mints the ids in preset first, then prefix+"1", prefix+"2", ...
type idQueue struct {
	mu     sync.Mutex
	preset []string
	ids    enginetest.IDs
}

func (q *idQueue) next() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.preset) > 0 {
		id := q.preset[0]
		q.preset = q.preset[1:]
		return id
	}
	return q.ids.Next()
}

// faultyStore fails reads by request key while fail is set, to produce
// engine internal errors.
type faultyStore struct {
	*memstore.Store
	mu   sync.Mutex
	fail bool
}

var errStoreDown = errors.New("store down: secret-store-detail")

func (s *faultyStore) setFail(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = v
}

func (s *faultyStore) failing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fail
}

func (s *faultyStore) GetPaymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	if s.failing() {
		return store.Snapshot{}, errStoreDown
	}
	return s.Store.GetPaymentByRequest(ctx, partnerID, requestID)
}

func (s *faultyStore) LoadPaymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	if s.failing() {
		return store.Snapshot{}, errStoreDown
	}
	return s.Store.LoadPaymentByRequest(ctx, partnerID, requestID)
}

func (s *faultyStore) LoadPayment(ctx context.Context, id, refundID string) (store.Snapshot, error) {
	if s.failing() {
		return store.Snapshot{}, errStoreDown
	}
	return s.Store.LoadPayment(ctx, id, refundID)
}

func (s *faultyStore) GetPayment(ctx context.Context, id string) (store.Snapshot, error) {
	if s.failing() {
		return store.Snapshot{}, errStoreDown
	}
	return s.Store.GetPayment(ctx, id)
}

// epFixture is the real handler over an engine on memstore and memfunds,
// on a fixed clock, with a signing client per partner.
type epFixture struct {
	h       *Handler
	eng     *engine.Engine
	store   *faultyStore
	clock   *enginetest.Clock
	ledger  *memfunds.Ledger
	ids     *idQueue
	logs    *syncBuffer
	clients map[string]*client.Client // by partner id
	verify  *client.Client
}

// epOptions tweaks a fixture.
type epOptions struct {
	engine     func(*engine.Config)
	cashierURL func(paymentID string) string
	presetIDs  []string
	siteName   string // Config.SiteName
}

func newEPFixture(t testing.TB, opt epOptions) *epFixture {
	t.Helper()
	keys := testRSAKeys(t)
	wallet, partnerKey := keys.Wallet, keys.A1
	clock := enginetest.NewClock(epEpoch)
	ledger := memfunds.New()
	ledger.Now = clock.Now
	ids := &idQueue{preset: opt.presetIDs, ids: enginetest.IDs{Prefix: "id-"}}
	st := &faultyStore{Store: memstore.New()}
	ecfg := engine.Config{Now: clock.Now, NewID: ids.next}
	if opt.engine != nil {
		opt.engine(&ecfg)
	}
	eng, err := engine.New(st, ledger, ecfg)
	if err != nil {
		t.Fatal(err)
	}
	cashier := opt.cashierURL
	if cashier == nil {
		cashier = func(id string) string { return "https://wallet.example/cashier?paymentId=" + id }
	}
	pub := map[string]*rsa.PublicKey{"1": &partnerKey.PublicKey}
	logs := &syncBuffer{}
	h, err := NewHandler(Config{
		Engine: eng, WalletClientID: epWalletID, WalletKey: wallet,
		Partners: []Partner{
			{PartnerID: miniPartner, ClientID: miniClient, PublicKeys: pub},
			{PartnerID: mini2Partner, ClientID: mini2Client, Profile: ProfileMiniProgramV1, PublicKeys: pub},
			{PartnerID: enPartner, ClientID: enClient, Profile: ProfileV1EN, PublicKeys: pub},
			{PartnerID: antomPartner, ClientID: antomClient, Profile: ProfileAntom, PublicKeys: pub},
		},
		CashierURL: cashier,
		SiteName:   opt.siteName,
		Now:        clock.Now,
		Logger:     slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	newClient := func(id string, tf client.TimeFormat) *client.Client {
		c := &client.Client{ClientID: id, Key: partnerKey, KeyVersion: "1", WalletKey: &wallet.PublicKey,
			WalletClientID: epWalletID, Now: clock.Now, TimeFormat: tf}
		if e, ok := h.byClient[id]; ok { // an antom merchant verifies answers with its own Client-Id
			c.WalletClientID = e.partner.AnswerClientID(epWalletID)
		}
		return c
	}
	return &epFixture{
		h: h, eng: eng, store: st, clock: clock, ledger: ledger, ids: ids, logs: logs,
		clients: map[string]*client.Client{
			miniPartner:  newClient(miniClient, client.TimeISO8601),
			mini2Partner: newClient(mini2Client, client.TimeISO8601),
			enPartner:    newClient(enClient, client.TimeISO8601),
			antomPartner: newClient(antomClient, client.TimeEpochMillis),
		},
		verify: &client.Client{WalletKey: &wallet.PublicKey, WalletClientID: epWalletID},
	}
}

// send signs body as partner, serves it at path and returns the verified
// answer body and its result.
func (f *epFixture) send(t testing.TB, partner, path string, body []byte) ([]byte, wire.Result) {
	t.Helper()
	c, ok := f.clients[partner]
	if !ok {
		t.Fatalf("no client for partner %q", partner)
	}
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if err := c.SignRequest(r, body); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, r)
	if err := answerVerifier(f.h, f.verify, r).VerifyResponse(wirePath(r), rec.Header(), rec.Body.Bytes()); err != nil {
		t.Fatalf("%s: answer (HTTP %d, %s) not verified: %v", path, rec.Code, rec.Body, err)
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: HTTP %d, want 200 (business answers): %s", path, rec.Code, rec.Body)
	}
	var env struct {
		Result *wire.Result `json:"result"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Result == nil {
		t.Fatalf("%s: answer %s has no result (%v)", path, rec.Body, err)
	}
	return rec.Body.Bytes(), *env.Result
}

// call sends req (marshalled unless it is []byte) and decodes the answer
// into resp.
func (f *epFixture) call(t testing.TB, partner, path string, req, resp any) wire.Result {
	t.Helper()
	body, ok := req.([]byte)
	if !ok {
		var err error
		if body, err = json.Marshal(req); err != nil {
			t.Fatal(err)
		}
	}
	raw, res := f.send(t, partner, path, body)
	if resp != nil {
		if err := json.Unmarshal(raw, resp); err != nil {
			t.Fatalf("%s: decoding %s: %v", path, raw, err)
		}
	}
	return res
}

// Paths of the endpoints.
const (
	pathPay            = "/v1/payments/pay"
	pathInquiryPayment = "/v1/payments/inquiryPayment"
	pathCancel         = "/v1/payments/cancel"
	pathRefund         = "/v1/payments/refund"
	pathInquiryRefund  = "/v1/payments/inquiryRefund"
	pathCapture        = "/v1/payments/capture"
	antomPrefix        = "/ams/api"
)

// wantResult fails the test unless got has the status and code.
func wantResult(t testing.TB, got wire.Result, status, code string) {
	t.Helper()
	if got.ResultStatus != status || got.ResultCode != code {
		t.Fatalf("result = %s %s (%q), want %s %s", got.ResultStatus, got.ResultCode, got.ResultMessage, status, code)
	}
}

// wantParamIllegal fails the test unless got is F PARAM_ILLEGAL naming
// field at the start of its message.
func wantParamIllegal(t testing.TB, got wire.Result, field string) {
	t.Helper()
	wantResult(t, got, wire.StatusFail, wire.CodeParamIllegal)
	if !strings.HasPrefix(got.ResultMessage, field+" ") && !strings.HasPrefix(got.ResultMessage, field+":") {
		t.Fatalf("PARAM_ILLEGAL message %q does not name %s", got.ResultMessage, field)
	}
}

// usd returns an amount in USD cents.
func usd(value string) *wire.Amount { return &wire.Amount{Currency: "USD", Value: value} }

// miniCashierPay is a mini-program cashier pay request of partner.
func miniCashierPay(partner, requestID, value string) *wire.PayRequest {
	return &wire.PayRequest{
		PartnerID: partner, PaymentRequestID: requestID, PaymentOrderTitle: "SHOES",
		ProductCode: "PC_5800000001", PaymentAmount: usd(value),
		PaymentFactor:    &wire.PaymentFactor{IsCashierPayment: true},
		PaymentNotifyURL: "https://www.merchant.com/paymentNotify",
		ExtraParams:      map[string]string{"ORDER": `{"referenceOrderId":"ID_000001"}`},
	}
}

// payAndConfirm creates a mini-program cashier payment of value USD cents
// through the handler and lets user "alice" (given enough money) pay it.
func (f *epFixture) payAndConfirm(t testing.TB, partner, requestID, value string) engine.Payment {
	t.Helper()
	var resp wire.PayResponse
	wantResult(t, f.call(t, partner, pathPay, miniCashierPay(partner, requestID, value), &resp), wire.StatusAccepted, wire.CodeAccept)
	f.ledger.SetBalance("alice", "USD", 1_000_000_00)
	p, err := f.eng.Confirm(context.Background(), resp.PaymentID, "alice")
	if err != nil || p.State != engine.PaymentSuccess {
		t.Fatalf("confirm %s: %v, %v", resp.PaymentID, p.State, err)
	}
	return p
}

// mustNotExist fails unless partner has no payment under requestID.
func (f *epFixture) mustNotExist(t testing.TB, partner, requestID string) {
	t.Helper()
	_, err := f.eng.InquirePayment(context.Background(), engine.PaymentRef{PartnerID: partner, RequestID: requestID})
	if engine.ErrorCode(err) != engine.CodePaymentNotFound {
		t.Fatalf("payment %s/%s: err %v, want none stored", partner, requestID, err)
	}
}

// normalize replaces what differs between the wallet's answers and the
// seeds' samples in a decoded answer: ids (paymentId, refundId), times
// (keys ending in "Time") and resultMessage (human text the seeds word
// differently).
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			switch s, isString := val.(string); {
			case isString && s != "" && (k == "paymentId" || k == "refundId"):
				out[k] = "<id>"
			case isString && s != "" && strings.HasSuffix(k, "Time"):
				out[k] = "<time>"
			case isString && k == "resultMessage":
				out[k] = "<message>"
			default:
				out[k] = normalize(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = normalize(val)
		}
		return out
	}
	return v
}

// canonical decodes a JSON document and re-encodes it with sorted keys and
// indentation, normalized (see normalize) when asked.
func canonical(t testing.TB, raw []byte, normalized bool) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	if normalized {
		v = normalize(v)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkGolden compares got with testdata/golden/name, rewriting the file
// under -update.
func checkGolden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("answer differs from %s (run go test -update after review):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
