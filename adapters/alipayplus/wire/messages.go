package wire

import "encoding/json"

// This file holds the JSON shapes of the endpoints' requests and answers.
// The wallet decodes requests field by field (package alipayplus) so that
// every problem names its wire field; the request structs here are for
// callers that build requests (merchants, examples, tests). Answers are
// marshalled from the response structs. Optional fields are omitted, never
// sent as "".

// Amount is the Alipay+ Amount object: Value is a positive whole number of
// the currency's minor units written as a decimal string, as the Alipay+ API reference defines Amount.
type Amount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

// Action form types of ActionForm.ActionFormType (mini-program v1).
const (
	ActionFormRedirection = "REDIRECTION" // send the user to RedirectionURL (the cashier page)
	ActionFormOrderCode   = "ORDER_CODE"  // show OrderCode to the user to scan
)

// ActionForm is the mini-program v1 next step of an accepted (A) payment:
// redirect the user to the cashier page, or show an order code.
type ActionForm struct {
	ActionFormType string `json:"actionFormType"`
	RedirectionURL string `json:"redirectionUrl,omitempty"`
	OrderCode      string `json:"orderCode,omitempty"`
}

// RedirectActionForm tells the merchant where to send the user. The v1-en
// profile fills Method and RedirectionURL (seed 001); the antom profile
// fills RedirectURL (seed 004).
type RedirectActionForm struct {
	Method         string `json:"method,omitempty"`
	RedirectionURL string `json:"redirectionUrl,omitempty"`
	RedirectURL    string `json:"redirectUrl,omitempty"`
}

// PaymentFactor says which payment scenario a pay request asks for. The
// booleans up to IsAuthorizationAndPay are the mini-program v1 flags (the
// wallet reads JSON true and "true" alike); IsAuthorizationPayment asks
// the mini-program and v1-en profiles for an authorization (the money is
// held until captured). InStorePaymentScenario ("PaymentCode",
// "OrderCode", "EntryCode"), IsAuthorization and CaptureMode are Antom's:
// IsAuthorization asks for an authorization, CaptureMode says who captures
// it (CaptureModeAutomatic, Antom's default, or CaptureModeManual).
type PaymentFactor struct {
	IsCashierPayment       bool   `json:"isCashierPayment,omitempty"`
	IsAgreementPay         bool   `json:"isAgreementPay,omitempty"`
	IsPaymentCode          bool   `json:"isPaymentCode,omitempty"`
	IsOrderCode            bool   `json:"isOrderCode,omitempty"`
	IsPaymentEvaluation    bool   `json:"isPaymentEvaluation,omitempty"`
	IsAuthorizationPayment bool   `json:"isAuthorizationPayment,omitempty"`
	IsAuthorizationAndPay  bool   `json:"isAuthorizationAndPay,omitempty"`
	InStorePaymentScenario string `json:"inStorePaymentScenario,omitempty"`
	IsAuthorization        bool   `json:"isAuthorization,omitempty"`
	CaptureMode            string `json:"captureMode,omitempty"`
}

// Capture modes of PaymentFactor.CaptureMode (Antom).
const (
	CaptureModeAutomatic = "AUTOMATIC" // the wallet captures the whole authorization as soon as it is authorized
	CaptureModeManual    = "MANUAL"    // the merchant captures with the capture endpoint
)

// PaymentMethod is how the payer pays (mini-program paymentMethods, Antom
// paymentMethod). Antom entry code uses PaymentMethodType "CONNECT_WALLET".
type PaymentMethod struct {
	PaymentMethodType string `json:"paymentMethodType"`
	PaymentMethodID   string `json:"paymentMethodId,omitempty"`
	ExtendMetaData    string `json:"extendMetaData,omitempty"`
}

// EnvInfo describes the payer's device (mini-program v1 envInfo).
type EnvInfo struct {
	TerminalType  string `json:"terminalType,omitempty"`
	OsType        string `json:"osType,omitempty"`
	UserAgent     string `json:"userAgent,omitempty"`
	DeviceTokenID string `json:"deviceTokenId,omitempty"`
	ClientIP      string `json:"clientIp,omitempty"`
	CookieID      string `json:"cookieId,omitempty"`
	ExtendInfo    string `json:"extendInfo,omitempty"`
}

