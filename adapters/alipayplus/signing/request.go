package signing

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
)

// ErrUnverified wraps every error about a message (an answer, an
// acknowledgement) whose Client-Id, time or Signature header is missing,
// malformed or does not verify. Such a message must not be believed: for an
// answer the outcome of the request is unknown (U).
var ErrUnverified = errors.New("alipayplus: response not verified")

// SignRequest sets r's Client-Id, Request-Time (unless r already has one,
// which is then signed exactly as it is) and Signature headers for body,
// which must be the exact bytes r sends; it does not touch r.Body. requestTime
// is the Request-Time to set when r has none. The signature covers
// "<r.Method> <escaped path of r.URL>\n<clientID>.<Request-Time>.<body>"
// (POST when r.Method is empty), made with key and announced as keyVersion
// ("" leaves keyVersion out).
func SignRequest(r *http.Request, body []byte, clientID string, key *rsa.PrivateKey, keyVersion, requestTime string) error {
	if key == nil {
		return errors.New("alipayplus: signing key is nil")
	}
	if clientID == "" {
		return errors.New("alipayplus: Client-Id is empty")
	}
	reqTime := r.Header.Get("Request-Time")
	if reqTime == "" {
		reqTime = requestTime
		r.Header.Set("Request-Time", reqTime)
	}
	method := r.Method
	if method == "" {
		method = http.MethodPost
	}
	sig, err := Sign(key, SignedContent(method, r.URL.EscapedPath(), clientID, reqTime, body))
	if err != nil {
		return fmt.Errorf("alipayplus: signing the request: %w", err)
	}
	r.Header.Set("Client-Id", clientID)
	r.Header.Set("Signature", SignatureHeader{KeyVersion: keyVersion, Signature: sig}.String())
	return nil
}
