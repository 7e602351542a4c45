package alipayplus

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// sdkExchange is one request sent the way the official merchant SDKs send
// it, and the wallet's answer, in the golden file.
type sdkExchange struct {
	Step    string          `json:"step"`
	Path    string          `json:"path"`
	Header  http.Header     `json:"header"` // as sent, Signature and Request-Time left out
	Request json.RawMessage `json:"request"`
	Answer  json.RawMessage `json:"answer"`
}

// sendAsSDK sends body to path as an Antom merchant's SDK does: two
// Content-Type lines, Key-Version, SDK-VERSION, an empty agent-token, a
// User-Agent, an epoch-millisecond Request-Time and a Signature without
// spaces after its commas. The answer must verify as the SDK verifies it
// (over the request path, with the Client-Id and Response-Time the answer
// carries, with the wallet's key) and as a merchant verifying with its own
// Client-Id does: an Antom answer carries the merchant's Client-Id.
func sendAsSDK(t *testing.T, f *epFixture, step, path string, body []byte) sdkExchange {
	t.Helper()
	reqTime := strconv.FormatInt(f.clock.Now().UnixMilli(), 10)
	sig, err := signing.Sign(testRSAKeys(t).A1, signing.SignedContent(http.MethodPost, path, antomClient, reqTime, body))
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-type", "application/json")
	sent := http.Header{}
	for _, h := range [][2]string{
		{"Content-Type", "application/json; charset=UTF-8"},
		{"Client-Id", antomClient},
		{"Key-Version", "1"},
		{"User-Agent", "merchant-sdk-go/1.3.5"},
		{"SDK-VERSION", "global-open-sdk-go"},
		{"agent-token", ""},
	} {
		r.Header.Add(h[0], h[1])
	}
	for k, v := range r.Header {
		sent[k] = v
	}
	r.Header.Add("Request-Time", reqTime)
	r.Header.Add("Signature", "algorithm=RSA256,keyVersion=1,signature="+url.QueryEscape(base64.StdEncoding.EncodeToString(sig)))
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: HTTP %d: %s", step, rec.Code, rec.Body)
	}
	sh, err := signing.ParseSignatureHeader(rec.Header().Get("Signature"))
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	if got := rec.Header().Get("Client-Id"); got != antomClient {
		t.Errorf("%s: answer Client-Id %q, want the merchant's own %q", step, got, antomClient)
	}
	content := signing.SignedContent(http.MethodPost, path, antomClient, rec.Header().Get("Response-Time"), rec.Body.Bytes())
	if !signing.Verify(&testRSAKeys(t).Wallet.PublicKey, content, sh.Signature) {
		t.Fatalf("%s: the answer does not verify as the SDK checks it", step)
	}
	return sdkExchange{Step: step, Path: path, Header: sent, Request: body, Answer: rec.Body.Bytes()}
}

// TestMerchantSDKWire replays, for every endpoint, requests shaped and
// sent as the official Go merchant SDK sends them to an Antom wallet, and
// keeps them with the answers as a golden file.
func TestMerchantSDKWire(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.ledger.SetBalance("alice", "USD", 100_00)
	pay := func(id string) []byte {
		return []byte(`{"productCode":"IN_STORE_PAYMENT","paymentRequestId":"` + id + `",` +
			`"order":{"referenceOrderId":"o-` + id + `","orderDescription":"SDK order","orderAmount":{"currency":"USD","value":"1250"}},` +
			`"paymentAmount":{"currency":"USD","value":"1250"},"paymentMethod":{"paymentMethodType":"CONNECT_WALLET"},` +
			`"paymentRedirectUrl":"https://shop.example/thanks","paymentNotifyUrl":"https://shop.example/notify",` +
			`"paymentFactor":{"inStorePaymentScenario":"EntryCode"}}`)
	}
	const prefix = wire.AntomPathPrefix
	var steps []sdkExchange
	wantS := func(x sdkExchange) {
		t.Helper()
		steps = append(steps, x)
		var env struct{ Result wire.Result }
		mustDecode(t, x.Answer, &env)
		if env.Result.ResultStatus != wire.StatusSuccess {
			t.Errorf("%s: %+v", x.Step, env.Result)
		}
	}

	x := sendAsSDK(t, f, "pay", prefix+wire.EndpointPay, pay("sdk-1"))
	wantS(x)
	var paid wire.PayResponse
	mustDecode(t, x.Answer, &paid)
	f.clock.Advance(time.Minute)
	if _, err := f.eng.Confirm(context.Background(), paid.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	wantS(sendAsSDK(t, f, "inquiryPayment", prefix+wire.EndpointInquiryPayment, []byte(`{"paymentRequestId":"sdk-1"}`)))
	wantS(sendAsSDK(t, f, "refund", prefix+wire.EndpointRefund,
		[]byte(`{"refundRequestId":"sdk-refund-1","paymentId":"`+paid.PaymentID+`","refundAmount":{"currency":"USD","value":"250"},`+
			`"refundNotifyUrl":"https://shop.example/refunds","extendInfo":"{\"note\":\"sdk\"}"}`)))
	wantS(sendAsSDK(t, f, "inquiryRefund", prefix+wire.EndpointInquiryRefund, []byte(`{"refundRequestId":"sdk-refund-1"}`)))
	wantS(sendAsSDK(t, f, "second pay", prefix+wire.EndpointPay, pay("sdk-2")))
	wantS(sendAsSDK(t, f, "cancel it", prefix+wire.EndpointCancel, []byte(`{"paymentRequestId":"sdk-2"}`)))

	// An authorization (the SDK's PaymentFactor.IsAuthorization and
	// CaptureMode) captured with the SDK's AlipayCaptureRequest.
	auth := bytes.Replace(pay("sdk-3"), []byte(`"inStorePaymentScenario":"EntryCode"`),
		[]byte(`"inStorePaymentScenario":"EntryCode","captureMode":"MANUAL","isAuthorization":true`), 1)
	x = sendAsSDK(t, f, "authorization", prefix+wire.EndpointPay, auth)
	wantS(x)
	mustDecode(t, x.Answer, &paid)
	if _, err := f.eng.Confirm(context.Background(), paid.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	wantS(sendAsSDK(t, f, "capture", prefix+wire.EndpointCapture,
		[]byte(`{"captureRequestId":"sdk-capture-1","paymentId":"`+paid.PaymentID+`","captureAmount":{"currency":"USD","value":"1250"},"isLastCapture":true}`)))
	wantS(sendAsSDK(t, f, "inquiryPayment of the authorization", prefix+wire.EndpointInquiryPayment, []byte(`{"paymentRequestId":"sdk-3"}`)))

	b, err := json.Marshal(steps)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "sdk_antom.json", canonical(t, b, false))
}