// Order is the order object of the v1-en and antom profiles with the
// members the wallet checks; marshal it into PayRequest.Order. The wallet
// keeps the order as it was sent (as the payment's display data), so a
// caller may send further members (goods, buyer, merchant, ...) by
// building PayRequest.Order itself.
type Order struct {
	ReferenceOrderID string  `json:"referenceOrderId,omitempty"`
	OrderDescription string  `json:"orderDescription,omitempty"` // the payment's title on the cashier page
	OrderAmount      *Amount `json:"orderAmount,omitempty"`      // display only; paymentAmount is what is paid
	ExtendInfo       string  `json:"extendInfo,omitempty"`
}

// PayRequest is the body of POST /v1/payments/pay as a caller builds it:
// the union of the three profiles' fields. Order is the order object of
// the v1-en and antom profiles, kept as raw JSON (see Order); the
// mini-program profile sends the order as the JSON string
// ExtraParams["ORDER"] instead. SettlementStrategy and MerchantRegion are
// Antom's; the wallet checks and ignores them.
type PayRequest struct {
	PartnerID          string            `json:"partnerId,omitempty"`
	AppID              string            `json:"appId,omitempty"`
	ProductCode        string            `json:"productCode,omitempty"`
	PaymentOrderTitle  string            `json:"paymentOrderTitle,omitempty"`
	PaymentRequestID   string            `json:"paymentRequestId"`
	PaymentAmount      *Amount           `json:"paymentAmount,omitempty"`
	PaymentMethods     *PaymentMethod    `json:"paymentMethods,omitempty"`
	PaymentMethod      *PaymentMethod    `json:"paymentMethod,omitempty"`
	PaymentAuthCode    string            `json:"paymentAuthCode,omitempty"`
	PaymentFactor      *PaymentFactor    `json:"paymentFactor,omitempty"`
	PaymentExpiryTime  string            `json:"paymentExpiryTime,omitempty"`
	PaymentReturnURL   string            `json:"paymentReturnUrl,omitempty"`
	PaymentRedirectURL string            `json:"paymentRedirectUrl,omitempty"`
	PaymentNotifyURL   string            `json:"paymentNotifyUrl,omitempty"`
	Mcc                string            `json:"mcc,omitempty"`
	ExtraParams        map[string]string `json:"extraParams,omitempty"`
	ExtendInfo         string            `json:"extendInfo,omitempty"`
	EnvInfo            *EnvInfo          `json:"envInfo,omitempty"`
	Order              json.RawMessage   `json:"order,omitempty"`
	SettlementStrategy json.RawMessage   `json:"settlementStrategy,omitempty"`
	MerchantRegion     string            `json:"merchantRegion,omitempty"`
}

// PayResponse is the answer to pay. ActionForm is set in the mini-program
// profile, RedirectActionForm in the others, both only while the user has
// to act. PaymentRequestID is echoed in the antom profile. AuthExpiryTime
// is set for an authorization once it is authorized: until then the
// merchant may capture. ExtendInfo is the payment's extendInfo as its pay
// request gave it.
type PayResponse struct {
	Result             Result              `json:"result"`
	PaymentID          string              `json:"paymentId,omitempty"`
	PaymentRequestID   string              `json:"paymentRequestId,omitempty"`
	PaymentTime        string              `json:"paymentTime,omitempty"`
	AuthExpiryTime     string              `json:"authExpiryTime,omitempty"`
	ActionForm         *ActionForm         `json:"actionForm,omitempty"`
	RedirectActionForm *RedirectActionForm `json:"redirectActionForm,omitempty"`
	ExtendInfo         string              `json:"extendInfo,omitempty"`
}

// PaymentQuery is the body of inquiryPayment and cancel: the payment is
// named by PaymentID or PaymentRequestID; when both are given the wallet
// requires them to name the same payment. PartnerID is required in the mini-program profile only;
// MerchantAccountID is Antom's, checked and ignored by the wallet.
type PaymentQuery struct {
	PartnerID         string `json:"partnerId,omitempty"`
	PaymentID         string `json:"paymentId,omitempty"`
	PaymentRequestID  string `json:"paymentRequestId,omitempty"`
	ExtendInfo        string `json:"extendInfo,omitempty"`
	MerchantAccountID string `json:"merchantAccountId,omitempty"`
}

