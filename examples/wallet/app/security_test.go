package app

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/client"
	"github.com/paystate/paystate/adapters/alipayplus/notify"
	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/examples/merchant/shop"
)

// The security sweep: what an attacker can send the running wallet over
// HTTP, each answered as the spec says and changing nothing.

// addRival adds a second partner with a key of its own to the demo
// configuration in dir and returns its merchant, once the wallet w of dir
// runs (call the returned function with it).
func addRival(t *testing.T, dir string) func(w *running) *shop.Merchant {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pub, err := signing.MarshalPublicKeyPEM(&key.PublicKey)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rival.pub.pem"), pub, 0o644))
	editConfig(t, dir, func(c map[string]any) {
		c["partners"] = append(c["partners"].([]any), map[string]any{
			"partnerId": "P-rival", "clientId": "rival-client", "publicKeys": map[string]any{"1": "rival.pub.pem"},
		})
	})
	return func(w *running) *shop.Merchant {
		raw, err := os.ReadFile(filepath.Join(dir, "wallet.pub.pem"))
		require.NoError(t, err)
		walletKey, err := signing.ParsePublicKey(raw)
		require.NoError(t, err)
		return &shop.Merchant{PartnerID: "P-rival", Client: &client.Client{BaseURL: w.url, ClientID: "rival-client",
			Key: key, KeyVersion: "1", WalletKey: walletKey, WalletClientID: demoWalletID}}
	}
}

// call sends body as m to path and returns the verified answer.
func call(t *testing.T, m *shop.Merchant, path string, body any) *client.Response {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	r, err := m.Client.Do(t.Context(), path, raw)
	require.NoError(t, err)
	return r
}

// Every endpoint, given another partner's ids, answers exactly as for ids
// that do not exist, and changes nothing.
func TestSweepForeignPartnersIDs(t *testing.T) {
	dir := demoDir(t)
	rivalOf := addRival(t, dir)
	w := start(t, dir)
	rival := rivalOf(w)
	pay, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "mine-1", Title: "Beans", Amount: usd(1000), AccessToken: demoAliceToken})
	require.NoError(t, err)
	require.Equal(t, wire.StatusSuccess, pay.Result.ResultStatus)
	refund, err := w.merchant.Refund(t.Context(), "mine-refund-1", pay.PaymentID, usd(100), "")
	require.NoError(t, err)
	require.Equal(t, wire.StatusSuccess, refund.Result.ResultStatus)
	balance := aliceUSD(t, w)

	for _, c := range []struct {
		path            string
		foreign, absent any
		code            string
	}{
		{wire.PathInquiryPayment, wire.PaymentQuery{PartnerID: "P-rival", PaymentID: pay.PaymentID},
			wire.PaymentQuery{PartnerID: "P-rival", PaymentID: "nope"}, wire.CodeOrderNotExist},
		{wire.PathInquiryPayment, wire.PaymentQuery{PartnerID: "P-rival", PaymentRequestID: "mine-1"},
			wire.PaymentQuery{PartnerID: "P-rival", PaymentRequestID: "nope"}, wire.CodeOrderNotExist},
		{wire.PathCancel, wire.PaymentQuery{PartnerID: "P-rival", PaymentID: pay.PaymentID},
			wire.PaymentQuery{PartnerID: "P-rival", PaymentID: "nope"}, wire.CodeOrderNotExist},
		{wire.PathRefund, wire.RefundRequest{PartnerID: "P-rival", RefundRequestID: "r-1", PaymentID: pay.PaymentID, RefundAmount: &[]wire.Amount{usd(900)}[0]},
			wire.RefundRequest{PartnerID: "P-rival", RefundRequestID: "r-1", PaymentID: "nope", RefundAmount: &[]wire.Amount{usd(900)}[0]}, wire.CodeOrderNotExist},
		{wire.PathInquiryRefund, wire.RefundQuery{PartnerID: "P-rival", RefundRequestID: "mine-refund-1"},
			wire.RefundQuery{PartnerID: "P-rival", RefundRequestID: "nope"}, wire.CodeRefundNotExist},
		{wire.PathInquiryRefund, wire.RefundQuery{PartnerID: "P-rival", RefundID: refund.RefundID},
			wire.RefundQuery{PartnerID: "P-rival", RefundID: "nope"}, wire.CodeRefundNotExist},
	} {
		foreign, absent := call(t, rival, c.path, c.foreign), call(t, rival, c.path, c.absent)
		assert.Equal(t, c.code, foreign.Result.ResultCode, "%s %+v", c.path, c.foreign)
		assert.Equal(t, absent.StatusCode, foreign.StatusCode, c.path)
		assert.JSONEq(t, string(absent.Body), string(foreign.Body), "%s: another partner's id reads as one that does not exist", c.path)
	}
	// Posing as the demo partner with the rival's key and Client-Id.
	posed := call(t, rival, wire.PathInquiryPayment, wire.PaymentQuery{PartnerID: demoPartnerID, PaymentID: pay.PaymentID})
	assert.Equal(t, wire.CodeAccessDenied, posed.Result.ResultCode)

	inq, err := w.merchant.InquirePayment(t.Context(), pay.PaymentID)
	require.NoError(t, err)
	assert.Equal(t, wire.PaymentStatusSuccess, inq.PaymentStatus, "still paid")
	assert.Equal(t, balance, aliceUSD(t, w), "no money moved")
}

