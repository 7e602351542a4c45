package engine

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies every error the engine returns. The list is closed and
// append-only: adapters map each code to their wire result (for Alipay+:
// result status and result code) and treat any code they do not know as
// CodeInternal.
type Code int

// The engine's error codes. The comment after each says when it is used.
const (
	CodeNone                  Code = iota // no error: the zero value, as in Payment.FailReason of a payment that did not fail
	CodeInternal                          // a bug or a store failure; outcome unknown to the caller
	CodeParamIllegal                      // a request field is missing or malformed (Error.Field names it)
	CodePaymentNotFound                   // no payment with that id or request id for this partner
	CodeRefundNotFound                    // no refund with that id or request id for this partner
	CodeRepeatInconsistent                // a request id reused with different content
	CodeOrderClosed                       // a request id of a closed (cancelled/expired) payment reused, or paying a closed payment
	CodeOrderStatusInvalid                // the payment's state does not allow the command
	CodeRefundAmountExceed                // refunds would exceed the paid amount
	CodeRefundWindowExceed                // the refund window has passed
	CodeCancelWindowExceed                // the cancel window has passed: refund instead
	CodeCurrencyNotSupported              // a valid ISO 4217 currency the wallet does not take, or refund currency != payment currency
	CodeBalanceNotEnough                  // funds: the user's balance is too low
	CodeUserNotExist                      // funds: no such user
	CodeUserStatusAbnormal                // the user is frozen (Limits), or funds said so
	CodeInvalidAccessToken                // funds: agreement access token unknown
	CodeExpiredAccessToken                // funds: agreement access token expired
	CodeInvalidCode                       // funds: user-presented payment code unknown
	CodeAuthCodeAlreadyUsed               // funds: payment code already used
	CodeUserAmountLimit                   // the user's amount limit of the day is reached (Limits), or funds said so
	CodePaymentAmountLimit                // the amount is over the wallet's single-payment limit
	CodeRiskReject                        // funds: refused by risk control
	CodeProcessFail                       // funds: declined for another business reason
	CodePaymentInProcess                  // the payment's outcome is not known yet (caller sees U)
	CodeRefundInProcess                   // the refund's outcome is not known yet (caller sees U)
	CodeExpired                           // the payment expired before it was paid
	CodeCancelled                         // the payment was cancelled by the merchant
	CodePaymentCountLimit                 // the user's number of payments a day is reached (Limits)
	CodePartnerStatusAbnormal             // the partner is suspended (Limits)
	CodeCaptureAmountExceed               // captures would exceed the authorized amount
	CodeAuthCancelled                     // capture of an authorization the merchant voided (cancelled)
	CodeAuthExpired                       // capture of an authorization that expired, or its release at expiry
	CodeCaptureInProcess                  // the capture's outcome is not known yet, or a capture in flight blocks this one (caller sees U)
	CodeNotAuthorization                  // capture of a payment that is not an authorization, or not authorized yet
	codeCount                             // keep last: number of codes
)

var codeNames = [codeCount]string{
	CodeNone:                  "",
	CodeInternal:              "internal",
	CodeParamIllegal:          "param_illegal",
	CodePaymentNotFound:       "payment_not_found",
	CodeRefundNotFound:        "refund_not_found",
	CodeRepeatInconsistent:    "repeat_inconsistent",
	CodeOrderClosed:           "order_closed",
	CodeOrderStatusInvalid:    "order_status_invalid",
	CodeRefundAmountExceed:    "refund_amount_exceed",
	CodeRefundWindowExceed:    "refund_window_exceed",
	CodeCancelWindowExceed:    "cancel_window_exceed",
	CodeCurrencyNotSupported:  "currency_not_supported",
	CodeBalanceNotEnough:      "balance_not_enough",
	CodeUserNotExist:          "user_not_exist",
	CodeUserStatusAbnormal:    "user_status_abnormal",
	CodeInvalidAccessToken:    "invalid_access_token",
	CodeExpiredAccessToken:    "expired_access_token",
	CodeInvalidCode:           "invalid_code",
	CodeAuthCodeAlreadyUsed:   "auth_code_already_used",
	CodeUserAmountLimit:       "user_amount_limit",
	CodePaymentAmountLimit:    "payment_amount_limit",
	CodeRiskReject:            "risk_reject",
	CodeProcessFail:           "process_fail",
	CodePaymentInProcess:      "payment_in_process",
	CodeRefundInProcess:       "refund_in_process",
	CodeExpired:               "expired",
	CodeCancelled:             "cancelled",
	CodePaymentCountLimit:     "payment_count_limit",
	CodePartnerStatusAbnormal: "partner_status_abnormal",
	CodeCaptureAmountExceed:   "capture_amount_exceed",
	CodeAuthCancelled:         "auth_cancelled",
	CodeAuthExpired:           "auth_expired",
	CodeCaptureInProcess:      "capture_in_process",
	CodeNotAuthorization:      "not_authorization",
}

// String returns the code's stable snake_case name, the form stored in
// records (Payment.FailReason) and written to logs.
func (c Code) String() string {
	if c >= 0 && c < codeCount {
		return codeNames[c]
	}
	return fmt.Sprintf("code(%d)", int(c))
}

// ParseCode returns the code whose String is name ("" is CodeNone), or
// CodeInternal and false.
func ParseCode(name string) (Code, bool) {
	for c, n := range codeNames {
		if n == name {
			return Code(c), true
		}
	}
	return CodeInternal, false
}

// Error is the one error type of the engine. Field names the request field
// the error is about (one of the Field constants): the offending field for
// CodeParamIllegal, the reused request id for CodeRepeatInconsistent; an
// adapter writes it in its callers' words, followed by Message. Err is the
// cause, if any, for logs only.
type Error struct {
	Code    Code
	Field   Field
	Message string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	s := e.Code.String()
	if e.Field != "" {
		s += " " + string(e.Field)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the Code of the first *Error in err's chain, CodeInternal
// for any other non-nil error, and CodeNone for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return CodeNone
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func paramError(field Field, format string, args ...any) *Error {
	return &Error{Code: CodeParamIllegal, Field: field, Message: fmt.Sprintf(format, args...)}
}

// readableDuration writes d for people reading an error message: "365 days",
// "24 hours", "90 minutes", falling back to Go's form for odd values.
func readableDuration(d time.Duration) string {
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		if d >= u.unit && d%u.unit == 0 {
			n := int64(d / u.unit)
			if n == 1 {
				return "1 " + u.name
			}
			return fmt.Sprintf("%d %ss", n, u.name)
		}
	}
	return d.String()
}
