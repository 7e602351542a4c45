package fuzz

import (
	"bytes"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus"
)

// FuzzSignatureHeader parses arbitrary Signature headers: no panic, and a
// header that parses formats (String) to one that parses to the same value:
// `go test -fuzz FuzzSignatureHeader ./fuzz/`.
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
	f.Fuzz(func(t *testing.T, header string) {
		h, err := alipayplus.ParseSignatureHeader(header)
		if err != nil {
			return
		}
		if h.Algorithm != "RSA256" || len(h.Signature) == 0 {
			t.Fatalf("%q parsed to %+v", header, h)
		}
		again, err := alipayplus.ParseSignatureHeader(h.String())
		if err != nil {
			t.Fatalf("%q parsed to %+v, whose String %q does not parse: %v", header, h, h.String(), err)
		}
		if again.Algorithm != h.Algorithm || again.KeyVersion != h.KeyVersion || !bytes.Equal(again.Signature, h.Signature) {
			t.Fatalf("%q parsed to %+v, its String %q to %+v", header, h, h.String(), again)
		}
	})
}