// rawPost sends body to path with the headers sign sets (see signed) and
// returns the HTTP status and the verified answer.
func rawPost(t *testing.T, w *running, path string, body []byte, sign func(r *http.Request)) (int, wire.Result) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, w.url+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	sign(req)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, w.merchant.Client.VerifyResponse(path, resp.Header, raw), "every answer is signed, rejections too")
	var env struct {
		Result wire.Result `json:"result"`
	}
	require.NoError(t, json.Unmarshal(raw, &env), string(raw))
	return resp.StatusCode, env.Result
}

// signed returns a signer that signs body (not necessarily what is sent)
// as the demo merchant with Request-Time at (now when zero), then lets
// tamper change the headers.
func signed(t *testing.T, w *running, body []byte, at time.Time, tamper func(h http.Header)) func(r *http.Request) {
	return func(r *http.Request) {
		if !at.IsZero() {
			r.Header.Set("Request-Time", at.Format(time.RFC3339))
		}
		require.NoError(t, w.merchant.Client.SignRequest(r, body))
		if tamper != nil {
			tamper(r.Header)
		}
	}
}

// A signed pay tampered with in any way is refused before anything runs;
// replayed as it was, it is the same payment, paid once.
func TestSweepTamperedStaleUnsignedAndReplayedRequests(t *testing.T) {
	w := start(t, demoDir(t))
	body := agreementPayBody(t, "sweep-1", 700)
	balance := aliceUSD(t, w)
	now := time.Now()
	for name, c := range map[string]struct {
		sent []byte
		sign func(r *http.Request)
		code string
	}{
		"one body byte changed (first)":  {flip(body, 0), signed(t, w, body, time.Time{}, nil), wire.CodeInvalidSignature},
		"one body byte changed (middle)": {flip(body, len(body)/2), signed(t, w, body, time.Time{}, nil), wire.CodeInvalidSignature},
		"one body byte changed (last)":   {flip(body, len(body)-1), signed(t, w, body, time.Time{}, nil), wire.CodeInvalidSignature},
		"unsigned":                       {body, signed(t, w, body, time.Time{}, func(h http.Header) { h.Del("Signature") }), wire.CodeInvalidSignature},
		"no Client-Id":                   {body, signed(t, w, body, time.Time{}, func(h http.Header) { h.Del("Client-Id") }), wire.CodeInvalidClient},
		"stale Request-Time":             {body, signed(t, w, body, now.Add(-6*time.Minute), nil), wire.CodeInvalidSignature},
		"future Request-Time":            {body, signed(t, w, body, now.Add(6*time.Minute), nil), wire.CodeInvalidSignature},
		"unknown key version": {body, signed(t, w, body, time.Time{}, func(h http.Header) {
			h.Set("Signature", strings.Replace(h.Get("Signature"), "keyVersion=1", "keyVersion=9", 1))
		}), wire.CodeKeyNotFound},
	} {
		status, res := rawPost(t, w, wire.PathPay, c.sent, c.sign)
		assert.Equal(t, http.StatusUnauthorized, status, name)
		assert.Equal(t, wire.StatusFail, res.ResultStatus, name)
		assert.Equal(t, c.code, res.ResultCode, "%s: %s", name, res.ResultMessage)
	}
	inq, err := w.merchant.Client.Call(t.Context(), wire.PathInquiryPayment, wire.PaymentQuery{PartnerID: demoPartnerID, PaymentRequestID: "sweep-1"}, nil)
	require.NoError(t, err)
	assert.Equal(t, wire.CodeOrderNotExist, inq.ResultCode, "no tampered request created the payment")
	assert.Equal(t, balance, aliceUSD(t, w))

	// The genuine request, then the very same bytes and headers again.
	genuine := &http.Request{Method: http.MethodPost, Header: http.Header{}, URL: mustURL(t, w.url+wire.PathPay)}
	require.NoError(t, w.merchant.Client.SignRequest(genuine, body))
	replay := func(r *http.Request) {
		for _, k := range []string{"Client-Id", "Request-Time", "Signature"} {
			r.Header.Set(k, genuine.Header.Get(k))
		}
	}
	_, first := rawPost(t, w, wire.PathPay, body, replay)
	_, again := rawPost(t, w, wire.PathPay, body, replay)
	assert.Equal(t, wire.StatusSuccess, first.ResultStatus)
	assert.Equal(t, first, again, "a replay gets the first answer")
	assert.Equal(t, balance-700, aliceUSD(t, w), "debited once")
}

