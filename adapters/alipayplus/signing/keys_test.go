package signing

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus/internal/alipaytest"
)

func TestParsePrivateKey(t *testing.T) {
	k := alipaytest.Keys(t).A1
	pkcs8, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	pemPKCS8, err := MarshalPrivateKeyPEM(k)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pemPKCS8), "-----BEGIN PRIVATE KEY-----") {
		t.Errorf("MarshalPrivateKeyPEM is not a PKCS#8 PEM block: %.40s", pemPKCS8)
	}
	b64 := base64.StdEncoding.EncodeToString(pkcs8)
	wrapped := ""
	for i := 0; i < len(b64); i += 64 {
		wrapped += b64[i:min(i+64, len(b64))] + "\n"
	}
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	for name, data := range map[string][]byte{
		"PKCS#8 PEM":               pemPKCS8,
		"PKCS#8 bare base64 (SDK)": []byte(b64),
		"PKCS#8 base64 in lines":   []byte(wrapped),
		"PKCS#1 PEM":               pkcs1,
	} {
		got, err := ParsePrivateKey(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !got.Equal(k) {
			t.Errorf("%s: parsed another key", name)
		}
	}

	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	for name, data := range map[string][]byte{
		"empty":       nil,
		"garbage":     []byte("not a key!"),
		"EC key":      pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}),
		"public key":  mustPublicPEM(t),
		"cut base64":  []byte(b64[:100]),
		"PEM garbage": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("xyz")}),
	} {
		if _, err := ParsePrivateKey(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func mustPublicPEM(t *testing.T) []byte {
	t.Helper()
	b, err := MarshalPublicKeyPEM(&alipaytest.Keys(t).A1.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParsePublicKey(t *testing.T) {
	k := &alipaytest.Keys(t).A1.PublicKey
	pkix, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	pemPKIX := mustPublicPEM(t)
	if !strings.HasPrefix(string(pemPKIX), "-----BEGIN PUBLIC KEY-----") {
		t.Errorf("MarshalPublicKeyPEM is not a PKIX PEM block: %.40s", pemPKIX)
	}
	for name, data := range map[string][]byte{
		"PKIX PEM":               pemPKIX,
		"PKIX bare base64 (SDK)": []byte(base64.StdEncoding.EncodeToString(pkix)),
		"PKCS#1 PEM":             pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(k)}),
	} {
		got, err := ParsePublicKey(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !got.Equal(k) {
			t.Errorf("%s: parsed another key", name)
		}
	}

	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	priv, _ := MarshalPrivateKeyPEM(alipaytest.Keys(t).A1)
	for name, data := range map[string][]byte{
		"empty":       nil,
		"garbage":     []byte("%%%"),
		"EC key":      pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER}),
		"private key": priv,
	} {
		if _, err := ParsePublicKey(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A key pair loaded the SDK way signs and verifies.
func TestParsedKeysSignAndVerify(t *testing.T) {
	k := alipaytest.Keys(t).B
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	pubDER, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	priv, err := ParsePrivateKey([]byte(base64.StdEncoding.EncodeToString(der)))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey([]byte(base64.StdEncoding.EncodeToString(pubDER)))
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("POST /v1/payments/pay\nc.1685599933871.{}")
	sig, err := Sign(priv, content)
	if err != nil || !Verify(pub, content, sig) {
		t.Fatalf("sign/verify with parsed keys: %v", err)
	}
}
