package alipayplus

import (
	"errors"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// api names an endpoint for the result-code mapping: each endpoint answers
// only the codes its result table in the Alipay+ API reference lists.
type api uint8

const (
	apiPay api = iota
	apiInquiryPayment
	apiCancel
	apiRefund
	apiInquiryRefund
	apiCapture
)

// wireResult is the result status and code an engine code maps to.
type wireResult struct {
	status string
	code   string
}

// engineResults maps every engine error code to its Alipay+ result. An
// engine code missing here (added to the engine later) reads as
// CodeInternal: U UNKNOWN_EXCEPTION, never F.
var engineResults = map[engine.Code]wireResult{
	engine.CodeInternal:             {wire.StatusUnknown, wire.CodeUnknownException},
	engine.CodeParamIllegal:         {wire.StatusFail, wire.CodeParamIllegal},
	engine.CodePaymentNotFound:      {wire.StatusFail, wire.CodeOrderNotExist},
	engine.CodeRefundNotFound:       {wire.StatusFail, wire.CodeRefundNotExist},
	engine.CodeRepeatInconsistent:   {wire.StatusFail, wire.CodeRepeatReqInconsistent},
	engine.CodeOrderClosed:          {wire.StatusFail, wire.CodeOrderIsClosed},
	engine.CodeOrderStatusInvalid:   {wire.StatusFail, wire.CodeOrderStatusInvalid},
	engine.CodeRefundAmountExceed:   {wire.StatusFail, wire.CodeRefundAmountExceed},
	engine.CodeRefundWindowExceed:   {wire.StatusFail, wire.CodeRefundWindowExceed},
	engine.CodeCancelWindowExceed:   {wire.StatusFail, wire.CodeCancelWindowExceed},
	engine.CodeCurrencyNotSupported: {wire.StatusFail, wire.CodeCurrencyNotSupport},
	engine.CodeBalanceNotEnough:     {wire.StatusFail, wire.CodeUserBalanceNotEnough},
	engine.CodeUserNotExist:         {wire.StatusFail, wire.CodeUserNotExist},
	engine.CodeUserStatusAbnormal:   {wire.StatusFail, wire.CodeUserStatusAbnormal},
	engine.CodeInvalidAccessToken:   {wire.StatusFail, wire.CodeInvalidAccessToken},
	engine.CodeExpiredAccessToken:   {wire.StatusFail, wire.CodeExpiredAccessToken},
	engine.CodeInvalidCode:          {wire.StatusFail, wire.CodeInvalidCode},
	engine.CodeAuthCodeAlreadyUsed:  {wire.StatusFail, wire.CodeAuthCodeAlreadyUsed},
	engine.CodeUserAmountLimit:      {wire.StatusFail, wire.CodeUserAmountExceedLimit},
	engine.CodePaymentAmountLimit:   {wire.StatusFail, wire.CodePaymentAmountExceedLimit},
	engine.CodeRiskReject:           {wire.StatusFail, wire.CodeRiskReject},
	engine.CodeProcessFail:          {wire.StatusFail, wire.CodeProcessFail},
	engine.CodePaymentInProcess:     {wire.StatusUnknown, wire.CodePaymentInProcess},
	engine.CodeRefundInProcess:      {wire.StatusUnknown, wire.CodeRefundInProcess},
	engine.CodeExpired:              {wire.StatusFail, wire.CodeOrderIsClosed},
	engine.CodeCancelled:            {wire.StatusFail, wire.CodeOrderIsClosed},
	engine.CodePaymentCountLimit:    {wire.StatusFail, wire.CodePaymentCountExceedLimit},
	// A suspended partner's answer depends on its profile: see
	// partnerStatusResult.
	engine.CodePartnerStatusAbnormal: {wire.StatusFail, wire.CodePartnerStatusAbnormal},
	// Captures (Antom's capture page, docs/result-codes.md).
	engine.CodeCaptureAmountExceed: {wire.StatusFail, wire.CodeCaptureAmountExceedAuthLimit},
	engine.CodeAuthCancelled:       {wire.StatusFail, wire.CodeAuthCancelled},
	engine.CodeAuthExpired:         {wire.StatusFail, wire.CodeAuthExpired},
	engine.CodeCaptureInProcess:    {wire.StatusUnknown, wire.CodeCaptureInProcess},
	engine.CodeNotAuthorization:    {wire.StatusFail, wire.CodeAuthNotFound},
}

// commonCodes are answered by every endpoint.
var commonCodes = []string{wire.CodeSuccess, wire.CodeUnknownException, wire.CodeParamIllegal, wire.CodeProcessFail, wire.CodeAccessDenied, wire.CodeMsgParseError}

// apiCodes lists, per endpoint, the codes beyond commonCodes it answers
// (the result tables of the Alipay+ pay, inquiryPayment, cancel, refund and
// inquiryRefund pages, and of Antom's capture page).
var apiCodes = map[api][]string{
	apiPay: {
		wire.CodeAccept, wire.CodePaymentInProcess, wire.CodeRepeatReqInconsistent, wire.CodeOrderIsClosed, wire.CodeOrderIsCanceled, wire.CodeOrderStatusInvalid,
		wire.CodeCurrencyNotSupport, wire.CodePaymentAmountExceedLimit, wire.CodeUserAmountExceedLimit, wire.CodeUserNotExist,
		wire.CodeUserStatusAbnormal, wire.CodeUserBalanceNotEnough, wire.CodeRiskReject, wire.CodeInvalidAccessToken,
		wire.CodeExpiredAccessToken, wire.CodeAuthCodeAlreadyUsed, wire.CodeInvalidCode,
		wire.CodePaymentCountExceedLimit, wire.CodePartnerStatusAbnormal, wire.CodeInvalidClientStatus, wire.CodePaymentNotQualified,
	},
	apiInquiryPayment: {wire.CodeOrderNotExist},
	apiCancel:         {wire.CodeOrderNotExist, wire.CodeOrderStatusInvalid, wire.CodeCancelWindowExceed, wire.CodePaymentInProcess},
	apiRefund: {
		wire.CodeOrderNotExist, wire.CodeOrderStatusInvalid, wire.CodeRepeatReqInconsistent, wire.CodeRefundWindowExceed,
		wire.CodeRefundAmountExceed, wire.CodeCurrencyNotSupport, wire.CodeRefundInProcess,
		wire.CodePartnerStatusAbnormal, wire.CodeInvalidClientStatus,
	},
	apiInquiryRefund: {wire.CodeRefundNotExist},
	apiCapture: {
		wire.CodeAuthNotFound, wire.CodeRepeatReqInconsistent, wire.CodeAuthCancelled, wire.CodeAuthExpired,
		wire.CodeCaptureAmountExceedAuthLimit, wire.CodeCurrencyNotSupport, wire.CodeOrderStatusInvalid,
		wire.CodeCaptureInProcess, wire.CodePartnerStatusAbnormal, wire.CodeInvalidClientStatus,
	},
}

// siblings are the codes an endpoint answers in place of an engine code's
// when its table lacks that one but has the sibling: a closed payment is
// ORDER_STATUS_INVALID to cancel and refund, a missing payment is
// AUTH_NOT_FOUND to capture (whose table names the authorization, not the
// order).
var siblings = map[string]string{
	wire.CodeOrderIsClosed: wire.CodeOrderStatusInvalid,
	wire.CodeOrderNotExist: wire.CodeAuthNotFound,
}

// allowedCodes is apiCodes plus commonCodes as sets.
var allowedCodes = func() map[api]map[string]bool {
	out := map[api]map[string]bool{}
	for a, codes := range apiCodes {
		set := map[string]bool{}
		for _, c := range append(codes, commonCodes...) {
			set[c] = true
		}
		out[a] = set
	}
	return out
}()

// defaultMessages is the resultMessage of each code when there is nothing
// more specific to say.
var defaultMessages = map[string]string{
	wire.CodeSuccess:                      "success",
	wire.CodeAccept:                       "accept",
	wire.CodeUnknownException:             "An API calling is failed, which is caused by unknown reasons.",
	wire.CodeParamIllegal:                 "Illegal parameters exist.",
	wire.CodeProcessFail:                  "A general business failure occurred. Don't retry.",
	wire.CodeAccessDenied:                 "Access is denied.",
	wire.CodeMsgParseError:                "Message parsed error.",
	wire.CodeOrderNotExist:                "The order does not exist.",
	wire.CodeRefundNotExist:               "The refund does not exist.",
	wire.CodeRepeatReqInconsistent:        "Repeated submission, and the requests are inconsistent.",
	wire.CodeOrderIsClosed:                "The order is closed.",
	wire.CodeOrderIsCanceled:              "The order was paid and then cancelled.",
	wire.CodeOrderStatusInvalid:           "The order status is invalid.",
	wire.CodeRefundAmountExceed:           "The total refund amount has exceeded the payment amount.",
	wire.CodeRefundWindowExceed:           "The refund window is exceeded.",
	wire.CodeCancelWindowExceed:           "The cancel window is exceeded: refund instead.",
	wire.CodeCurrencyNotSupport:           "The currency is not supported.",
	wire.CodeUserBalanceNotEnough:         "The user balance is not enough for this payment.",
	wire.CodeUserNotExist:                 "The user does not exist.",
	wire.CodeUserStatusAbnormal:           "The user status is abnormal.",
	wire.CodeInvalidAccessToken:           "The access token is invalid.",
	wire.CodeExpiredAccessToken:           "The access token is expired.",
	wire.CodeInvalidCode:                  "The payment code is illegal.",
	wire.CodeAuthCodeAlreadyUsed:          "The payment code is already used.",
	wire.CodeUserAmountExceedLimit:        "The payment amount exceeds the user's amount limit.",
	wire.CodePaymentAmountExceedLimit:     "The payment amount exceeds the limit.",
	wire.CodeRiskReject:                   "Rejected by risk control.",
	wire.CodePaymentInProcess:             "The payment is still in process.",
	wire.CodeRefundInProcess:              "The refund is still in process.",
	wire.CodePaymentCountExceedLimit:      "The number of payments exceeds the user's limit.",
	wire.CodePartnerStatusAbnormal:        "The partner status is abnormal.",
	wire.CodeInvalidClientStatus:          "Invalid client status.",
	wire.CodePaymentNotQualified:          "The merchant is not qualified for payment.",
	wire.CodeRequestTrafficExceedLimit:    trafficMessage,
	wire.CodeAuthNotFound:                 "The authorization does not exist.",
	wire.CodeAuthCancelled:                "The authorization was cancelled.",
	wire.CodeAuthExpired:                  "The authorization has expired.",
	wire.CodeCaptureAmountExceedAuthLimit: "The total capture amount exceeds the authorized amount.",
	wire.CodeCaptureInProcess:             "The capture is still in process.",
}

// result builds a Result with the code's default message.
func result(status, code string) wire.Result {
	return wire.Result{ResultStatus: status, ResultCode: code, ResultMessage: defaultMessages[code]}
}

func successResult() wire.Result { return result(wire.StatusSuccess, wire.CodeSuccess) }

// paramIllegal answers F PARAM_ILLEGAL naming the field.
func paramIllegal(e *fieldError) wire.Result {
	return wire.Result{ResultStatus: wire.StatusFail, ResultCode: wire.CodeParamIllegal, ResultMessage: e.message()}
}

// badRequest answers a request body's problem e for partner p: F
// PARAM_ILLEGAL naming the field, except that a v1-en partner is told F
// MSG_PARSE_ERROR, its seed's name (001, common error codes), when the body
// is not one JSON object at all (docs/result-codes.md).
func badRequest(p *Partner, e *fieldError) wire.Result {
	r := paramIllegal(e)
	if e.unparsed && profileOf(p) == ProfileV1EN {
		r.ResultCode = wire.CodeMsgParseError
	}
	return r
}

// codeResult maps an engine code to the result endpoint a answers, with
// message (the default message when empty). A code the endpoint's table
// does not list is narrowed: to its sibling when the table lists that
// (siblings: ORDER_IS_CLOSED becomes ORDER_STATUS_INVALID, ORDER_NOT_EXIST
// AUTH_NOT_FOUND), other F codes to PROCESS_FAIL, other U codes to
// UNKNOWN_EXCEPTION. Unknown
// engine codes and CodeInternal are U UNKNOWN_EXCEPTION with the default
// message whatever message says (details belong in the log).
func codeResult(a api, code engine.Code, message string) wire.Result {
	w, ok := engineResults[code]
	if !ok || code == engine.CodeInternal {
		return result(wire.StatusUnknown, wire.CodeUnknownException)
	}
	if !allowedCodes[a][w.code] {
		switch {
		case w.status == wire.StatusUnknown:
			w.code = wire.CodeUnknownException
		case allowedCodes[a][siblings[w.code]]:
			w.code = siblings[w.code]
		default:
			w.code = wire.CodeProcessFail
		}
		message = "" // the engine's text was about the narrower code
	}
	r := result(w.status, w.code)
	if message != "" {
		r.ResultMessage = wire.Truncate(message, wire.MaxResultMessage)
	}
	return r
}

// errorResult maps an error of an engine command to the result endpoint a
// answers. names maps engine fields to wire names, for PARAM_ILLEGAL and
// for the field other errors are about. Internal errors (and anything that is not an
// *engine.Error) are logged here and answered U UNKNOWN_EXCEPTION.
func (h *Handler) errorResult(c *call, a api, err error, names map[engine.Field]string) wire.Result {
	code := engine.ErrorCode(err)
	if code == engine.CodeParamIllegal {
		return paramIllegal(engineFieldError(err, names))
	}
	if code == engine.CodePartnerStatusAbnormal {
		return partnerStatusResult(c.partner, a)
	}
	if _, known := engineResults[code]; !known || code == engine.CodeInternal {
		h.logger().ErrorContext(c.ctx, "alipayplus: engine error", "path", c.path,
			"partner", c.partner.PartnerID, "code", code.String(), "error", err)
		return result(wire.StatusUnknown, wire.CodeUnknownException)
	}
	var e *engine.Error
	message := ""
	if errors.As(err, &e) {
		message = e.Message
		if e.Field != "" && message != "" {
			message = wireName(names, e.Field) + " " + message // e.g. "paymentRequestId order-1 was used for a different payment"
		}
	}
	return codeResult(a, code, message)
}

// failReasonResult is the F result for a payment or refund that ended in
// FAIL with reason (its FailReason) and message (its FailMessage).
func failReasonResult(a api, reason engine.Code, message string) wire.Result {
	if reason == engine.CodeNone || reason == engine.CodeInternal {
		reason = engine.CodeProcessFail
	}
	r := codeResult(a, reason, message)
	if r.ResultStatus != wire.StatusFail { // a FAIL record never maps to U
		r = result(wire.StatusFail, wire.CodeProcessFail)
	}
	return r
}

// failedPaymentResult is how the antom profile tells a failed payment's
// outcome (the result of its notifyPayment, paymentResultCode and
// paymentResultMessage of its inquiryPayment): F with the code pay answers
// for reason (ORDER_IS_CLOSED for an expired payment or authorization) and
// text, the reason text the other profiles send.
func failedPaymentResult(reason engine.Code, text string) wire.Result {
	if reason == engine.CodeAuthExpired { // an authorization that expired uncaptured: closed as an expired payment is
		reason = engine.CodeExpired
	}
	r := failReasonResult(apiPay, reason, "")
	r.ResultMessage = text
	return r
}

// accessDenied is the answer to a body whose partnerId is not the one the
// Client-Id belongs to.
func accessDenied() wire.Result {
	return wire.Result{ResultStatus: wire.StatusFail, ResultCode: wire.CodeAccessDenied, ResultMessage: "partnerId does not belong to this Client-Id"}
}

// partnerStatusResult is the answer to a suspended partner's pay or
// refund, in its profile's words: PARTNER_STATUS_ABNORMAL for mini-program
// partners (seeds 000, 002), INVALID_CLIENT_STATUS for v1-en (seed 001's
// common codes: the partner is its Client-Id), PAYMENT_NOT_QUALIFIED for an
// antom pay (seed 004) and PROCESS_FAIL for an antom refund (no seed names
// one).
func partnerStatusResult(p *Partner, a api) wire.Result {
	switch profileOf(p) {
	case ProfileV1EN:
		return result(wire.StatusFail, wire.CodeInvalidClientStatus)
	case ProfileAntom:
		if a == apiPay {
			return result(wire.StatusFail, wire.CodePaymentNotQualified)
		}
		r := result(wire.StatusFail, wire.CodeProcessFail)
		r.ResultMessage = "The partner is suspended."
		return r
	}
	return result(wire.StatusFail, wire.CodePartnerStatusAbnormal)
}