// Payment statuses of InquiryPaymentResponse.PaymentStatus (Alipay+ inquiryPayment).
const (
	PaymentStatusProcessing = "PROCESSING"
	PaymentStatusSuccess    = "SUCCESS"
	PaymentStatusFail       = "FAIL"
	PaymentStatusCancelled  = "CANCELLED"
)

// InquiryPaymentResponse is the answer to inquiryPayment. Result S means
// the inquiry worked; PaymentStatus is the payment's outcome.
type InquiryPaymentResponse struct {
	Result            Result  `json:"result"`
	PaymentID         string  `json:"paymentId,omitempty"`
	PaymentRequestID  string  `json:"paymentRequestId,omitempty"`
	PaymentAmount     *Amount `json:"paymentAmount,omitempty"`
	PaymentStatus     string  `json:"paymentStatus,omitempty"`
	PaymentFailReason string  `json:"paymentFailReason,omitempty"`
	// PaymentResultCode is the result code of a FAIL payment's failure
	// (the code pay answers for it, e.g. USER_BALANCE_NOT_ENOUGH, or
	// ORDER_IS_CLOSED for an expired payment); the antom profile only.
	PaymentResultCode string `json:"paymentResultCode,omitempty"`
	// PaymentResultMessage is the failure's text, the same as
	// PaymentFailReason; the antom profile only, with PaymentResultCode.
	PaymentResultMessage string `json:"paymentResultMessage,omitempty"`
	PaymentTime          string `json:"paymentTime,omitempty"`
	PaymentCreateTime    string `json:"paymentCreateTime,omitempty"`
	// AuthExpiryTime is when an authorized authorization's uncaptured
	// rest is released (authorizations only, once authorized).
	AuthExpiryTime string `json:"authExpiryTime,omitempty"`
	// ExtendInfo is the payment's extendInfo as its pay request gave it.
	ExtendInfo string `json:"extendInfo,omitempty"`
	// Transactions lists an authorization's captures in the order they
	// were made (Antom's transactions; absent when there are none).
	Transactions []Transaction `json:"transactions,omitempty"`
}

// Transaction types of Transaction.TransactionType (Antom).
const TransactionTypeCapture = "CAPTURE"

// Transaction statuses of Transaction.TransactionStatus (Antom).
const (
	TransactionStatusSuccess    = "SUCCESS"
	TransactionStatusFail       = "FAIL"
	TransactionStatusProcessing = "PROCESSING"
)

// Transaction is one operation on a payment as inquiryPayment lists it
// (Antom's Transaction): here, a capture of an authorization.
// TransactionResult is the capture's result as the capture endpoint
// answers it (S, F with the failure's code, or U CAPTURE_IN_PROCESS while
// it is in flight); TransactionTime is when it reached SUCCESS or FAIL.
type Transaction struct {
	TransactionResult    Result  `json:"transactionResult"`
	TransactionID        string  `json:"transactionId"`
	TransactionType      string  `json:"transactionType"`
	TransactionStatus    string  `json:"transactionStatus"`
	TransactionAmount    *Amount `json:"transactionAmount"`
	TransactionRequestID string  `json:"transactionRequestId"`
	TransactionTime      string  `json:"transactionTime,omitempty"`
}

// CancelResponse is the answer to cancel; CancelTime is set on S only.
type CancelResponse struct {
	Result           Result `json:"result"`
	PaymentID        string `json:"paymentId,omitempty"`
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
	CancelTime       string `json:"cancelTime,omitempty"`
}