func flip(b []byte, i int) []byte {
	out := bytes.Clone(b)
	out[i] ^= 0x01
	return out
}

// Oversized bodies and deeply nested JSON get spec answers; the server
// stays up.
func TestSweepOversizedAndNestedBodies(t *testing.T) {
	w := start(t, demoDir(t))
	big := []byte(`{"partnerId":"` + demoPartnerID + `","paymentRequestId":"` + strings.Repeat("x", 1<<20) + `"}`)
	status, res := rawPost(t, w, wire.PathPay, big, signed(t, w, big, time.Time{}, nil))
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.Equal(t, wire.CodeParamIllegal, res.ResultCode)

	// An otherwise valid pay carrying a nested value in a field the
	// decoder does not know: shallow, it is ignored and the pay goes
	// through; past the decoder's depth limit, PARAM_ILLEGAL and nothing
	// stored.
	for depth, want := range map[int]string{100: wire.StatusSuccess, 20_000: wire.StatusFail, 120_000: wire.StatusFail} {
		requestID := fmt.Sprintf("deep-%d", depth)
		nested := []byte(fmt.Sprintf(`{"partnerId":%q,"paymentRequestId":%q,"paymentOrderTitle":"Beans",`+
			`"paymentAmount":{"currency":"USD","value":"100"},"paymentFactor":{"isAgreementPay":true},"paymentAuthCode":%q,"x":%s1%s}`,
			demoPartnerID, requestID, demoAliceToken, strings.Repeat("[", depth), strings.Repeat("]", depth)))
		require.Less(t, len(nested), alipayplus.DefaultMaxBodyBytes)
		status, res := rawPost(t, w, wire.PathPay, nested, signed(t, w, nested, time.Time{}, nil))
		assert.Equal(t, want, res.ResultStatus, "depth %d: %+v", depth, res)
		assert.Equal(t, http.StatusOK, status, "depth %d", depth)
		inq, err := w.merchant.Client.Call(t.Context(), wire.PathInquiryPayment, wire.PaymentQuery{PartnerID: demoPartnerID, PaymentRequestID: requestID}, nil)
		require.NoError(t, err)
		if want == wire.StatusFail {
			assert.Equal(t, wire.CodeParamIllegal, res.ResultCode, "depth %d", depth)
			assert.Equal(t, wire.CodeOrderNotExist, inq.ResultCode, "depth %d: nothing stored", depth)
		}
	}
	code, _ := w.get(t, "/healthz")
	assert.Equal(t, http.StatusOK, code)
}

