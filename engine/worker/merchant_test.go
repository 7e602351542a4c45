package worker

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/notify"
	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// flakyMerchant is a merchant's notify endpoint on loopback that misbehaves
// in a scripted way, one behaviour per request, then acknowledges.
type flakyMerchant struct {
	t         *testing.T
	walletKey *rsa.PublicKey
	script    []string // "500", "timeout", "garbage", "F", "U"; then "S"

	mu       sync.Mutex
	bodies   []string
	ids      []string
	inFlight int
	// abandoned is closed when the handler of a request the wallet gave
	// up on (a "timeout" step) has returned. The wallet's client closes the
	// connection when it gives up, but the server sees that a moment later,
	// possibly after the next attempt has arrived on a new connection: the
	// next request waits for it, so that "in flight" counts only requests
	// the wallet still waits for.
	abandoned chan struct{}
}

func (m *flakyMerchant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	m.mu.Lock()
	abandoned := m.abandoned
	m.mu.Unlock()
	if abandoned != nil {
		select {
		case <-abandoned:
		case <-time.After(10 * time.Second):
			m.t.Errorf("the server never saw the wallet give up on the timed-out attempt")
		}
	}
	m.mu.Lock()
	m.inFlight++
	if m.inFlight > 1 {
		m.t.Errorf("two notifications in flight at once")
	}
	n := len(m.bodies)
	m.bodies = append(m.bodies, string(body))
	m.ids = append(m.ids, r.Header.Get("Notification-Id"))
	m.mu.Unlock()
	var gaveUp chan struct{} // set by a "timeout" step
	defer func() {
		m.mu.Lock()
		m.inFlight--
		m.mu.Unlock()
		if gaveUp != nil {
			close(gaveUp)
		}
	}()
	sig, err := signing.ParseSignatureHeader(r.Header.Get("Signature"))
	require.NoError(m.t, err)
	content := signing.SignedContent(http.MethodPost, r.URL.EscapedPath(), r.Header.Get("Client-Id"), r.Header.Get("Request-Time"), body)
	assert.True(m.t, signing.Verify(m.walletKey, content, sig.Signature), "the wallet's signature verifies over the notify path")

	step := "S"
	if n < len(m.script) {
		step = m.script[n]
	}
	switch step {
	case "500":
		http.Error(w, "oops", http.StatusInternalServerError)
	case "timeout":
		gaveUp = make(chan struct{})
		m.mu.Lock()
		m.abandoned = gaveUp
		m.mu.Unlock()
		<-r.Context().Done() // the wallet gives up first
	case "garbage":
		_, _ = io.WriteString(w, "<html>thanks!</html>")
	default:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]wire.Result{"result": {ResultStatus: step, ResultCode: "X", ResultMessage: "scripted " + step}})
	}
}

func TestFlakyMerchantOnLoopbackGetsEveryResult(t *testing.T) {
	walletKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	merchant := &flakyMerchant{t: t, walletKey: &walletKey.PublicKey, script: []string{"500", "timeout", "garbage", "F", "U"}}
	srv := httptest.NewServer(merchant)
	defer srv.Close()

	r := newRig(t, nil)
	notifier, err := notify.New(alipayplus.Config{
		WalletClientID: "wallet", WalletKey: walletKey, Now: r.clock.Now,
		Partners: []alipayplus.Partner{{PartnerID: "shop", ClientID: "shop-client",
			PublicKeys: map[string]*rsa.PublicKey{"1": &walletKey.PublicKey}}}, // acks here are unsigned
	}, notify.Options{Timeout: 300 * time.Millisecond, AllowHosts: []string{"127.0.0.1"}})
	require.NoError(t, err)
	defer notifier.CloseIdleConnections()
	w := r.worker(notifier, nil)

	p, err := r.eng.Pay(r.ctx, engine.PayRequest{PartnerID: "shop", RequestID: "flaky", Scenario: engine.ScenarioAgreement,
		AuthCode: "tok-alice", Amount: usd(1234), NotifyURL: srv.URL + "/notify/path?order=1"})
	require.NoError(t, err)

	var errs []string
	for range 10 {
		require.NoError(t, w.DeliverDue(r.ctx))
		m := r.message(p.ID)
		if !m.DeliveredAt.IsZero() {
			break
		}
		errs = append(errs, m.LastError)
		r.clock.Advance(m.NextAttemptAt.Sub(r.clock.Now()))
	}
	m := r.message(p.ID)
	require.False(t, m.DeliveredAt.IsZero(), "never delivered; errors: %q", errs)
	assert.Equal(t, 6, m.Attempts)
	assert.Equal(t, start.Add(202*time.Minute), m.DeliveredAt, "the sixth send, at 2 + 10 + 10 + 60 + 120 min")
	require.Len(t, errs, 5)
	for i, want := range []string{"500", "timeout", "JSON", "F", "U"} {
		assert.Contains(t, errs[i], want, "attempt %d", i+1)
	}

	merchant.mu.Lock()
	defer merchant.mu.Unlock()
	require.Len(t, merchant.bodies, 6)
	for i := range merchant.bodies {
		assert.Equal(t, merchant.bodies[0], merchant.bodies[i], "every attempt sends the same body")
		assert.Equal(t, m.ID, merchant.ids[i], "every attempt carries the message id")
	}
	var body wire.NotifyPaymentRequest
	require.NoError(t, json.Unmarshal([]byte(merchant.bodies[0]), &body))
	assert.Equal(t, wire.NotifyPaymentRequest{PartnerID: "shop", PaymentID: p.ID, PaymentRequestID: "flaky",
		PaymentAmount: wire.Amount{Currency: "USD", Value: "1234"}, PaymentCreateTime: wire.FormatTime(start),
		PaymentTime: wire.FormatTime(start), PaymentStatus: "SUCCESS"}, body)
	u, _ := url.Parse(srv.URL)
	assert.Equal(t, "127.0.0.1", u.Hostname())
}
