package fuzz

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/client"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/memstore"
)

// The Alipay+ targets drive a real handler through the adapter's exported
// API only: a wallet on memstore and memfunds with one partner per
// profile, each request signed by that partner's Client.

// Partner ids of the wallet; the mini-program one is the id the adapter's
// seed requests use.
const (
	miniPartner  = "P000000000000001xxxx"
	enPartner    = "partner-en"
	antomPartner = "partner-antom"
)

// Names the wallet knows: user alice, her agreement access token and
// payment codes, and the paid payment the seeds refund and inquire.
const (
	fuzzToken       = "fuzz-access-token"
	fuzzPaidRequest = "paid"
)

// fuzzKeys are RSA-1024 keys, the smallest the handler accepts: the targets
// look for decoding bugs, not cryptographic ones, and every request costs
// a sign and a verify each way.
var fuzzKeys = sync.OnceValue(func() [2]*rsa.PrivateKey {
	var keys [2]*rsa.PrivateKey
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 1024)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

// wallet is a handler with a client per partner and a log to show when an
// answer is wrong.
type wallet struct {
	h       *alipayplus.Handler
	eng     *engine.Engine
	clients map[string]*client.Client // by partner id
	prefix  map[string]string         // path prefix by partner id
	verify  map[string]*client.Client // answers' verifier by partner id
	logs    bytes.Buffer
	now     time.Time // the wallet's clock, which stands still
	paidID  string    // payment id of the paid payment
}

// newWallet builds the wallet on a stopped clock, with alice able to pay
// and miniPartner's payment "paid" of 10.00 USD paid.
func newWallet(tb testing.TB) *wallet {
	tb.Helper()
	keys := fuzzKeys()
	walletKey, partnerKey := keys[0], keys[1]
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	clock := enginetest.NewClock(now)
	ledger := memfunds.New()
	ledger.Now = clock.Now
	ledger.SetBalance("alice", "USD", 1<<60)
	ledger.AddAccessToken(fuzzToken, "alice")
	for _, code := range []string{"code-1", "code-2", "code-3"} {
		ledger.AddPaymentCode(code, "alice")
	}
	eng, err := engine.New(memstore.New(), ledger, engine.Config{Now: clock.Now, NewID: (&enginetest.IDs{Prefix: "id-"}).Next})
	if err != nil {
		tb.Fatal(err)
	}
	w := &wallet{eng: eng, now: now, prefix: map[string]string{antomPartner: "/ams/api"}}
	pub := map[string]*rsa.PublicKey{"1": &partnerKey.PublicKey}
	partners := []alipayplus.Partner{
		{PartnerID: miniPartner, ClientID: "client-mini", Profile: alipayplus.ProfileMiniProgramV1, PublicKeys: pub},
		{PartnerID: enPartner, ClientID: "client-en", Profile: alipayplus.ProfileV1EN, PublicKeys: pub},
		{PartnerID: antomPartner, ClientID: "client-antom", Profile: alipayplus.ProfileAntom, PublicKeys: pub},
	}
	w.verify = map[string]*client.Client{}
	for i := range partners {
		w.verify[partners[i].PartnerID] = &client.Client{WalletKey: &walletKey.PublicKey, WalletClientID: partners[i].AnswerClientID("wallet")}
	}
	w.h, err = alipayplus.NewHandler(alipayplus.Config{
		Engine: eng, WalletClientID: "wallet", WalletKey: walletKey,
		Partners:   partners,
		CashierURL: func(id string) string { return "https://wallet.example/cashier?paymentId=" + id },
		Now:        clock.Now,
		Logger:     slog.New(slog.NewTextHandler(&w.logs, nil)),
	})
	if err != nil {
		tb.Fatal(err)
	}
	newClient := func(id string, tf client.TimeFormat) *client.Client {
		return &client.Client{ClientID: id, Key: partnerKey, KeyVersion: "1", Now: clock.Now, TimeFormat: tf}
	}
	w.clients = map[string]*client.Client{
		miniPartner:  newClient("client-mini", client.TimeISO8601),
		enPartner:    newClient("client-en", client.TimeISO8601),
		antomPartner: newClient("client-antom", client.TimeEpochMillis),
	}
	p, err := eng.Pay(context.Background(), engine.PayRequest{
		PartnerID: miniPartner, RequestID: fuzzPaidRequest, Scenario: engine.ScenarioAgreement,
		AuthCode: fuzzToken, Amount: engine.Money{Currency: "USD", Minor: 1000}, OrderTitle: "SHOES",
	})
	if err != nil || p.State != engine.PaymentSuccess {
		tb.Fatalf("paying %q: %v, %v", fuzzPaidRequest, p.State, err)
	}
	w.paidID = p.ID
	return w
}

// post signs body as partner, POSTs it to the endpoint named and checks
// what every answer must be: HTTP 200, signed by the wallet, a JSON object
// whose result has a known status and a code, and never U
// UNKNOWN_EXCEPTION (a panic or an internal error). It returns the result.
func (w *wallet) post(t *testing.T, partner, endpoint string, body []byte) wire.Result {
	t.Helper()
	w.logs.Reset()
	path := w.prefix[partner] + "/v1/payments/" + endpoint
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if err := w.clients[partner].SignRequest(r, body); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, r)
	if err := w.verify[partner].VerifyResponse(path, rec.Header(), rec.Body.Bytes()); err != nil {
		t.Fatalf("%s %s: answer (HTTP %d, %s) not verified: %v", partner, path, rec.Code, rec.Body, err)
	}
	var env struct {
		Result *wire.Result `json:"result"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Result == nil {
		t.Fatalf("%s %s: answer %s has no result (%v)", partner, path, rec.Body, err)
	}
	res := *env.Result
	switch res.ResultStatus {
	case wire.StatusSuccess, wire.StatusFail, wire.StatusUnknown, wire.StatusAccepted:
	default:
		t.Fatalf("%s %s: result status %q in %s", partner, path, res.ResultStatus, rec.Body)
	}
	if res.ResultCode == "" || res.ResultCode == wire.CodeUnknownException {
		t.Fatalf("%s %s: result %+v for body %q; log:\n%s", partner, path, res, body, w.logs.String())
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d for a signed request: %s", partner, path, rec.Code, rec.Body)
	}
	return res
}
