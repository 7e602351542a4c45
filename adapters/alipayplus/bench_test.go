package alipayplus

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// The endpoint benchmarks serve signed requests through Handler.ServeHTTP
// (an httptest recorder, no network) on memstore and memfunds. Each request
// costs the handler one RSA-2048 verify and one sign, so BenchmarkSignVerify
// is their bound: `make bench-adapter` runs them side by side and
// docs/benchmarks.md keeps the table. Requests are built and signed before the timer starts,
// one per iteration, since each needs its own request id.

// benchToken is the agreement access token of user alice in the benchmarks.
const benchToken = "bench-access-token"

// newBenchFixture is the endpoint fixture with alice holding benchToken and
// a balance no benchmark runs out of.
func newBenchFixture(tb testing.TB) *epFixture {
	tb.Helper()
	f := newEPFixture(tb, epOptions{})
	f.ledger.SetBalance("alice", "USD", 1<<60)
	f.ledger.AddAccessToken(benchToken, "alice")
	return f
}

// benchPayBody is the mini-program agreement pay of 10.00 USD number i: the
// user's money moves within the request, so it answers S.
func benchPayBody(i int) []byte {
	return []byte(`{"partnerId":"` + miniPartner + `","paymentRequestId":"bench-pay-` + strconv.Itoa(i) +
		`","paymentOrderTitle":"SHOES","productCode":"PC_5800000001","paymentAmount":{"currency":"USD","value":"1000"},` +
		`"paymentFactor":{"isAgreementPay":true},"paymentAuthCode":"` + benchToken + `",` +
		`"paymentNotifyUrl":"https://www.merchant.com/paymentNotify"}`)
}

// benchRefundBodies pays n agreement payments of 10.00 USD through the
// engine and returns the bodies of n refunds, each of one payment in full.
func benchRefundBodies(tb testing.TB, f *epFixture, n int) [][]byte {
	tb.Helper()
	ctx := context.Background()
	bodies := make([][]byte, n)
	for i := range bodies {
		p, err := f.eng.Pay(ctx, engine.PayRequest{
			PartnerID: miniPartner, RequestID: "bench-paid-" + strconv.Itoa(i), Scenario: engine.ScenarioAgreement,
			AuthCode: benchToken, Amount: engine.Money{Currency: "USD", Minor: 1000}, OrderTitle: "SHOES",
		})
		if err != nil || p.State != engine.PaymentSuccess {
			tb.Fatalf("pay %d: %v, %v", i, p.State, err)
		}
		bodies[i] = []byte(`{"partnerId":"` + miniPartner + `","refundRequestId":"bench-refund-` + strconv.Itoa(i) +
			`","paymentId":"` + p.ID + `","refundAmount":{"currency":"USD","value":"1000"},"refundReason":"returned"}`)
	}
	return bodies
}

// signedRequests returns one request to path per body, signed by the
// mini-program partner.
func (f *epFixture) signedRequests(tb testing.TB, path string, bodies [][]byte) []*http.Request {
	tb.Helper()
	c := f.clients[miniPartner]
	reqs := make([]*http.Request, len(bodies))
	for i, body := range bodies {
		r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json; charset=UTF-8")
		if err := c.SignRequest(r, body); err != nil {
			tb.Fatal(err)
		}
		reqs[i] = r
	}
	return reqs
}

// successMark is how every S answer's body shows its status.
var successMark = []byte(`"resultStatus":"S"`)

// benchEndpoint serves reqs, one per iteration, failing at the first answer
// that is not HTTP 200 with result status S; outside the timer it checks
// the last answer's signature.
func benchEndpoint(b *testing.B, f *epFixture, reqs []*http.Request) {
	b.ReportAllocs()
	b.ResetTimer()
	var rec *httptest.ResponseRecorder
	for i := 0; i < b.N; i++ {
		rec = httptest.NewRecorder()
		f.h.ServeHTTP(rec, reqs[i])
		if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), successMark) {
			b.Fatalf("request %d: HTTP %d %s", i, rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	if rec != nil {
		if err := answerVerifier(f.h, f.verify, reqs[b.N-1]).VerifyResponse(wirePath(reqs[b.N-1]), rec.Header(), rec.Body.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEndpointPay measures a signed synchronous pay (agreement pay,
// S): verify, decode, engine Pay with its debit, encode, sign.
func BenchmarkEndpointPay(b *testing.B) {
	f := newBenchFixture(b)
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i] = benchPayBody(i)
	}
	benchEndpoint(b, f, f.signedRequests(b, pathPay, bodies))
}

// BenchmarkEndpointRefund measures a signed full refund of a paid payment
// (S): verify, decode, engine Refund with its credit, encode, sign.
func BenchmarkEndpointRefund(b *testing.B) {
	f := newBenchFixture(b)
	benchEndpoint(b, f, f.signedRequests(b, pathRefund, benchRefundBodies(b, f, b.N)))
}

// TestEndpointBenchRequests runs the benchmarks' requests once, so that
// `go test` keeps them answering S with the money moved.
func TestEndpointBenchRequests(t *testing.T) {
	f := newBenchFixture(t)
	for _, r := range f.signedRequests(t, pathPay, [][]byte{benchPayBody(0), benchPayBody(1)}) {
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, r)
		var resp wire.PayResponse
		mustDecode(t, rec.Body.Bytes(), &resp)
		wantResult(t, resp.Result, wire.StatusSuccess, wire.CodeSuccess)
	}
	for _, r := range f.signedRequests(t, pathRefund, benchRefundBodies(t, f, 2)) {
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, r)
		var resp wire.RefundResponse
		mustDecode(t, rec.Body.Bytes(), &resp)
		wantResult(t, resp.Result, wire.StatusSuccess, wire.CodeSuccess)
	}
	// The two pays through the handler stay paid; the two through the
	// engine were refunded in full.
	if got, want := f.ledger.Balance("alice", "USD"), int64(1<<60)-2*1000; got != want {
		t.Fatalf("alice has %d, want %d", got, want)
	}
}

// BenchmarkSignVerify is the bare cryptographic cost of one request: one
// RSA-2048 verify (the request) plus one sign (the answer), the bound the
// transport's throughput is measured against.
func BenchmarkSignVerify(b *testing.B) {
	keys := testRSAKeys(b)
	content := signing.SignedContent("POST", "/v1/payments/pay", "client-a", "1685599933871", echoBody)
	sig, err := signing.Sign(keys.A1, content)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !signing.Verify(&keys.A1.PublicKey, content, sig) {
			b.Fatal("verify")
		}
		if _, err := signing.Sign(keys.Wallet, content); err != nil {
			b.Fatal(err)
		}
	}
}