// RefundRequest is the body of POST /v1/payments/refund. PaymentID or
// PaymentRequestID names the payment (both, when given, must name the
// same payment). The last four fields are Antom's: the wallet sends
// notifyRefund to RefundNotifyURL (antom profile) and checks and ignores
// the other three.
type RefundRequest struct {
	PartnerID         string  `json:"partnerId,omitempty"`
	RefundRequestID   string  `json:"refundRequestId"`
	PaymentID         string  `json:"paymentId,omitempty"`
	PaymentRequestID  string  `json:"paymentRequestId,omitempty"`
	RefundAmount      *Amount `json:"refundAmount,omitempty"`
	RefundReason      string  `json:"refundReason,omitempty"`
	ExtendInfo        string  `json:"extendInfo,omitempty"`
	ReferenceRefundID string  `json:"referenceRefundId,omitempty"`
	RefundNotifyURL   string  `json:"refundNotifyUrl,omitempty"`
	MerchantAccountID string  `json:"merchantAccountId,omitempty"`
	IsAsyncRefund     bool    `json:"isAsyncRefund,omitempty"`
}

// RefundResponse is the answer to refund. RefundID and RefundTime are set
// on S (RefundID also on U); the antom profile also echoes
// RefundRequestID, PaymentID and RefundAmount. ExtendInfo is the refund's
// extendInfo as its request gave it.
type RefundResponse struct {
	Result          Result  `json:"result"`
	RefundID        string  `json:"refundId,omitempty"`
	RefundTime      string  `json:"refundTime,omitempty"`
	RefundRequestID string  `json:"refundRequestId,omitempty"`
	PaymentID       string  `json:"paymentId,omitempty"`
	RefundAmount    *Amount `json:"refundAmount,omitempty"`
	ExtendInfo      string  `json:"extendInfo,omitempty"`
}

// CaptureRequest is the body of POST /v1/payments/capture (Antom's
// capture, in every profile): it takes CaptureAmount from the
// authorization PaymentID. CaptureRequestID is the idempotency key (with
// the partner). IsLastCapture says no further capture follows: once it
// succeeds, what the authorization has left goes back to the user.
// PartnerID is required in the mini-program profile only.
type CaptureRequest struct {
	PartnerID        string  `json:"partnerId,omitempty"`
	CaptureRequestID string  `json:"captureRequestId"`
	PaymentID        string  `json:"paymentId,omitempty"`
	CaptureAmount    *Amount `json:"captureAmount,omitempty"`
	IsLastCapture    bool    `json:"isLastCapture,omitempty"`
	ExtendInfo       string  `json:"extendInfo,omitempty"`
}

// CaptureResponse is the answer to capture. CaptureRequestID, PaymentID
// and CaptureAmount echo the request once it was read; CaptureID is set on
// S and on U CAPTURE_IN_PROCESS for a capture in flight; CaptureTime on S
// only. ExtendInfo is the capture's extendInfo as its request gave it.
type CaptureResponse struct {
	Result           Result  `json:"result"`
	CaptureRequestID string  `json:"captureRequestId,omitempty"`
	CaptureID        string  `json:"captureId,omitempty"`
	PaymentID        string  `json:"paymentId,omitempty"`
	CaptureAmount    *Amount `json:"captureAmount,omitempty"`
	CaptureTime      string  `json:"captureTime,omitempty"`
	ExtendInfo       string  `json:"extendInfo,omitempty"`
}

// RefundQuery is the body of inquiryRefund: the refund is named by
// RefundID or RefundRequestID (both, when given, must name the same
// refund). MerchantAccountID is Antom's, checked and ignored by the
// wallet.
type RefundQuery struct {
	PartnerID         string `json:"partnerId,omitempty"`
	RefundID          string `json:"refundId,omitempty"`
	RefundRequestID   string `json:"refundRequestId,omitempty"`
	ExtendInfo        string `json:"extendInfo,omitempty"`
	MerchantAccountID string `json:"merchantAccountId,omitempty"`
}

// Refund statuses of InquiryRefundResponse.RefundStatus (Alipay+ inquiryRefund).
const (
	RefundStatusProcessing = "PROCESSING"
	RefundStatusSuccess    = "SUCCESS"
	RefundStatusFail       = "FAIL"
)

