package signing

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// SignatureHeader is the parsed Signature header of a request or response:
// `algorithm=RSA256, keyVersion=1, signature=<url-encoded base64>`.
type SignatureHeader struct {
	Algorithm  string // "RSA256"
	KeyVersion string // "" means the signer's latest key
	Signature  []byte // raw signature bytes
}

// ErrBadSignatureHeader is returned by ParseSignatureHeader for a header that
// is not a valid Signature header.
var ErrBadSignatureHeader = errors.New("alipayplus: malformed Signature header")

// ParseSignatureHeader reads a Signature header, with or without spaces after
// the commas and with keys in any case and order. The algorithm defaults to
// RSA256 and must be RSA256; the signature is base64, URL-encoded as the
// spec says or left raw (a '+' stays a '+': it is never read as a space).
func ParseSignatureHeader(h string) (SignatureHeader, error) {
	var out SignatureHeader
	var sig string
	seen := map[string]bool{}
	for _, part := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return out, fmt.Errorf("%w: %q is not key=value", ErrBadSignatureHeader, part)
		}
		key := strings.ToLower(strings.TrimSpace(k))
		if seen[key] {
			return out, fmt.Errorf("%w: %s given twice", ErrBadSignatureHeader, k)
		}
		seen[key] = true
		v = strings.TrimSpace(v)
		switch key {
		case "algorithm":
			out.Algorithm = v
		case "keyversion":
			out.KeyVersion = v
		case "signature":
			sig = v
		}
	}
	if out.Algorithm == "" {
		out.Algorithm = "RSA256"
	}
	if !strings.EqualFold(out.Algorithm, "RSA256") {
		return out, fmt.Errorf("%w: algorithm %q is not supported (RSA256 only)", ErrBadSignatureHeader, out.Algorithm)
	}
	out.Algorithm = "RSA256"
	if sig == "" {
		return out, fmt.Errorf("%w: no signature", ErrBadSignatureHeader)
	}
	unescaped, err := url.PathUnescape(sig)
	if err != nil {
		return out, fmt.Errorf("%w: signature is not URL-encoded: %v", ErrBadSignatureHeader, err)
	}
	raw, err := base64.StdEncoding.DecodeString(unescaped)
	if err != nil {
		return out, fmt.Errorf("%w: signature is not base64: %v", ErrBadSignatureHeader, err)
	}
	if len(raw) == 0 { // base64 skips line breaks: "%0A" decodes to nothing
		return out, fmt.Errorf("%w: no signature", ErrBadSignatureHeader)
	}
	out.Signature = raw
	return out, nil
}

// String formats the header the way the Alipay+ documentation shows it.
func (h SignatureHeader) String() string {
	s := "algorithm=RSA256"
	if h.KeyVersion != "" {
		s += ", keyVersion=" + h.KeyVersion
	}
	return s + ", signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(h.Signature))
}

// SignedContent returns the bytes an Alipay+ signature covers:
// "<METHOD> <path>\n<clientID>.<time>.<body>", where time is the
// Request-Time of a request or the Response-Time of a response.
func SignedContent(method, path, clientID, time string, body []byte) []byte {
	b := make([]byte, 0, len(method)+len(path)+len(clientID)+len(time)+len(body)+4)
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, path...)
	b = append(b, '\n')
	b = append(b, clientID...)
	b = append(b, '.')
	b = append(b, time...)
	b = append(b, '.')
	return append(b, body...)
}

// Sign returns the SHA256withRSA (PKCS#1 v1.5) signature of content.
func Sign(key *rsa.PrivateKey, content []byte) ([]byte, error) {
	sum := sha256.Sum256(content)
	return rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
}

// Verify reports whether sig is a valid SHA256withRSA signature of content
// by key. The comparison inside crypto/rsa runs in constant time.
func Verify(key *rsa.PublicKey, content, sig []byte) bool {
	sum := sha256.Sum256(content)
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig) == nil
}
