package signing

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// ParsePrivateKey reads an RSA private key in PKCS#8 form, PEM-armoured
// ("PRIVATE KEY") or as bare base64 DER (the Alipay+ SDK form). PKCS#1
// ("RSA PRIVATE KEY") is accepted too.
func ParsePrivateKey(data []byte) (*rsa.PrivateKey, error) {
	der, err := derOf(data)
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("alipayplus: private key is %T, want RSA", k)
		}
		return rk, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	return nil, errors.New("alipayplus: not a PKCS#8 or PKCS#1 RSA private key")
}

// ParsePublicKey reads an RSA public key in PKIX (X.509
// SubjectPublicKeyInfo) form, PEM-armoured ("PUBLIC KEY") or as bare base64
// DER.
func ParsePublicKey(data []byte) (*rsa.PublicKey, error) {
	der, err := derOf(data)
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		if rk, err1 := x509.ParsePKCS1PublicKey(der); err1 == nil {
			return rk, nil
		}
		return nil, fmt.Errorf("alipayplus: not a PKIX public key: %w", err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("alipayplus: public key is %T, want RSA", k)
	}
	return rk, nil
}

// MarshalPrivateKeyPEM returns key as a PKCS#8 PEM block.
func MarshalPrivateKeyPEM(key *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// MarshalPublicKeyPEM returns key as a PKIX PEM block.
func MarshalPublicKeyPEM(key *rsa.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

func derOf(data []byte) ([]byte, error) {
	if block, _ := pem.Decode(data); block != nil {
		return block.Bytes, nil
	}
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), ""))
	if err != nil {
		return nil, errors.New("alipayplus: key is neither PEM nor base64 DER")
	}
	return der, nil
}

// MinKeyBits is the smallest RSA modulus crypto/rsa signs and verifies with;
// a smaller key fails at every message, so configurations refuse it.
const MinKeyBits = 1024

// CheckKeySize returns an error when key is nil or has fewer than
// MinKeyBits bits.
func CheckKeySize(key *rsa.PublicKey) error {
	if key == nil || key.N == nil {
		return errors.New("is nil")
	}
	if n := key.N.BitLen(); n < MinKeyBits {
		return fmt.Errorf("must be at least %d bits, got %d", MinKeyBits, n)
	}
	return nil
}