// InquiryRefundResponse is the answer to inquiryRefund. Result S means the
// inquiry worked; RefundStatus is the refund's outcome.
type InquiryRefundResponse struct {
	Result           Result  `json:"result"`
	RefundID         string  `json:"refundId,omitempty"`
	RefundRequestID  string  `json:"refundRequestId,omitempty"`
	RefundAmount     *Amount `json:"refundAmount,omitempty"`
	RefundReason     string  `json:"refundReason,omitempty"`
	RefundTime       string  `json:"refundTime,omitempty"`
	RefundStatus     string  `json:"refundStatus,omitempty"`
	RefundFailReason string  `json:"refundFailReason,omitempty"`
	ExtendInfo       string  `json:"extendInfo,omitempty"` // the refund's, as its request gave it
}

// NotifyPaymentRequest is the body of the notifyPayment a wallet POSTs to a
// merchant's paymentNotifyUrl once a payment reaches its final result, in
// the miniprogram-v1 and v1-en profiles. The field order is the wire order. PaymentTime is set for SUCCESS only (it is
// the payment's success time); PaymentFailReason for FAIL only.
type NotifyPaymentRequest struct {
	PartnerID         string `json:"partnerId"`
	PaymentID         string `json:"paymentId"`
	PaymentRequestID  string `json:"paymentRequestId"`
	PaymentAmount     Amount `json:"paymentAmount"`
	PaymentCreateTime string `json:"paymentCreateTime,omitempty"`
	PaymentTime       string `json:"paymentTime,omitempty"`
	PaymentStatus     string `json:"paymentStatus"`
	PaymentFailReason string `json:"paymentFailReason,omitempty"`
	ExtendInfo        string `json:"extendInfo,omitempty"` // the payment's, as its pay request gave it
}

// NotifyTypePaymentResult is AntomNotifyPaymentRequest.NotifyType: the
// notification tells a payment's final result.
const NotifyTypePaymentResult = "PAYMENT_RESULT"

// AntomNotifyPaymentRequest is the notifyPayment body of the antom profile,
// in Antom's shape: Result tells the payment's outcome, S for paid and F
// with the failure's result code and message for failed (a notification
// is never U). PaymentTime is when the payment reached that result.
type AntomNotifyPaymentRequest struct {
	NotifyType        string `json:"notifyType"`
	Result            Result `json:"result"`
	PaymentRequestID  string `json:"paymentRequestId"`
	PaymentID         string `json:"paymentId"`
	PaymentAmount     Amount `json:"paymentAmount"`
	PaymentCreateTime string `json:"paymentCreateTime,omitempty"`
	PaymentTime       string `json:"paymentTime,omitempty"`
}

// NotifyTypeRefundResult is AntomNotifyRefundRequest.NotifyType: the
// notification tells a refund's final result.
const NotifyTypeRefundResult = "REFUND_RESULT"

// AntomNotifyRefundRequest is the notifyRefund body (Antom's), POSTed to a
// refund's refundNotifyUrl once the refund reaches its final result:
// Result is S SUCCESS for a refund credited to the user and F with the
// failure's result code and message for one that failed (never U);
// RefundStatus says the same as SUCCESS or FAIL. RefundTime is when the
// refund reached that result.
type AntomNotifyRefundRequest struct {
	NotifyType      string `json:"notifyType"`
	Result          Result `json:"result"`
	RefundStatus    string `json:"refundStatus"`
	RefundRequestID string `json:"refundRequestId"`
	RefundID        string `json:"refundId"`
	RefundAmount    Amount `json:"refundAmount"`
	RefundTime      string `json:"refundTime,omitempty"`
}

// NotifyTypeCaptureResult is AntomNotifyCaptureRequest.NotifyType: the
// notification tells a capture's final result.
const NotifyTypeCaptureResult = "CAPTURE_RESULT"

// AntomNotifyCaptureRequest is the notifyCapture body (Antom's), POSTed to
// the authorization's paymentNotifyUrl once a capture that was in flight
// reaches its final result: Result is S SUCCESS for a captured amount and
// F with the failure's result code and message otherwise (never U).
// CaptureTime is when the capture reached that result.
type AntomNotifyCaptureRequest struct {
	NotifyType       string `json:"notifyType"`
	Result           Result `json:"result"`
	CaptureRequestID string `json:"captureRequestId"`
	PaymentID        string `json:"paymentId"`
	CaptureID        string `json:"captureId"`
	CaptureAmount    Amount `json:"captureAmount"`
	CaptureTime      string `json:"captureTime,omitempty"`
}
