package shop

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/signing"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// Notification is a notifyPayment the wallet sent, as received.
type Notification struct {
	ID                string      `json:"-"` // the Notification-Id header: stable per message
	PartnerID         string      `json:"partnerId"`
	PaymentID         string      `json:"paymentId"`
	PaymentRequestID  string      `json:"paymentRequestId"`
	PaymentAmount     wire.Amount `json:"paymentAmount"`
	PaymentCreateTime string      `json:"paymentCreateTime"`
	PaymentTime       string      `json:"paymentTime"`
	PaymentStatus     string      `json:"paymentStatus"` // SUCCESS or FAIL
	PaymentFailReason string      `json:"paymentFailReason"`
}

// Notifications is the merchant's notifyPayment endpoint: an http.Handler
// that verifies each callback's signature with the wallet's key, hands the
// notification to Received, and acknowledges with a signed result S.
// A callback whose signature does not verify is answered F
// INVALID_SIGNATURE and not handed on.
type Notifications struct {
	WalletKey      *rsa.PublicKey // verifies the wallet's signature
	WalletClientID string         // the Client-Id callbacks must carry ("" accepts any)
	Key            *rsa.PrivateKey
	ClientID       string // signs the acknowledgement
	MaxClockSkew   time.Duration
	// Received is called once per verified callback, repeats included
	// (the wallet retries until acknowledged); de-duplicate on n.ID.
	Received func(n Notification)

	mu sync.Mutex
}

// ServeHTTP implements the callback endpoint.
func (h *Notifications) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		h.answer(w, r, http.StatusBadRequest, wire.StatusFail, wire.CodeParamIllegal, "unreadable body")
		return
	}
	if err := h.verify(r, body); err != nil {
		h.answer(w, r, http.StatusUnauthorized, wire.StatusFail, wire.CodeInvalidSignature, err.Error())
		return
	}
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil || n.PaymentID == "" {
		h.answer(w, r, http.StatusBadRequest, wire.StatusFail, wire.CodeParamIllegal, "not a notifyPayment body")
		return
	}
	n.ID = r.Header.Get("Notification-Id")
	if h.Received != nil {
		h.mu.Lock()
		h.Received(n)
		h.mu.Unlock()
	}
	h.answer(w, r, http.StatusOK, wire.StatusSuccess, wire.CodeSuccess, "success")
}

// verify checks the wallet's signature over "POST <path>\n<Client-Id>.<Request-Time>.<body>".
func (h *Notifications) verify(r *http.Request, body []byte) error {
	cid, reqTime := r.Header.Get("Client-Id"), r.Header.Get("Request-Time")
	if cid == "" || reqTime == "" {
		return errors.New("Client-Id or Request-Time missing")
	}
	if h.WalletClientID != "" && cid != h.WalletClientID {
		return fmt.Errorf("Client-Id %q is not the wallet's", cid)
	}
	t, err := wire.ParseTime(reqTime)
	if err != nil {
		return errors.New("Request-Time malformed")
	}
	if skew := h.MaxClockSkew; skew > 0 && (time.Since(t) > skew || time.Until(t) > skew) {
		return errors.New("Request-Time too far from now")
	}
	sig, err := signing.ParseSignatureHeader(r.Header.Get("Signature"))
	if err != nil {
		return errors.New("Signature header malformed")
	}
	if !signing.Verify(h.WalletKey, signing.SignedContent(http.MethodPost, r.URL.EscapedPath(), cid, reqTime, body), sig.Signature) {
		return errors.New("signature verification failed")
	}
	return nil
}

// answer writes a signed result.
func (h *Notifications) answer(w http.ResponseWriter, r *http.Request, status int, rs, code, msg string) {
	body, _ := json.Marshal(map[string]wire.Result{"result": {ResultStatus: rs, ResultCode: code, ResultMessage: msg}})
	respTime := wire.FormatTime(time.Now())
	if sig, err := signing.Sign(h.Key, signing.SignedContent(http.MethodPost, r.URL.EscapedPath(), h.ClientID, respTime, body)); err == nil {
		w.Header().Set("Signature", signing.SignatureHeader{KeyVersion: "1", Signature: sig}.String())
	}
	w.Header().Set("Client-Id", h.ClientID)
	w.Header().Set("Response-Time", respTime)
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
