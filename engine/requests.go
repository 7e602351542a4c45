package engine

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"time"
	"unicode/utf8"
)

// Limits on request fields, in characters. They follow the Alipay+ maximum
// lengths so that anything the wire accepts fits.
const (
	MaxIDLength       = 64
	MaxAuthCodeLength = 128
	MaxTitleLength    = 256
	MaxReasonLength   = 256
	MaxURLLength      = 2048
	MaxOrderDataBytes = 64 << 10
	MaxExtendInfo     = 4096
)

// PayRequest asks the engine to create a payment. PartnerID + RequestID is
// the idempotency key, kept forever.
type PayRequest struct {
	PartnerID string // required
	RequestID string // merchant's paymentRequestId, required
	Scenario  Scenario
	Amount    Money
	// AuthCode identifies the payer in synchronous scenarios: the agreement
	// access token or the user-presented payment code. Required there,
	// ignored elsewhere. The engine never stores it, only its digest.
	AuthCode   string
	OrderTitle string
	OrderData  []byte // opaque display data (e.g. the order JSON), kept as given
	NotifyURL  string // where the merchant wants notifyPayment; empty: no notifications
	ReturnURL  string // where the cashier sends the user afterwards
	// ExtendInfo is the merchant's extendInfo, kept as given and shown
	// with the payment and its notification; not compared on repeats.
	ExtendInfo string
	// ExpiresAt is the merchant's close time; zero means the scenario's
	// default expiry from Config.
	ExpiresAt time.Time
	// Extra is further request content an adapter wants to count in the
	// idempotency check (e.g. product code, payment method). A repeat with
	// different Extra is CodeRepeatInconsistent.
	Extra string

	// Authorization asks for an authorization payment: the payer's money
	// is held (Holds.Hold) instead of debited, and captures (see Capture)
	// take it. SUCCESS of such a pay means "authorized"; the payment is
	// then PaymentAuthorized. Needs a Funds with Holds.
	Authorization bool
	// AuthExpiresAt is when what is not captured is released; zero means
	// Config.AuthExpiry after the hold is placed. Only with Authorization.
	AuthExpiresAt time.Time
	// CaptureAutomatically captures the whole authorization as soon as
	// the hold is placed (Antom's captureMode AUTOMATIC), as a capture
	// whose request id is AutoCaptureRequestID of the payment. Only with
	// Authorization.
	CaptureAutomatically bool
	// NotifyCaptures asks for an outbox message of kind
	// OutboxKindCaptureResult for every capture of the authorization
	// that leaves flight, sent to NotifyURL (Antom's notifyCapture).
	NotifyCaptures bool
}

// CaptureRequest asks the engine to capture part or all of an
// authorization. PartnerID + RequestID is the idempotency key, kept
// forever.
type CaptureRequest struct {
	PartnerID string
	RequestID string // merchant's captureRequestId, required
	PaymentID string // the authorization payment, required
	Amount    Money
	// Last says this is the merchant's last capture (isLastCapture): once
	// it succeeds, what the hold has left is released.
	Last       bool
	ExtendInfo string // the merchant's extendInfo, kept as given
}

// RefundRequest asks the engine to refund part or all of a paid payment.
// PartnerID + RequestID is the idempotency key, kept forever.
type RefundRequest struct {
	PartnerID string
	RequestID string // merchant's refundRequestId, required
	// PaymentID or PaymentRequestID locates the payment; when both are
	// given they must name the same payment, else CodeParamIllegal on
	// FieldPaymentRequestID and nothing is stored.
	PaymentID        string
	PaymentRequestID string
	Amount           Money
	Reason           string
	// NotifyURL is where the merchant wants the refund's final result
	// announced (an outbox message of kind OutboxKindRefundResult); empty:
	// no notification. Neither it nor ExtendInfo is compared on repeats.
	NotifyURL  string
	ExtendInfo string // the merchant's extendInfo, kept as given
}

// PaymentRef locates one payment of a partner: by the wallet's PaymentID,
// or by the merchant's RequestID. When both are given they must name the
// same payment: a command whose two ids disagree fails with
// CodeParamIllegal on FieldRequestID and changes nothing.
type PaymentRef struct {
	PartnerID string
	PaymentID string
	RequestID string
}

// RefundRef locates one refund of a partner: by the wallet's RefundID, or
// by the merchant's RequestID. When both are given they must name the
// same refund, else CodeParamIllegal on FieldRequestID.
type RefundRef struct {
	PartnerID string
	RefundID  string
	RequestID string
}

func checkID(field Field, v string, required bool) *Error {
	if v == "" {
		if required {
			return paramError(field, "is required")
		}
		return nil
	}
	return checkText(field, v, MaxIDLength)
}

func checkText(field Field, v string, max int) *Error {
	if !utf8.ValidString(v) {
		return paramError(field, "is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(v); n > max {
		return paramError(field, "is %d characters long, at most %d allowed", n, max)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return paramError(field, "contains a control character")
		}
	}
	return nil
}

