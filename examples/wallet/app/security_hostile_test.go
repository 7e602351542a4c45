package app

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/examples/merchant/shop"
)

// The security sweep against hostile traffic (issue 17): what clients that
// never prove who they are can make the wallet hold, and what they cost.

// openSockets counts this process's open sockets (Linux): the test's
// client sockets plus the server's accepted ones. Files are left out: the
// wallet's store opens its database files when it likes.
func openSockets(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err) // not Linux: CI runs Linux
	}
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.HasPrefix(target, "socket:") {
			n++
		}
	}
	return n
}

// dialIdle opens n TCP connections to w that send nothing.
func dialIdle(t *testing.T, w *running, n int) {
	t.Helper()
	addr := strings.TrimPrefix(w.url, "http://")
	for range n {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
	}
}

// Connections beyond maxConnections wait in the kernel's backlog and hold
// no descriptor of the wallet; /healthz on the operator listener still
// answers while the API listener is full.
func TestSweepConnectionsAreCapped(t *testing.T) {
	dir := demoDir(t)
	editConfig(t, dir, func(c map[string]any) { c["maxConnections"] = 20 })
	w := start(t, dir)
	opLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(serveOperator(w.server.Operator(), opLn, slog.New(slog.DiscardHandler)))

	http.DefaultClient.CloseIdleConnections()
	before := openSockets(t)
	dialIdle(t, w, 60)
	// 60 client sockets, and the wallet accepts 20 of them.
	require.Eventually(t, func() bool { return openSockets(t) >= before+60+20 }, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, before+60+20, openSockets(t), "the wallet holds at most maxConnections API connections")
	resp, err := http.Get("http://" + opLn.Addr().String() + "/healthz")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "operator /healthz while the API listener is full: %s", body)
	resp, err = http.Get("http://" + opLn.Addr().String() + "/metrics")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the operator listener serves /metrics")
}

// stalledPay sends the headers of a pay that names the demo merchant's
// Client-Id with a well-formed Signature header and a Content-Length of
// 200,000, then (in the background: the wallet may not read it) 150,000
// bytes of body, and stalls.
func stalledPay(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nClient-Id: %s\r\n"+
		"Request-Time: %s\r\nSignature: algorithm=RSA256, keyVersion=1, signature=AAAA\r\nContent-Length: 200000\r\n\r\n",
		wire.PathPay, addr, demoClientID, time.Now().UTC().Format(time.RFC3339))
	_, err = io.WriteString(c, head)
	require.NoError(t, err)
	go func() { _, _ = io.WriteString(c, `{"x":"`+strings.Repeat("x", 150_000)) }() // ends when the test closes c
	return c
}

// Hundreds of connections that name a known Client-Id and stall in the
// middle of their body hold bounded memory: only MaxConcurrentBodies
// bodies are being read at once, the rest wait without reading. (Before,
// each connection held what it had sent, up to 1 MiB: 1,500 held 850 MB.)
func TestSweepStalledBodiesHoldBoundedMemory(t *testing.T) {
	const conns = 300
	dir := demoDir(t)
	editConfig(t, dir, func(c map[string]any) { c["maxConnections"] = conns + 10 })
	w := start(t, dir)
	http.DefaultClient.CloseIdleConnections()
	addr := strings.TrimPrefix(w.url, "http://")

	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	heapBefore := ms.HeapInuse
	fdsBefore := openSockets(t)
	for range conns {
		stalledPay(t, addr)
	}
	require.Eventually(t, func() bool { return openSockets(t) >= fdsBefore+2*conns }, 20*time.Second, 10*time.Millisecond, "the wallet accepts every connection")
	runtime.GC()
	runtime.ReadMemStats(&ms)
	held := int64(ms.HeapInuse) - int64(heapBefore)
	// The bodies being read (one buffer of Content-Length each) and 24 KiB
	// a connection for the rest (the server's buffers and goroutine, this
	// test's socket).
	bound := int64(alipayplus.DefaultMaxConcurrentBodies)*200_000 + conns*24<<10
	t.Logf("%d stalled connections hold %d KiB of heap (bound %d KiB; reading every body would hold over %d KiB)", conns, held>>10, bound>>10, conns*150_000>>10)
	assert.Less(t, held, bound, "heap held by stalled bodies")

	// The wallet still serves a signed pay beside them.
	code, _ := w.get(t, "/healthz")
	assert.Equal(t, http.StatusOK, code)
}

// Refusals of requests with no credentials at all (curl -d '{}', or a GET
// of an unknown path) are signed once and the signed answer reused: every
// answer verifies, and they carry one signature.
func TestSweepUnauthenticatedRefusalsSignedOnce(t *testing.T) {
	w := start(t, demoDir(t))
	signatures := map[string]bool{}
	for range 20 {
		status, res := rawPost(t, w, wire.PathPay, []byte("{}"), func(*http.Request) {})
		assert.Equal(t, http.StatusUnauthorized, status)
		assert.Equal(t, wire.CodeInvalidClient, res.ResultCode)
		resp, err := http.Post(w.url+wire.PathPay, "application/json", strings.NewReader("{}"))
		require.NoError(t, err)
		resp.Body.Close()
		signatures[resp.Header.Get("Signature")] = true
	}
	assert.Len(t, signatures, 1, "one signature for every identical refusal")
}

// A refund, cancel or inquiry whose paymentId and paymentRequestId name
// two payments is refused PARAM_ILLEGAL and changes nothing.
func TestSweepIDsThatDisagree(t *testing.T) {
	w := start(t, demoDir(t))
	pay := func(requestID string) string {
		p, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: requestID, Title: "Beans", Amount: usd(1000), AccessToken: demoAliceToken})
		require.NoError(t, err)
		require.Equal(t, wire.StatusSuccess, p.Result.ResultStatus)
		return p.PaymentID
	}
	x, y := pay("sweep-x"), pay("sweep-y")
	for _, tc := range []struct {
		path string
		body any
	}{
		{wire.PathRefund, wire.RefundRequest{PartnerID: demoPartnerID, RefundRequestID: "sweep-r", PaymentID: x, PaymentRequestID: "sweep-y", RefundAmount: &wire.Amount{Currency: "USD", Value: "100"}}},
		{wire.PathCancel, wire.PaymentQuery{PartnerID: demoPartnerID, PaymentID: y, PaymentRequestID: "sweep-x"}},
		{wire.PathInquiryPayment, wire.PaymentQuery{PartnerID: demoPartnerID, PaymentID: x, PaymentRequestID: "sweep-y"}},
	} {
		res := call(t, w.merchant, tc.path, tc.body)
		assert.Equal(t, wire.CodeParamIllegal, res.Result.ResultCode, "%s: %+v", tc.path, res.Result)
	}
	for _, id := range []string{x, y} {
		var q wire.InquiryPaymentResponse
		res, err := w.merchant.Client.Call(t.Context(), wire.PathInquiryPayment, wire.PaymentQuery{PartnerID: demoPartnerID, PaymentID: id}, &q)
		require.NoError(t, err)
		require.Equal(t, wire.CodeSuccess, res.ResultCode)
		assert.Equal(t, wire.PaymentStatusSuccess, q.PaymentStatus, "payment %s unchanged", id)
	}
	res := call(t, w.merchant, wire.PathInquiryRefund, wire.RefundQuery{PartnerID: demoPartnerID, RefundRequestID: "sweep-r"})
	assert.Equal(t, wire.CodeRefundNotExist, res.Result.ResultCode, "no refund recorded")
}
