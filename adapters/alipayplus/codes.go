package alipayplus

import (
	"errors"

	"github.com/paystate/paystate/engine"
)

// api names an endpoint for the result-code mapping: each endpoint answers
// only the codes its table in the spec lists (digest §5).
type api uint8

const (
	apiPay api = iota
	apiInquiryPayment
	apiCancel
	apiRefund
	apiInquiryRefund
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
	engine.CodeInternal:             {StatusUnknown, CodeUnknownException},
	engine.CodeParamIllegal:         {StatusFail, CodeParamIllegal},
	engine.CodePaymentNotFound:      {StatusFail, CodeOrderNotExist},
	engine.CodeRefundNotFound:       {StatusFail, CodeRefundNotExist},
	engine.CodeRepeatInconsistent:   {StatusFail, CodeRepeatReqInconsistent},
	engine.CodeOrderClosed:          {StatusFail, CodeOrderIsClosed},
	engine.CodeOrderStatusInvalid:   {StatusFail, CodeOrderStatusInvalid},
	engine.CodeRefundAmountExceed:   {StatusFail, CodeRefundAmountExceed},
	engine.CodeRefundWindowExceed:   {StatusFail, CodeRefundWindowExceed},
	engine.CodeCancelWindowExceed:   {StatusFail, CodeCancelWindowExceed},
	engine.CodeCurrencyNotSupported: {StatusFail, CodeCurrencyNotSupport},
	engine.CodeBalanceNotEnough:     {StatusFail, CodeUserBalanceNotEnough},
	engine.CodeUserNotExist:         {StatusFail, CodeUserNotExist},
	engine.CodeUserStatusAbnormal:   {StatusFail, CodeUserStatusAbnormal},
	engine.CodeInvalidAccessToken:   {StatusFail, CodeInvalidAccessToken},
	engine.CodeExpiredAccessToken:   {StatusFail, CodeExpiredAccessToken},
	engine.CodeInvalidCode:          {StatusFail, CodeInvalidCode},
	engine.CodeAuthCodeAlreadyUsed:  {StatusFail, CodeAuthCodeAlreadyUsed},
	engine.CodeUserAmountLimit:      {StatusFail, CodeUserAmountExceedLimit},
	engine.CodePaymentAmountLimit:   {StatusFail, CodePaymentAmountExceedLimit},
	engine.CodeRiskReject:           {StatusFail, CodeRiskReject},
	engine.CodeProcessFail:          {StatusFail, CodeProcessFail},
	engine.CodePaymentInProcess:     {StatusUnknown, CodePaymentInProcess},
	engine.CodeRefundInProcess:      {StatusUnknown, CodeRefundInProcess},
	engine.CodeExpired:              {StatusFail, CodeOrderIsClosed},
	engine.CodeCancelled:            {StatusFail, CodeOrderIsClosed},
}

// commonCodes are answered by every endpoint.
var commonCodes = []string{CodeSuccess, CodeUnknownException, CodeParamIllegal, CodeProcessFail, CodeAccessDenied}

// apiCodes lists, per endpoint, the codes beyond commonCodes it answers
// (the result tables of seeds 000 and 002 and digest §5.2-5.5).
var apiCodes = map[api][]string{
	apiPay: {
		CodeAccept, CodePaymentInProcess, CodeRepeatReqInconsistent, CodeOrderIsClosed, CodeOrderStatusInvalid,
		CodeCurrencyNotSupport, CodePaymentAmountExceedLimit, CodeUserAmountExceedLimit, CodeUserNotExist,
		CodeUserStatusAbnormal, CodeUserBalanceNotEnough, CodeRiskReject, CodeInvalidAccessToken,
		CodeExpiredAccessToken, CodeAuthCodeAlreadyUsed, CodeInvalidCode,
	},
	apiInquiryPayment: {CodeOrderNotExist},
	apiCancel:         {CodeOrderNotExist, CodeOrderStatusInvalid, CodeCancelWindowExceed, CodePaymentInProcess},
	apiRefund: {
		CodeOrderNotExist, CodeOrderStatusInvalid, CodeRepeatReqInconsistent, CodeRefundWindowExceed,
		CodeRefundAmountExceed, CodeCurrencyNotSupport, CodeRefundInProcess,
	},
	apiInquiryRefund: {CodeRefundNotExist},
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
	CodeSuccess:                  "success",
	CodeAccept:                   "accept",
	CodeUnknownException:         "An API calling is failed, which is caused by unknown reasons.",
	CodeParamIllegal:             "Illegal parameters exist.",
	CodeProcessFail:              "A general business failure occurred. Don't retry.",
	CodeAccessDenied:             "Access is denied.",
	CodeOrderNotExist:            "The order does not exist.",
	CodeRefundNotExist:           "The refund does not exist.",
	CodeRepeatReqInconsistent:    "Repeated submission, and the requests are inconsistent.",
	CodeOrderIsClosed:            "The order is closed.",
	CodeOrderStatusInvalid:       "The order status is invalid.",
	CodeRefundAmountExceed:       "The total refund amount has exceeded the payment amount.",
	CodeRefundWindowExceed:       "The refund window is exceeded.",
	CodeCancelWindowExceed:       "The cancel window is exceeded: refund instead.",
	CodeCurrencyNotSupport:       "The currency is not supported.",
	CodeUserBalanceNotEnough:     "The user balance is not enough for this payment.",
	CodeUserNotExist:             "The user does not exist.",
	CodeUserStatusAbnormal:       "The user status is abnormal.",
	CodeInvalidAccessToken:       "The access token is invalid.",
	CodeExpiredAccessToken:       "The access token is expired.",
	CodeInvalidCode:              "The payment code is illegal.",
	CodeAuthCodeAlreadyUsed:      "The payment code is already used.",
	CodeUserAmountExceedLimit:    "The payment amount exceeds the user's amount limit.",
	CodePaymentAmountExceedLimit: "The payment amount exceeds the limit.",
	CodeRiskReject:               "Rejected by risk control.",
	CodePaymentInProcess:         "The payment is still in process.",
	CodeRefundInProcess:          "The refund is still in process.",
}

