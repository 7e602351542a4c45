package engine

// Field names a field of an engine request in an *Error (Error.Field): the
// offending field of CodeParamIllegal, the reused request id of
// CodeRepeatInconsistent. Adapters map each Field to the name their callers wrote
// (for Alipay+, a wire field such as "paymentAmount.value"); the constants
// make a renamed field a compile error in every such map.
type Field string

// The request fields an *Error can name.
const (
	FieldPartnerID        Field = "partnerID"        // PayRequest, RefundRequest, PaymentRef, RefundRef
	FieldRequestID        Field = "requestID"        // PayRequest, RefundRequest, PaymentRef, RefundRef
	FieldPaymentID        Field = "paymentID"        // RefundRequest, PaymentRef, commands taking a payment id
	FieldPaymentRequestID Field = "paymentRequestID" // RefundRequest
	FieldRefundID         Field = "refundID"         // RefundRef
	FieldUserID           Field = "userID"           // Confirm
	FieldScenario         Field = "scenario"         // PayRequest
	FieldAmountCurrency   Field = "amount.currency"  // PayRequest, RefundRequest, ParseMoney
	FieldAmountValue      Field = "amount.value"     // PayRequest, RefundRequest, ParseMoney
	FieldAuthCode         Field = "authCode"         // PayRequest
	FieldOrderTitle       Field = "orderTitle"       // PayRequest
	FieldOrderData        Field = "orderData"        // PayRequest
	FieldNotifyURL        Field = "notifyURL"        // PayRequest, RefundRequest
	FieldExtendInfo       Field = "extendInfo"       // PayRequest, RefundRequest
	FieldReturnURL        Field = "returnURL"        // PayRequest
	FieldExpiresAt        Field = "expiresAt"        // PayRequest
	FieldReason           Field = "reason"           // RefundRequest
	FieldMessage          Field = "message"          // Fail
	FieldAuthorization    Field = "authorization"    // PayRequest
	FieldAuthExpiresAt    Field = "authExpiresAt"    // PayRequest
	FieldCaptureRequestID Field = "captureRequestID" // CaptureRequest
)