// countingListener counts the connections made to it.
type countingListener struct {
	net.Listener
	n atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

func countingServer(t *testing.T, addr string, h http.Handler) (*countingListener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	cl := &countingListener{Listener: ln}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(cl) }()
	t.Cleanup(func() { _ = srv.Close() })
	return cl, ln.Addr().String()
}

// Notify URLs that point into the wallet's own network are refused without
// connecting, whether given as addresses, as a name that resolves there,
// or reached through a redirect.
func TestSweepNotifyURLsIntoTheWalletsNetwork(t *testing.T) {
	dir := demoDir(t)
	// Only 127.0.0.2 is allowed: the redirecting merchant below.
	editConfig(t, dir, func(c map[string]any) { c["notify"] = map[string]any{"allowHosts": []any{"127.0.0.2"}} })
	w := start(t, dir)
	inside, insideAddr := countingServer(t, "127.0.0.1:0", http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(rw, `{"result":{"resultStatus":"S","resultCode":"SUCCESS"}}`)
	}))
	_, port, _ := net.SplitHostPort(insideAddr)
	redirector, redirectorAddr := countingServer(t, "127.0.0.2:0", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "http://"+insideAddr+"/notify", http.StatusTemporaryRedirect)
	}))

	urls := map[string]string{
		"loopback address":             "http://" + insideAddr + "/notify",
		"a name resolving to loopback": "http://localhost:" + port + "/notify",
		"IPv6 loopback":                "http://[::1]:" + port + "/notify",
		"IPv4-mapped loopback":         "http://[::ffff:127.0.0.1]:" + port + "/notify",
		"private range":                "http://10.20.30.40/notify",
		"private range 192.168":        "http://192.168.1.1/notify",
		"link-local":                   "http://169.254.10.10/notify",
		"cloud metadata":               "http://169.254.169.254/latest/meta-data/",
		"unspecified":                  "http://0.0.0.0:" + port + "/notify",
	}
	ids := map[string]string{}
	for name, u := range urls {
		w.merchant.NotifyURL = u
		p, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "n-" + name, Title: "Beans", Amount: usd(100), AccessToken: demoAliceToken})
		require.NoError(t, err)
		require.Equal(t, wire.StatusSuccess, p.Result.ResultStatus, "%s: the pay itself is fine", name)
		ids[name] = p.PaymentID
	}
	w.merchant.NotifyURL = "http://" + redirectorAddr + "/notify"
	p, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "n-redirect", Title: "Beans", Amount: usd(100), AccessToken: demoAliceToken})
	require.NoError(t, err)
	redirected := p.PaymentID

	attempted := func(id string) (bool, string) {
		msgs, err := w.server.stores.store.Outbox(t.Context(), id)
		require.NoError(t, err)
		require.Len(t, msgs, 1)
		return msgs[0].Attempts > 0, msgs[0].LastError
	}
	require.Eventually(t, func() bool {
		for _, id := range ids {
			if ok, _ := attempted(id); !ok {
				return false
			}
		}
		ok, _ := attempted(redirected)
		return ok
	}, 20*time.Second, 50*time.Millisecond, "the worker tried every notification")
	for name, id := range ids {
		_, last := attempted(id)
		// The guard's own refusal (notify.ErrNotifyRefused), not a
		// "connection refused" from a dial that was made.
		assert.Contains(t, last, notify.ErrNotifyRefused.Error(), "%s (%s)", name, urls[name])
	}
	_, last := attempted(redirected)
	assert.Contains(t, last, "307", "the redirect is an answer, not followed")
	assert.Positive(t, redirector.n.Load(), "the allowed merchant was reached")
	assert.Zero(t, inside.n.Load(), "nothing ever connected inside")
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}
