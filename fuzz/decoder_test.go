package fuzz

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// endpoints are the Alipay+ endpoints the handler serves.
var endpoints = []string{"pay", "inquiryPayment", "cancel", "refund", "inquiryRefund", "capture"}

// partners are the wallet's partners, one per profile (profiles, in the
// same order); FuzzRequestDecoder picks one by index.
var (
	partners = []string{miniPartner, enPartner, antomPartner}
	profiles = []alipayplus.Profile{alipayplus.ProfileMiniProgramV1, alipayplus.ProfileV1EN, alipayplus.ProfileAntom}
)

// FuzzRequestDecoder decodes arbitrary bodies as each of the
// endpoints does for a partner of the profile the first argument picks,
// through alipayplus.CheckBody: the handler's own decoder, without the
// signatures around it (fuzzing them is FuzzSignatureHeader's part), so a
// core runs thousands of inputs a second: `go test -fuzz
// FuzzRequestDecoder ./fuzz/`. A body is either accepted or refused F with
// PARAM_ILLEGAL, MSG_PARSE_ERROR (v1-en only) or ACCESS_DENIED and a
// message, the same way twice. The corpus starts from the adapter's seed
// requests and a few bodies that reach the paid payment, its refund, the
// synchronous scenarios and paymentExpiryTime.
func FuzzRequestDecoder(f *testing.F) {
	w := struct{ paidID string }{paidID: "fuzz-paid-id"}
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
		`{"partnerId":"` + miniPartner + `","captureRequestId":"k-1","paymentId":"` + w.paidID + `","captureAmount":{"currency":"USD","value":"100"},"isLastCapture":"true"}`,
		`{"partnerId":"` + miniPartner + `","paymentRequestId":"z-1","paymentOrderTitle":"t","paymentAmount":{"currency":"USD","value":"100"},` +
			`"paymentFactor":{"isAgreementPay":true,"isAuthorizationPayment":true},"paymentAuthCode":"` + fuzzToken + `"}`,
		`{"productCode":"IN_STORE_PAYMENT","paymentRequestId":"z-2","paymentAmount":{"currency":"USD","value":"100"},"order":{},` +
			`"paymentMethod":{"paymentMethodType":"CONNECT_WALLET"},"paymentNotifyUrl":"https://m.example/n",` +
			`"paymentFactor":{"inStorePaymentScenario":"EntryCode","isAuthorization":"true","captureMode":"MANUAL"}}`,
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
		i := int(partner) % len(partners)
		for _, ep := range endpoints {
			res, ok, err := alipayplus.CheckBody(profiles[i], partners[i], ep, body)
			if err != nil {
				t.Fatalf("%s: %v", ep, err)
			}
			again, okAgain, _ := alipayplus.CheckBody(profiles[i], partners[i], ep, body)
			if again != res || okAgain != ok {
				t.Fatalf("%s %q: decoded %+v then %+v", ep, body, res, again)
			}
			if ok {
				continue
			}
			switch {
			case res.ResultStatus != wire.StatusFail || res.ResultMessage == "":
			case res.ResultCode == wire.CodeParamIllegal, res.ResultCode == wire.CodeAccessDenied:
				continue
			case res.ResultCode == wire.CodeMsgParseError && profiles[i] == alipayplus.ProfileV1EN:
				continue
			}
			t.Fatalf("%s as %s %q: refused %+v", ep, profiles[i], body, res)
		}
	})
}