func (r *PayRequest) validate() *Error {
	if err := checkID(FieldPartnerID, r.PartnerID, true); err != nil {
		return err
	}
	if err := checkID(FieldRequestID, r.RequestID, true); err != nil {
		return err
	}
	if r.Scenario == 0 || r.Scenario >= scenarioCount {
		return paramError(FieldScenario, "is not a known scenario")
	}
	if err := r.Amount.Validate(); err != nil {
		return asEngineError(err)
	}
	if r.Scenario.NeedsAuthCode() && r.AuthCode == "" {
		return paramError(FieldAuthCode, "is required for %s", r.Scenario)
	}
	if err := checkText(FieldAuthCode, r.AuthCode, MaxAuthCodeLength); err != nil {
		return err
	}
	if err := checkText(FieldOrderTitle, r.OrderTitle, MaxTitleLength); err != nil {
		return err
	}
	if len(r.OrderData) > MaxOrderDataBytes {
		return paramError(FieldOrderData, "is %d bytes long, at most %d allowed", len(r.OrderData), MaxOrderDataBytes)
	}
	if err := checkText(FieldNotifyURL, r.NotifyURL, MaxURLLength); err != nil {
		return err
	}
	if err := checkText(FieldExtendInfo, r.ExtendInfo, MaxExtendInfo); err != nil {
		return err
	}
	if !r.Authorization {
		switch {
		case !r.AuthExpiresAt.IsZero():
			return paramError(FieldAuthExpiresAt, "is only for authorization payments")
		case r.CaptureAutomatically || r.NotifyCaptures:
			return paramError(FieldAuthorization, "capture options are only for authorization payments")
		}
	}
	if r.Authorization && r.Scenario == ScenarioEvaluation {
		return paramError(FieldAuthorization, "an evaluation cannot be an authorization")
	}
	return checkText(FieldReturnURL, r.ReturnURL, MaxURLLength)
}

func (r *CaptureRequest) validate() *Error {
	if err := checkID(FieldPartnerID, r.PartnerID, true); err != nil {
		return err
	}
	if err := checkID(FieldCaptureRequestID, r.RequestID, true); err != nil {
		return err
	}
	if err := checkID(FieldPaymentID, r.PaymentID, true); err != nil {
		return err
	}
	if err := r.Amount.Validate(); err != nil {
		return asEngineError(err)
	}
	return checkText(FieldExtendInfo, r.ExtendInfo, MaxExtendInfo)
}

func (r *RefundRequest) validate() *Error {
	if err := checkID(FieldPartnerID, r.PartnerID, true); err != nil {
		return err
	}
	if err := checkID(FieldRequestID, r.RequestID, true); err != nil {
		return err
	}
	if err := checkID(FieldPaymentID, r.PaymentID, false); err != nil {
		return err
	}
	if err := checkID(FieldPaymentRequestID, r.PaymentRequestID, false); err != nil {
		return err
	}
	if r.PaymentID == "" && r.PaymentRequestID == "" {
		return paramError(FieldPaymentID, "or paymentRequestID is required")
	}
	if err := r.Amount.Validate(); err != nil {
		return asEngineError(err)
	}
	if err := checkText(FieldNotifyURL, r.NotifyURL, MaxURLLength); err != nil {
		return err
	}
	if err := checkText(FieldExtendInfo, r.ExtendInfo, MaxExtendInfo); err != nil {
		return err
	}
	return checkText(FieldReason, r.Reason, MaxReasonLength)
}

// paymentRef is the reference to the payment r refunds.
func (r *RefundRequest) paymentRef() PaymentRef {
	return PaymentRef{PartnerID: r.PartnerID, PaymentID: r.PaymentID, RequestID: r.PaymentRequestID}
}

func (r *PaymentRef) validate() *Error {
	if err := checkID(FieldPartnerID, r.PartnerID, true); err != nil {
		return err
	}
	if err := checkID(FieldPaymentID, r.PaymentID, false); err != nil {
		return err
	}
	if err := checkID(FieldRequestID, r.RequestID, false); err != nil {
		return err
	}
	if r.PaymentID == "" && r.RequestID == "" {
		return paramError(FieldPaymentID, "or requestID is required")
	}
	return nil
}

func (r *RefundRef) validate() *Error {
	if err := checkID(FieldPartnerID, r.PartnerID, true); err != nil {
		return err
	}
	if err := checkID(FieldRefundID, r.RefundID, false); err != nil {
		return err
	}
	if err := checkID(FieldRequestID, r.RequestID, false); err != nil {
		return err
	}
	if r.RefundID == "" && r.RequestID == "" {
		return paramError(FieldRefundID, "or requestID is required")
	}
	return nil
}

func asEngineError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return &Error{Code: CodeInternal, Err: err}
}

// fingerprint digests the fields that must match when a request id is used
// again. Each field is length-prefixed so that no two field lists collide.
func fingerprint(fields ...string) string {
	h := sha256.New()
	var n [4]byte
	for _, f := range fields {
		binary.BigEndian.PutUint32(n[:], uint32(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

func (r *PayRequest) fingerprint() string {
	exp := ""
	if !r.ExpiresAt.IsZero() {
		exp = r.ExpiresAt.UTC().Format(time.RFC3339Nano)
	}
	fields := []string{r.Scenario.String(), r.Amount.Currency, r.Amount.Value(), r.AuthCode,
		r.NotifyURL, r.ReturnURL, exp, r.OrderTitle, r.Extra}
	if r.Authorization {
		// Appended only for authorizations, so that every payment stored
		// before they existed keeps its fingerprint.
		authExp := ""
		if !r.AuthExpiresAt.IsZero() {
			authExp = r.AuthExpiresAt.UTC().Format(time.RFC3339Nano)
		}
		fields = append(fields, "authorization", authExp, boolField(r.CaptureAutomatically), boolField(r.NotifyCaptures))
	}
	return fingerprint(fields...)
}

func boolField(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func captureFingerprint(paymentID string, amount Money, last bool) string {
	return fingerprint(paymentID, amount.Currency, amount.Value(), boolField(last))
}

func refundFingerprint(paymentID string, amount Money) string {
	return fingerprint(paymentID, amount.Currency, amount.Value())
}
