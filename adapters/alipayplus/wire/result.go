package wire

// Result is the result triple every Alipay+ answer carries.
type Result struct {
	ResultCode    string `json:"resultCode"`
	ResultStatus  string `json:"resultStatus"`
	ResultMessage string `json:"resultMessage"`
}

// Result statuses.
const (
	StatusSuccess  = "S"
	StatusFail     = "F"
	StatusUnknown  = "U"
	StatusAccepted = "A"
)

// Result codes used by the wallet (the Alipay+ API reference's result tables).
const (
	CodeSuccess                   = "SUCCESS"
	CodeAccept                    = "ACCEPT"
	CodeUnknownException          = "UNKNOWN_EXCEPTION"
	CodeParamIllegal              = "PARAM_ILLEGAL"
	CodeProcessFail               = "PROCESS_FAIL"
	CodeNoInterfaceDef            = "NO_INTERFACE_DEF"
	CodeMethodNotSupported        = "METHOD_NOT_SUPPORTED"
	CodeMediaTypeNotAcceptable    = "MEDIA_TYPE_NOT_ACCEPTABLE"
	CodeInvalidClient             = "INVALID_CLIENT"
	CodeClientInvalid             = "CLIENT_INVALID" // Antom's name for INVALID_CLIENT
	CodeKeyNotFound               = "KEY_NOT_FOUND"
	CodeInvalidSignature          = "INVALID_SIGNATURE"
	CodeAccessDenied              = "ACCESS_DENIED"
	CodeMsgParseError             = "MSG_PARSE_ERROR" // v1-en: the body is not one JSON object (seed 001)
	CodeRepeatReqInconsistent     = "REPEAT_REQ_INCONSISTENT"
	CodeOrderNotExist             = "ORDER_NOT_EXIST"
	CodeRefundNotExist            = "REFUND_NOT_EXIST"
	CodeOrderStatusInvalid        = "ORDER_STATUS_INVALID"
	CodeOrderIsClosed             = "ORDER_IS_CLOSED"
	CodeOrderIsCanceled           = "ORDER_IS_CANCELED" // antom: a repeat of a paid payment the merchant cancelled
	CodeRefundAmountExceed        = "REFUND_AMOUNT_EXCEED"
	CodeRefundWindowExceed        = "REFUND_WINDOW_EXCEED"
	CodeCancelWindowExceed        = "CANCEL_WINDOW_EXCEED"
	CodeCurrencyNotSupport        = "CURRENCY_NOT_SUPPORT"
	CodeUserBalanceNotEnough      = "USER_BALANCE_NOT_ENOUGH"
	CodeUserNotExist              = "USER_NOT_EXIST"
	CodeUserStatusAbnormal        = "USER_STATUS_ABNORMAL"
	CodeInvalidAccessToken        = "INVALID_ACCESS_TOKEN"
	CodeExpiredAccessToken        = "EXPIRED_ACCESS_TOKEN"
	CodeInvalidCode               = "INVALID_CODE"
	CodeAuthCodeAlreadyUsed       = "AUTH_CODE_ALREADY_USED"
	CodeUserAmountExceedLimit     = "USER_AMOUNT_EXCEED_LIMIT"
	CodePaymentAmountExceedLimit  = "PAYMENT_AMOUNT_EXCEED_LIMIT"
	CodeRiskReject                = "RISK_REJECT"
	CodePaymentInProcess          = "PAYMENT_IN_PROCESS"
	CodeRefundInProcess           = "REFUND_IN_PROCESS"
	CodePaymentCountExceedLimit   = "PAYMENT_COUNT_EXCEED_LIMIT"   // the user's number of payments a day (seed 004)
	CodePartnerStatusAbnormal     = "PARTNER_STATUS_ABNORMAL"      // mini-program: the partner is suspended (seeds 000, 002)
	CodeInvalidClientStatus       = "INVALID_CLIENT_STATUS"        // v1-en: the partner (its Client-Id) is suspended (seed 001)
	CodePaymentNotQualified       = "PAYMENT_NOT_QUALIFIED"        // antom: the merchant is banned from payment (seed 004)
	CodeRequestTrafficExceedLimit = "REQUEST_TRAFFIC_EXCEED_LIMIT" // U: the partner sends faster than its rate limit
	// Capture codes (Antom's capture page; the mini-program republishers'
	// capture page names the same).
	CodeAuthNotFound                 = "AUTH_NOT_FOUND"                   // capture of a payment that does not exist or is no authorization
	CodeAuthCancelled                = "AUTH_CANCELLED"                   // capture of an authorization the merchant voided
	CodeAuthExpired                  = "AUTH_EXPIRED"                     // capture of an authorization past its authExpiryTime
	CodeCaptureAmountExceedAuthLimit = "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT" // captures would exceed the authorized amount
	CodeCaptureInProcess             = "CAPTURE_IN_PROCESS"               // U: the capture, or another that blocks it, has no answer yet
)
