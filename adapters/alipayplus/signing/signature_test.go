package signing

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/url"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus/internal/alipaytest"
)

func TestParseSignatureHeader(t *testing.T) {
	raw := []byte{0xfb, 0xff, 0x3e, 0x01, 0x02, 0xfe} // base64 "+/8+AQL+": needs %2B and %2F
	b64 := base64.StdEncoding.EncodeToString(raw)
	enc := url.QueryEscape(b64)
	if enc == b64 {
		t.Fatalf("test value %q needs no URL encoding", b64)
	}
	ok := []struct {
		name, header, version string
	}{
		{"documented form", "algorithm=RSA256, keyVersion=1, signature=" + enc, "1"},
		{"SDK form without spaces", "algorithm=RSA256,keyVersion=1,signature=" + enc, "1"},
		{"other order", "signature=" + enc + ", keyVersion=7, algorithm=RSA256", "7"},
		{"key and algorithm case", "ALGORITHM=rsa256, KEYVERSION=2, Signature=" + enc, "2"},
		{"extra spaces", "  algorithm = RSA256 ,\tkeyVersion = 3 , signature = " + enc + "  ", "3"},
		{"no algorithm defaults to RSA256", "keyVersion=1, signature=" + enc, "1"},
		{"no keyVersion", "algorithm=RSA256, signature=" + enc, ""},
		{"signature only", "signature=" + enc, ""},
		{"unknown keys ignored", "algorithm=RSA256, keyVersion=1, charset=UTF-8, signature=" + enc, "1"},
		{"base64 padding left raw", "signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString([]byte{1})), ""},
		{"base64 '=' not escaped", "signature=" + base64.StdEncoding.EncodeToString([]byte{1}), ""},
		{"raw base64 with '+' and '/' not escaped", "signature=" + b64, ""},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			sh, err := ParseSignatureHeader(c.header)
			if err != nil {
				t.Fatalf("ParseSignatureHeader(%q): %v", c.header, err)
			}
			if sh.Algorithm != "RSA256" || sh.KeyVersion != c.version {
				t.Errorf("got %+v, want RSA256 keyVersion %q", sh, c.version)
			}
			if c.name != "base64 padding left raw" && c.name != "base64 '=' not escaped" && !bytes.Equal(sh.Signature, raw) {
				t.Errorf("signature bytes %x, want %x", sh.Signature, raw)
			}
		})
	}
	bad := []struct{ name, header string }{
		{"empty", ""},
		{"no key=value", "RSA256 " + enc},
		{"trailing comma", "algorithm=RSA256, signature=" + enc + ","},
		{"no signature", "algorithm=RSA256, keyVersion=1"},
		{"empty signature", "algorithm=RSA256, keyVersion=1, signature="},
		{"signature of line breaks only", "algorithm=RSA256, keyVersion=1, signature=%0D%0A"},
		{"other algorithm", "algorithm=ECC224, keyVersion=1, signature=" + enc},
		{"SHA1", "algorithm=RSA, signature=" + enc},
		{"duplicate signature", "signature=" + enc + ", signature=" + enc},
		{"duplicate key in other case", "keyVersion=1, KeyVersion=2, signature=" + enc},
		{"bad URL encoding", "signature=%zz" + enc},
		{"bad base64", "signature=not*base64"},
		{"base64 unpadded", "signature=AQ"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			sh, err := ParseSignatureHeader(c.header)
			if err == nil {
				t.Fatalf("ParseSignatureHeader(%q) = %+v, want an error", c.header, sh)
			}
			if !errors.Is(err, ErrBadSignatureHeader) {
				t.Errorf("error %v does not wrap ErrBadSignatureHeader", err)
			}
		})
	}
}

func TestSignatureHeaderStringRoundTrip(t *testing.T) {
	raw := bytes.Repeat([]byte{0xfb, 0xef, 0xbe}, 86) // 258 bytes, full of '+' and '/'
	for _, v := range []string{"", "1", "42"} {
		h := SignatureHeader{Algorithm: "RSA256", KeyVersion: v, Signature: raw}
		s := h.String()
		want := "algorithm=RSA256, "
		if v != "" {
			want += "keyVersion=" + v + ", "
		}
		if !bytes.HasPrefix([]byte(s), []byte(want+"signature=")) {
			t.Errorf("String() = %q, want prefix %q", s, want)
		}
		if bytes.ContainsAny([]byte(s[len(want):]), "+/") {
			t.Errorf("signature not URL-encoded: %q", s)
		}
		back, err := ParseSignatureHeader(s)
		if err != nil || back.KeyVersion != v || !bytes.Equal(back.Signature, raw) {
			t.Errorf("round trip of %q: %+v, %v", s, back, err)
		}
	}
}

func TestSignedContent(t *testing.T) {
	got := SignedContent("POST", "/v1/payments/pay", "2022091412345678", "2019-04-04T12:08:56.253+05:30", []byte(`{"a":1}`))
	want := "POST /v1/payments/pay\n2022091412345678.2019-04-04T12:08:56.253+05:30.{\"a\":1}"
	if string(got) != want {
		t.Errorf("SignedContent = %q, want %q", got, want)
	}
	if got := SignedContent("POST", "/p", "c", "1685599933871", nil); string(got) != "POST /p\nc.1685599933871." {
		t.Errorf("empty body: %q", got)
	}
}

func TestSignVerify(t *testing.T) {
	keys := alipaytest.Keys(t)
	content := SignedContent("POST", "/v1/payments/pay", "client-a", "1685599933871", []byte(`{"paymentRequestId":"r-1"}`))
	sig, err := Sign(keys.A1, content)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != 256 {
		t.Errorf("RSA-2048 signature has %d bytes", len(sig))
	}
	if !Verify(&keys.A1.PublicKey, content, sig) {
		t.Fatal("own signature does not verify")
	}
	if Verify(&keys.A2.PublicKey, content, sig) {
		t.Error("verified with another key")
	}
	for i := range content {
		c := bytes.Clone(content)
		c[i] ^= 1
		if Verify(&keys.A1.PublicKey, c, sig) {
			t.Fatalf("verified with byte %d of the content flipped", i)
		}
	}
	for _, i := range []int{0, 100, 255} {
		s := bytes.Clone(sig)
		s[i] ^= 1
		if Verify(&keys.A1.PublicKey, content, s) {
			t.Errorf("verified with byte %d of the signature flipped", i)
		}
	}
	if Verify(&keys.A1.PublicKey, content, nil) || Verify(&keys.A1.PublicKey, content, sig[:255]) {
		t.Error("verified an empty or short signature")
	}
	// Through the header: sign, format, parse, verify.
	sh, err := ParseSignatureHeader(SignatureHeader{KeyVersion: "1", Signature: sig}.String())
	if err != nil || !Verify(&keys.A1.PublicKey, content, sh.Signature) {
		t.Errorf("header round trip: %v", err)
	}
}
