package notify

import (
	"context"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/internal/alipaytest"
	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

const ackS = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`

// gotRequest is one notification a test merchant received.
type gotRequest struct {
	Method, URI, Remote string
	Header              http.Header
	Body                []byte
}

// merchant is a notify endpoint on loopback: it records every request and
// answers as the test says.
type merchant struct {
	*httptest.Server
	mu  sync.Mutex
	got []gotRequest
}

func newMerchant(t testing.TB, answer func(w http.ResponseWriter, r *http.Request, body []byte)) *merchant {
	t.Helper()
	m := &merchant{}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		m.mu.Lock()
		m.got = append(m.got, gotRequest{Method: r.Method, URI: r.RequestURI, Remote: r.RemoteAddr, Header: r.Header.Clone(), Body: body})
		m.mu.Unlock()
		answer(w, r, body)
	}))
	t.Cleanup(m.Close)
	return m
}

func (m *merchant) hits() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.got)
}

func (m *merchant) request(i int) gotRequest {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.got[i]
}

// answerS acknowledges every notification, unsigned.
func answerS(w http.ResponseWriter, _ *http.Request, _ []byte) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, ackS)
}

// signedAck answers body signed by key (keyVersion version, "" for none) as
// clientID over path.
func signedAck(t testing.TB, key *rsa.PrivateKey, version, clientID, path, body string) func(http.ResponseWriter, *http.Request, []byte) {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		rt := wire.FormatTime(testEpoch)
		sig, err := signing.Sign(key, signing.SignedContent(http.MethodPost, path, clientID, rt, []byte(body)))
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Client-Id", clientID)
		w.Header().Set("Response-Time", rt)
		w.Header().Set("Signature", signing.SignatureHeader{KeyVersion: version, Signature: sig}.String())
		_, _ = io.WriteString(w, body)
	}
}

// The wallet of these tests: partner-a (miniprogram-v1, keys 1 and 2) and
// partner-b (antom, key 1), at a fixed time.
const (
	testWalletClientID = "wallet-test"
	testClientA        = "client-a"
	testClientB        = "client-b"
)

var testEpoch = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// notifierConfig is the wallet of these tests.
func notifierConfig(t testing.TB) alipayplus.Config {
	keys := alipaytest.Keys(t)
	return alipayplus.Config{
		WalletClientID:   testWalletClientID,
		WalletKey:        keys.Wallet,
		WalletKeyVersion: "3",
		Partners: []alipayplus.Partner{
			{PartnerID: "partner-a", ClientID: testClientA, PublicKeys: map[string]*rsa.PublicKey{"1": &keys.A1.PublicKey, "2": &keys.A2.PublicKey}},
			{PartnerID: "partner-b", ClientID: testClientB, Profile: alipayplus.ProfileAntom, PublicKeys: map[string]*rsa.PublicKey{"1": &keys.B.PublicKey}},
		},
		Now: func() time.Time { return testEpoch },
	}
}

// loopbackNotifier allows 127.0.0.1, where the test merchants listen.
func loopbackNotifier(t testing.TB, tune func(*alipayplus.Config, *Options)) *Notifier {
	t.Helper()
	cfg := notifierConfig(t)
	opts := Options{AllowHosts: []string{"127.0.0.1"}}
	if tune != nil {
		tune(&cfg, &opts)
	}
	n, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.CloseIdleConnections)
	return n
}

// successMessage announces partner-a's payment pay-1 of 10.50 USD as paid.
func successMessage(notifyURL string) engine.Notification {
	return engine.Notification{
		ID: "pay-1.result", PaymentID: "pay-1", PartnerID: "partner-a", RequestID: "req-1",
		NotifyURL: notifyURL, State: engine.PaymentSuccess, Amount: engine.Money{Currency: "USD", Minor: 1050},
		PaymentCreatedAt: testEpoch.Add(-time.Minute), At: testEpoch,
	}
}

func TestNotifyRequestMatchesTheSpec(t *testing.T) {
	keys := alipaytest.Keys(t)
	m := newMerchant(t, answerS)
	var clock atomic.Int64
	n := loopbackNotifier(t, func(c *alipayplus.Config, _ *Options) {
		c.Now = func() time.Time { return testEpoch.Add(time.Duration(clock.Load()) * time.Second) }
	})
	msg := successMessage(m.URL + "/shop/notify%20me?token=abc")
	for attempt := range 2 {
		clock.Store(int64(attempt))
		if err := n.Notify(context.Background(), msg); err != nil {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
	}
	wantBody := `{"partnerId":"partner-a","paymentId":"pay-1","paymentRequestId":"req-1",` +
		`"paymentAmount":{"currency":"USD","value":"1050"},"paymentCreateTime":"2026-03-04T05:05:07Z",` +
		`"paymentTime":"2026-03-04T05:06:07Z","paymentStatus":"SUCCESS"}`
	for attempt, wantTime := range []string{"2026-03-04T05:06:07.000Z", "2026-03-04T05:06:08.000Z"} {
		got := m.request(attempt)
		if got.Method != http.MethodPost || got.URI != "/shop/notify%20me?token=abc" {
			t.Errorf("attempt %d: %s %s", attempt, got.Method, got.URI)
		}
		if string(got.Body) != wantBody {
			t.Errorf("attempt %d: body\n got %s\nwant %s", attempt, got.Body, wantBody)
		}
		for name, want := range map[string]string{
			"Content-Type":    "application/json; charset=UTF-8",
			"Notification-Id": "pay-1.result",
			"Client-Id":       testWalletClientID,
			"Request-Time":    wantTime,
		} {
			if v := got.Header.Get(name); v != want {
				t.Errorf("attempt %d: %s = %q, want %q", attempt, name, v, want)
			}
		}
		sig, err := signing.ParseSignatureHeader(got.Header.Get("Signature"))
		if err != nil {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
		if sig.KeyVersion != "3" || !strings.HasPrefix(got.Header.Get("Signature"), "algorithm=RSA256, keyVersion=3, signature=") {
			t.Errorf("attempt %d: Signature %q", attempt, got.Header.Get("Signature"))
		}
		content := signing.SignedContent(http.MethodPost, "/shop/notify%20me", testWalletClientID, wantTime, got.Body)
		if !signing.Verify(&keys.Wallet.PublicKey, content, sig.Signature) {
			t.Errorf("attempt %d: signature does not verify over the notify path with the wallet key", attempt)
		}
	}
}

func TestNotifyEmptyPathIsSlash(t *testing.T) {
	keys := alipaytest.Keys(t)
	m := newMerchant(t, answerS)
	n := loopbackNotifier(t, nil)
	if err := n.Notify(context.Background(), successMessage(m.URL)); err != nil {
		t.Fatal(err)
	}
	got := m.request(0)
	if got.URI != "/" {
		t.Errorf("request URI %q", got.URI)
	}
	sig, err := signing.ParseSignatureHeader(got.Header.Get("Signature"))
	if err != nil {
		t.Fatal(err)
	}
	if !signing.Verify(&keys.Wallet.PublicKey, signing.SignedContent("POST", "/", testWalletClientID, got.Header.Get("Request-Time"), got.Body), sig.Signature) {
		t.Error("signature does not cover path /")
	}
}

func TestNotifyAcknowledgements(t *testing.T) {
	keys := alipaytest.Keys(t)
	const path = "/notify"
	write := func(status int, body string) func(http.ResponseWriter, *http.Request, []byte) {
		return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	}
	ackF := `{"result":{"resultCode":"PROCESS_FAIL","resultStatus":"F","resultMessage":"order locked"}}`
	ackU := `{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U","resultMessage":"try later"}}`
	huge := `{"result":{"resultStatus":"S","resultCode":"SUCCESS","resultMessage":"` + strings.Repeat("x", 70<<10) + `"}}`
	cases := []struct {
		name    string
		answer  func(http.ResponseWriter, *http.Request, []byte)
		wantErr []string // substrings; none: delivered
	}{
		{"S", answerS, nil},
		{"S with HTTP 202", write(http.StatusAccepted, ackS), nil},
		{"F", write(200, ackF), []string{`resultStatus "F"`, "PROCESS_FAIL", "order locked"}},
		{"U", write(200, ackU), []string{`resultStatus "U"`, "UNKNOWN_EXCEPTION"}},
		{"A is not S", write(200, `{"result":{"resultStatus":"A"}}`), []string{`resultStatus "A"`}},
		{"not JSON", write(200, "success"), []string{"not JSON", `"success"`}},
		{"empty", write(200, ""), []string{"not JSON", "empty body"}},
		{"no result", write(200, `{"ok":true}`), []string{"has no result"}},
		{"500 with result", write(500, ackU), []string{"HTTP 500", `resultStatus "U"`}},
		{"500 with S is not delivered", write(500, ackS), []string{"HTTP 500"}},
		{"404 text", write(404, "not found"), []string{"HTTP 404", `"not found"`}},
		{"redirect", func(w http.ResponseWriter, r *http.Request, _ []byte) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}, []string{"HTTP 302", "redirect"}},
		{"oversized", write(200, huge), []string{"exceeds 64 KiB"}},
		{"good signed ack, keyVersion 1", signedAck(t, keys.A1, "1", testClientA, path, ackS), nil},
		{"good signed ack, no keyVersion: newest key", signedAck(t, keys.A2, "", testClientA, path, ackS), nil},
		{"signed by a stranger", signedAck(t, keys.Stranger, "1", testClientA, path, ackS), []string{"not verified", "does not verify with partner partner-a's key 1"}},
		{"signed over another path", signedAck(t, keys.A1, "1", testClientA, "/other", ackS), []string{"not verified"}},
		{"unknown keyVersion", signedAck(t, keys.A1, "9", testClientA, path, ackS), []string{"not verified", `keyVersion "9"`}},
		{"another partner's Client-Id", signedAck(t, keys.B, "1", testClientB, path, ackS), []string{"not verified", "Client-Id"}},
		{"signed without Response-Time", func(w http.ResponseWriter, r *http.Request, b []byte) {
			rec := httptest.NewRecorder()
			signedAck(t, keys.A1, "1", testClientA, path, ackS)(rec, r, b)
			w.Header().Set("Signature", rec.Header().Get("Signature"))
			_, _ = io.WriteString(w, ackS)
		}, []string{"not verified", "no Response-Time"}},
		{"signed F is F", signedAck(t, keys.A1, "1", testClientA, path, ackF), []string{`resultStatus "F"`}},
		{"malformed Signature", func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			w.Header().Set("Signature", "algorithm=RSA256, signature=%%%")
			_, _ = io.WriteString(w, ackS)
		}, []string{"not verified", "acknowledgement"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newMerchant(t, c.answer)
			n := loopbackNotifier(t, nil)
			err := n.Notify(context.Background(), successMessage(m.URL+path))
			if len(c.wantErr) == 0 {
				if err != nil {
					t.Fatalf("not delivered: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("delivered")
			}
			for _, w := range c.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if len(err.Error()) > 400 {
				t.Errorf("error is %d bytes long: %.80q...", len(err.Error()), err)
			}
			if m.hits() != 1 {
				t.Errorf("merchant got %d requests, want 1 (no redirect followed, no retry)", m.hits())
			}
		})
	}
}

func TestNotifyTimeout(t *testing.T) {
	m := newMerchant(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		<-r.Context().Done()
	})
	n := loopbackNotifier(t, func(_ *alipayplus.Config, o *Options) { o.Timeout = 100 * time.Millisecond })
	start := time.Now()
	err := n.Notify(context.Background(), successMessage(m.URL+"/n"))
	if err == nil || !strings.Contains(err.Error(), "no answer within 100ms (timeout)") {
		t.Fatalf("error %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("returned after %s", d)
	}
}

func TestNotifyCallerCancels(t *testing.T) {
	release := make(chan struct{})
	m := newMerchant(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		close(release)
		<-r.Context().Done()
	})
	n := loopbackNotifier(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-release; cancel() }()
	err := n.Notify(ctx, successMessage(m.URL+"/n"))
	if err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("error %v", err)
	}
}

