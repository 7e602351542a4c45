package fuzz

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus"
)

// endpoints are the five Alipay+ endpoints the handler serves.
var endpoints = []string{"pay", "inquiryPayment", "cancel", "refund", "inquiryRefund"}

// partners are the wallet's partners, one per profile; FuzzRequestDecoder
// picks one by index.
var partners = []string{miniPartner, enPartner, antomPartner}

// FuzzRequestDecoder POSTs arbitrary bodies, correctly signed, through the
// real handler to each of the five endpoints as the partner the second
// argument picks (one per profile): `go test -fuzz FuzzRequestDecoder
// ./fuzz/`. Every answer must be HTTP 200, signed, with a result of a known
// status and never U UNKNOWN_EXCEPTION (see wallet.post). The corpus starts
// from the adapter's seed requests and a few bodies that reach the paid
// payment, its refund, the synchronous scenarios and paymentExpiryTime.
func FuzzRequestDecoder(f *testing.F) {
	w := newWallet(f)
	seeds, err := filepath.Glob(filepath.Join("..", "adapters", "alipayplus", "testdata", "seeds", "*_request.json"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed requests under ../adapters/alipayplus/testdata/seeds (%v)", err)
	}
	var bodies [][]byte
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		bodies = append(bodies, b)
	}
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"partnerId":` + `"` + miniPartner + `"}`,
		`{"partnerId":"` + miniPartner + `","paymentRequestId":"` + fuzzPaidRequest + `"}`,
		`{"partnerId":"` + miniPartner + `","paymentId":"` + w.paidID + `"}`,
		`{"partnerId":"` + miniPartner + `","refundRequestId":"r-1","paymentRequestId":"` + fuzzPaidRequest + `","refundAmount":{"currency":"USD","value":"100"}}`,
		`{"partnerId":"` + miniPartner + `","refundRequestId":"r-1"}`,
		`{"partnerId":"` + miniPartner + `","paymentRequestId":"a-1","paymentOrderTitle":"t","paymentAmount":{"currency":"USD","value":"100"},` +
			`"paymentFactor":{"isAgreementPay":true},"paymentAuthCode":"` + fuzzToken + `"}`,
		`{"partnerId":"` + miniPartner + `","paymentRequestId":"c-1","paymentOrderTitle":"t","paymentAmount":{"currency":"USD","value":"100"},` +
			`"paymentFactor":{"isPaymentCode":true},"paymentAuthCode":"code-1"}`,
		`{"partnerId":"` + miniPartner + `","paymentRequestId":"e-1","paymentOrderTitle":"t","paymentAmount":{"currency":"JPY","value":"100"},` +
			`"paymentFactor":{"isCashierPayment":true},"paymentExpiryTime":"2026-05-06T08:08:09+01:00"}`,
		`{"paymentAmount":{"currency":"USD","value":"1","value":"2"}}`,
		"{\"a\":\"\xff\"}",
	} {
		bodies = append(bodies, []byte(s))
	}
	for _, b := range bodies {
		for i := range partners {
			f.Add(uint8(i), b)
		}
	}
	f.Fuzz(func(t *testing.T, partner uint8, body []byte) {
		if len(body) > alipayplus.DefaultMaxBodyBytes {
			t.Skip("over the handler's body limit: refused before decoding")
		}
		p := partners[int(partner)%len(partners)]
		for _, ep := range endpoints {
			w.post(t, p, ep, body)
		}
	})
}