// result builds a Result with the code's default message.
func result(status, code string) Result {
	return Result{ResultStatus: status, ResultCode: code, ResultMessage: defaultMessages[code]}
}

func successResult() Result { return result(StatusSuccess, CodeSuccess) }

// paramIllegal answers F PARAM_ILLEGAL naming the field.
func paramIllegal(e *fieldError) Result {
	return Result{ResultStatus: StatusFail, ResultCode: CodeParamIllegal, ResultMessage: e.message()}
}

// codeResult maps an engine code to the result endpoint a answers, with
// message (the default message when empty). A code the endpoint's table
// does not list is narrowed: ORDER_IS_CLOSED becomes ORDER_STATUS_INVALID,
// other F codes PROCESS_FAIL, other U codes UNKNOWN_EXCEPTION. Unknown
// engine codes and CodeInternal are U UNKNOWN_EXCEPTION with the default
// message whatever message says (details belong in the log).
func codeResult(a api, code engine.Code, message string) Result {
	w, ok := engineResults[code]
	if !ok || code == engine.CodeInternal {
		return result(StatusUnknown, CodeUnknownException)
	}
	if !allowedCodes[a][w.code] {
		switch {
		case w.status == StatusUnknown:
			w.code = CodeUnknownException
		case w.code == CodeOrderIsClosed && allowedCodes[a][CodeOrderStatusInvalid]:
			w.code = CodeOrderStatusInvalid
		default:
			w.code = CodeProcessFail
		}
		message = "" // the engine's text was about the narrower code
	}
	r := result(w.status, w.code)
	if message != "" {
		r.ResultMessage = truncate(message, 256)
	}
	return r
}

// errorResult maps an error of an engine command to the result endpoint a
// answers. names maps engine field names to wire names for
// PARAM_ILLEGAL. Internal errors (and anything that is not an
// *engine.Error) are logged here and answered U UNKNOWN_EXCEPTION.
func (h *Handler) errorResult(c *call, a api, err error, names map[string]string) Result {
	code := engine.ErrorCode(err)
	if code == engine.CodeParamIllegal {
		return paramIllegal(engineFieldError(err, names))
	}
	if _, known := engineResults[code]; !known || code == engine.CodeInternal {
		h.logger().ErrorContext(c.ctx, "alipayplus: engine error", "path", c.path,
			"partner", c.partner.PartnerID, "code", code.String(), "error", err)
		return result(StatusUnknown, CodeUnknownException)
	}
	var e *engine.Error
	message := ""
	if errors.As(err, &e) {
		message = e.Message
	}
	return codeResult(a, code, message)
}

// failReasonResult is the F result for a payment or refund that ended in
// FAIL with reason (its FailReason) and message (its FailMessage).
func failReasonResult(a api, reason engine.Code, message string) Result {
	if reason == engine.CodeNone || reason == engine.CodeInternal {
		reason = engine.CodeProcessFail
	}
	r := codeResult(a, reason, message)
	if r.ResultStatus != StatusFail { // a FAIL record never maps to U
		r = result(StatusFail, CodeProcessFail)
	}
	return r
}

// accessDenied is the answer to a body whose partnerId is not the one the
// Client-Id belongs to.
func accessDenied() Result {
	return Result{ResultStatus: StatusFail, ResultCode: CodeAccessDenied, ResultMessage: "partnerId does not belong to this Client-Id"}
}