func TestNotifyUnknownPartnerSendsNothing(t *testing.T) {
	m := newMerchant(t, answerS)
	n := loopbackNotifier(t, nil)
	msg := successMessage(m.URL + "/n")
	msg.PartnerID = "partner-gone"
	err := n.Notify(context.Background(), msg)
	if err == nil || !strings.Contains(err.Error(), `partner "partner-gone" is not configured`) {
		t.Fatalf("error %v", err)
	}
	if m.hits() != 0 {
		t.Errorf("merchant got %d requests", m.hits())
	}
}

func TestNotifyAntomPartnerGetsAntomsBody(t *testing.T) {
	keys := alipaytest.Keys(t)
	m := newMerchant(t, signedAck(t, keys.B, "1", testClientB, "/n", ackS))
	n := loopbackNotifier(t, nil)
	msg := successMessage(m.URL + "/n")
	msg.PartnerID = "partner-b"
	if err := n.Notify(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	want, _ := alipayplus.NotifyPaymentBody(alipayplus.ProfileAntom, msg)
	req := m.request(0)
	if string(req.Body) != string(want) || !strings.Contains(string(req.Body), `"notifyType":"PAYMENT_RESULT"`) {
		t.Errorf("body %s, want %s", req.Body, want)
	}
	// Signed as Antom signs: the merchant verifies with its own Client-Id.
	if got := req.Header.Get("Client-Id"); got != testClientB {
		t.Errorf("Client-Id %q, want the merchant's own %q", got, testClientB)
	}
	sh, err := signing.ParseSignatureHeader(req.Header.Get("Signature"))
	if err != nil || !signing.Verify(&keys.Wallet.PublicKey,
		signing.SignedContent(http.MethodPost, "/n", testClientB, req.Header.Get("Request-Time"), req.Body), sh.Signature) {
		t.Errorf("the notification does not verify with the merchant's own Client-Id: %v", err)
	}
}

// A refund's result goes out as notifyRefund, signed as notifyPayment is,
// with the refund's own Notification-Id.
func TestNotifyAntomRefund(t *testing.T) {
	keys := alipaytest.Keys(t)
	m := newMerchant(t, signedAck(t, keys.B, "1", testClientB, "/refunds", ackS))
	n := loopbackNotifier(t, nil)
	msg := successMessage(m.URL + "/refunds")
	msg.ID, msg.Kind, msg.PartnerID = "ref-1.result", engine.OutboxKindRefundResult, "partner-b"
	msg.RefundID, msg.RefundRequestID, msg.RefundState = "ref-1", "refund-1", engine.RefundFail
	msg.FailReason, msg.Amount = engine.CodeUserNotExist, engine.Money{Currency: "USD", Minor: 300}
	if err := n.Notify(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	want, _ := alipayplus.NotifyRefundBody(msg)
	req := m.request(0)
	if string(req.Body) != string(want) || !strings.Contains(string(req.Body), `"notifyType":"REFUND_RESULT"`) ||
		!strings.Contains(string(req.Body), `"refundStatus":"FAIL"`) || !strings.Contains(string(req.Body), `"resultStatus":"F"`) {
		t.Errorf("body %s, want %s", req.Body, want)
	}
	if got := req.Header.Get("Notification-Id"); got != "ref-1.result" {
		t.Errorf("Notification-Id %q", got)
	}
	sh, err := signing.ParseSignatureHeader(req.Header.Get("Signature"))
	if err != nil || !signing.Verify(&keys.Wallet.PublicKey,
		signing.SignedContent(http.MethodPost, "/refunds", testClientB, req.Header.Get("Request-Time"), req.Body), sh.Signature) {
		t.Errorf("the notification does not verify with the merchant's own Client-Id: %v", err)
	}
}

// A capture's result goes out as notifyCapture, signed as notifyPayment
// is, with the capture's own Notification-Id.
func TestNotifyAntomCapture(t *testing.T) {
	keys := alipaytest.Keys(t)
	m := newMerchant(t, signedAck(t, keys.B, "1", testClientB, "/captures", ackS))
	n := loopbackNotifier(t, nil)
	msg := successMessage(m.URL + "/captures")
	msg.ID, msg.Kind, msg.PartnerID, msg.State = "cap-1.result", engine.OutboxKindCaptureResult, "partner-b", engine.PaymentAuthorized
	msg.CaptureID, msg.CaptureRequestID, msg.CaptureState = "cap-1", "capture-1", engine.CaptureSuccess
	msg.Amount = engine.Money{Currency: "USD", Minor: 300}
	if err := n.Notify(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	want, _ := alipayplus.NotifyCaptureBody(msg)
	req := m.request(0)
	if string(req.Body) != string(want) || !strings.Contains(string(req.Body), `"notifyType":"CAPTURE_RESULT"`) ||
		!strings.Contains(string(req.Body), `"captureId":"cap-1"`) || !strings.Contains(string(req.Body), `"resultStatus":"S"`) {
		t.Errorf("body %s, want %s", req.Body, want)
	}
	if got := req.Header.Get("Notification-Id"); got != "cap-1.result" {
		t.Errorf("Notification-Id %q", got)
	}
	sh, err := signing.ParseSignatureHeader(req.Header.Get("Signature"))
	if err != nil || !signing.Verify(&keys.Wallet.PublicKey,
		signing.SignedContent(http.MethodPost, "/captures", testClientB, req.Header.Get("Request-Time"), req.Body), sh.Signature) {
		t.Errorf("the notification does not verify with the merchant's own Client-Id: %v", err)
	}
}

func TestNotifyKeepsConnectionsAlive(t *testing.T) {
	m := newMerchant(t, answerS)
	n := loopbackNotifier(t, nil)
	for i := range 20 {
		if err := n.Notify(context.Background(), successMessage(m.URL+"/n")); err != nil {
			t.Fatalf("notification %d: %v", i, err)
		}
	}
	remotes := map[string]bool{}
	for i := range m.hits() {
		remotes[m.request(i).Remote] = true
	}
	if len(remotes) != 1 {
		t.Errorf("20 sequential notifications used %d connections", len(remotes))
	}
}

func TestNotifyConcurrent(t *testing.T) {
	m := newMerchant(t, answerS)
	n := loopbackNotifier(t, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Go(func() { errs <- n.Notify(context.Background(), successMessage(m.URL+"/n")) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if m.hits() != 32 {
		t.Errorf("merchant got %d", m.hits())
	}
}

func TestNewNotifierValidates(t *testing.T) {
	cases := []struct {
		name string
		edit func(*alipayplus.Config, *Options)
		want []string
	}{
		{"no wallet key", func(c *alipayplus.Config, _ *Options) { c.WalletKey = nil }, []string{"Config.WalletKey is required"}},
		{"no wallet client", func(c *alipayplus.Config, _ *Options) { c.WalletClientID = "" }, []string{"Config.WalletClientID is required"}},
		{"no partners", func(c *alipayplus.Config, _ *Options) { c.Partners = nil }, []string{"Config.Partners needs at least one partner"}},
		{"bad partner", func(c *alipayplus.Config, _ *Options) { c.Partners[1].ClientID = testClientA }, []string{"Partners[1].ClientID"}},
		{"negative timeout", func(_ *alipayplus.Config, o *Options) { o.Timeout = -time.Second }, []string{"notify.Options.Timeout must not be negative"}},
		{"negative idle", func(_ *alipayplus.Config, o *Options) { o.MaxIdleConnsPerHost = -1 }, []string{"MaxIdleConnsPerHost"}},
		{"bad host", func(_ *alipayplus.Config, o *Options) { o.AllowHosts = []string{"ok.example", "http://x.example/"} }, []string{`AllowHosts[1] "http://x.example/"`}},
		{"empty host", func(_ *alipayplus.Config, o *Options) { o.AllowHosts = []string{""} }, []string{"AllowHosts[0]"}},
		{"zero prefix", func(_ *alipayplus.Config, o *Options) { o.AllowCIDRs = make([]netip.Prefix, 1) }, []string{"AllowCIDRs[0] is not a valid prefix"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, opts := notifierConfig(t), Options{}
			c.edit(&cfg, &opts)
			n, err := New(cfg, opts)
			if err == nil {
				t.Fatalf("accepted: %+v", n)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	// Engine and CashierURL are the handler's business.
	n, err := New(notifierConfig(t), Options{AllowHosts: []string{"[::1]", "Shop.Example."}})
	if err != nil {
		t.Fatal(err)
	}
	if n.timeout != DefaultNotifyTimeout || n.transport.MaxIdleConnsPerHost != DefaultMaxIdleConnsPerHost || n.transport.Proxy != nil {
		t.Errorf("defaults: timeout %s, idle %d", n.timeout, n.transport.MaxIdleConnsPerHost)
	}
}
