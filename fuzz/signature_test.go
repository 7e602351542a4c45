package fuzz

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// FuzzSignatureHeader parses arbitrary Signature headers: no panic, and a
// header that parses formats (String) to one that parses to the same value.
// It also sends each header on an otherwise correctly signed request
// through a real handler, which must answer with a signed spec answer
// (checkSignatureAnswer): `go test -fuzz FuzzSignatureHeader ./fuzz/`.
func FuzzSignatureHeader(f *testing.F) {
	for _, s := range []string{
		"algorithm=RSA256, keyVersion=1, signature=KEhMxCYy%2Fv3jHPkK%2B2t8v9mmD9Pv82Wk%2BtCx%2B%2Bj4Kqw%3D",
		"algorithm=RSA256,keyVersion=2,signature=AAAA",
		"SIGNATURE=AAAA,KeyVersion=2,Algorithm=rsa256",
		"signature=a+b/c===",
		"signature=YWJj, keyVersion=", "keyVersion=1=2, signature=YWJj", "foo=bar, signature=YWJj",
		"algorithm=ECC224, signature=YWJj", "signature=%0A", "signature=", "garbage", "", ",", "=",
		"signature=YWJj, signature=YWJj",
	} {
		f.Add(s)
	}
	w := newWallet(f)
	signed := signedInquiry(f, w)
	f.Fuzz(func(t *testing.T, header string) {
		checkSignatureAnswer(t, w, signed, header)
		h, err := signing.ParseSignatureHeader(header)
		if err != nil {
			return
		}
		if h.Algorithm != "RSA256" || len(h.Signature) == 0 {
			t.Fatalf("%q parsed to %+v", header, h)
		}
		again, err := signing.ParseSignatureHeader(h.String())
		if err != nil {
			t.Fatalf("%q parsed to %+v, whose String %q does not parse: %v", header, h, h.String(), err)
		}
		if again.Algorithm != h.Algorithm || again.KeyVersion != h.KeyVersion || !bytes.Equal(again.Signature, h.Signature) {
			t.Fatalf("%q parsed to %+v, its String %q to %+v", header, h, h.String(), again)
		}
	})
}

// inquiry is the body checkSignatureAnswer sends.
func inquiry(w *wallet) []byte {
	return []byte(`{"partnerId":"` + miniPartner + `","paymentId":"` + w.paidID + `"}`)
}

// signedInquiry returns the headers of the correctly signed inquiryPayment
// checkSignatureAnswer sends, signed once (the wallet's clock stands
// still, so they stay valid): each input then costs the handler no RSA
// signature but the verify its header asks for, and its refusals are the
// handler's cached ones.
func signedInquiry(tb testing.TB, w *wallet) http.Header {
	r := httptest.NewRequest(http.MethodPost, "/v1/payments/inquiryPayment", nil)
	r.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if err := w.clients[miniPartner].SignRequest(r, inquiry(w)); err != nil {
		tb.Fatal(err)
	}
	return r.Header
}

// checkSignatureAnswer sends the inquiryPayment of signed with its
// Signature header replaced by header. Whatever header holds, the wallet
// answers with a signed spec answer: HTTP 401 with F INVALID_SIGNATURE or
// F KEY_NOT_FOUND, or, only for a header carrying the request's own valid
// signature, the inquiry's answer.
func checkSignatureAnswer(t *testing.T, w *wallet, signed http.Header, header string) {
	body := inquiry(w)
	const path = "/v1/payments/inquiryPayment"
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header = signed.Clone()
	valid := r.Header.Get("Signature")
	r.Header.Set("Signature", header)
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, r)
	if err := w.verify[miniPartner].VerifyResponse(path, rec.Header(), rec.Body.Bytes()); err != nil {
		t.Fatalf("Signature %q: answer (HTTP %d, %s) not verified: %v", header, rec.Code, rec.Body, err)
	}
	var env struct {
		Result wire.Result `json:"result"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		t.Fatalf("Signature %q: answer %s is not JSON: %v", header, rec.Body, err)
	}
	res := env.Result
	switch {
	case rec.Code == http.StatusUnauthorized && res.ResultStatus == wire.StatusFail &&
		(res.ResultCode == wire.CodeInvalidSignature || res.ResultCode == wire.CodeKeyNotFound):
	case rec.Code == http.StatusOK && res.ResultStatus == wire.StatusSuccess && sameSignature(header, valid):
	default:
		t.Fatalf("Signature %q: HTTP %d %+v", header, rec.Code, res)
	}
}

// sameSignature says whether header carries the signature bytes of valid.
func sameSignature(header, valid string) bool {
	h, err := signing.ParseSignatureHeader(header)
	if err != nil {
		return false
	}
	v, err := signing.ParseSignatureHeader(valid)
	return err == nil && bytes.Equal(h.Signature, v.Signature) && h.KeyVersion == v.KeyVersion
}
