package alipayplus

import (
	"strings"
	"testing"

	"github.com/paystate/paystate/engine"
)

// engineCodes returns every engine code but CodeNone.
func engineCodes() []engine.Code {
	var out []engine.Code
	for c := engine.Code(1); !strings.HasPrefix(c.String(), "code("); c++ {
		out = append(out, c)
	}
	return out
}

var allAPIs = map[api]string{
	apiPay: "pay", apiInquiryPayment: "inquiryPayment", apiCancel: "cancel", apiRefund: "refund", apiInquiryRefund: "inquiryRefund",
}

func TestEveryEngineCodeIsMapped(t *testing.T) {
	codes := engineCodes()
	if len(codes) < 20 {
		t.Fatalf("found only %d engine codes", len(codes))
	}
	for _, c := range codes {
		if _, ok := engineResults[c]; !ok {
			t.Errorf("engine code %s has no Alipay+ result", c)
		}
	}
}

func TestCodeResultStaysInTheEndpointsTable(t *testing.T) {
	for a, name := range allAPIs {
		for _, c := range append(engineCodes(), engine.Code(200)) {
			r := codeResult(a, c, "engine text")
			if !allowedCodes[a][r.ResultCode] {
				t.Errorf("%s: engine %s -> %s, not in the endpoint's table", name, c, r.ResultCode)
			}
			if r.ResultStatus != StatusFail && r.ResultStatus != StatusUnknown {
				t.Errorf("%s: engine %s -> status %s", name, c, r.ResultStatus)
			}
			if r.ResultMessage == "" {
				t.Errorf("%s: engine %s -> empty message", name, c)
			}
		}
	}
}

func TestCodeResultMapping(t *testing.T) {
	tests := []struct {
		a            api
		code         engine.Code
		status, wire string
	}{
		{apiPay, engine.CodeRepeatInconsistent, StatusFail, CodeRepeatReqInconsistent},
		{apiPay, engine.CodeOrderClosed, StatusFail, CodeOrderIsClosed},
		{apiPay, engine.CodeBalanceNotEnough, StatusFail, CodeUserBalanceNotEnough},
		{apiPay, engine.CodeUserAmountLimit, StatusFail, CodeUserAmountExceedLimit},
		{apiPay, engine.CodePaymentAmountLimit, StatusFail, CodePaymentAmountExceedLimit},
		{apiPay, engine.CodePaymentInProcess, StatusUnknown, CodePaymentInProcess},
		{apiPay, engine.CodeInternal, StatusUnknown, CodeUnknownException},
		{apiPay, engine.CodePaymentNotFound, StatusFail, CodeProcessFail},
		{apiInquiryPayment, engine.CodePaymentNotFound, StatusFail, CodeOrderNotExist},
		{apiInquiryPayment, engine.CodePaymentInProcess, StatusUnknown, CodeUnknownException},
		{apiCancel, engine.CodeCancelWindowExceed, StatusFail, CodeCancelWindowExceed},
		{apiCancel, engine.CodeOrderStatusInvalid, StatusFail, CodeOrderStatusInvalid},
		{apiCancel, engine.CodeOrderClosed, StatusFail, CodeOrderStatusInvalid},
		{apiCancel, engine.CodePaymentInProcess, StatusUnknown, CodePaymentInProcess},
		{apiCancel, engine.CodeUserStatusAbnormal, StatusFail, CodeProcessFail},
		{apiRefund, engine.CodeRefundAmountExceed, StatusFail, CodeRefundAmountExceed},
		{apiRefund, engine.CodeRefundWindowExceed, StatusFail, CodeRefundWindowExceed},
		{apiRefund, engine.CodeCurrencyNotSupported, StatusFail, CodeCurrencyNotSupport},
		{apiRefund, engine.CodeRepeatInconsistent, StatusFail, CodeRepeatReqInconsistent},
		{apiRefund, engine.CodeRefundInProcess, StatusUnknown, CodeRefundInProcess},
		{apiRefund, engine.CodePaymentNotFound, StatusFail, CodeOrderNotExist},
		{apiRefund, engine.CodeUserNotExist, StatusFail, CodeProcessFail},
		{apiInquiryRefund, engine.CodeRefundNotFound, StatusFail, CodeRefundNotExist},
		{apiInquiryRefund, engine.Code(200), StatusUnknown, CodeUnknownException},
	}
	for _, tt := range tests {
		r := codeResult(tt.a, tt.code, "")
		if r.ResultStatus != tt.status || r.ResultCode != tt.wire {
			t.Errorf("%s: engine %s -> %s %s, want %s %s", allAPIs[tt.a], tt.code, r.ResultStatus, r.ResultCode, tt.status, tt.wire)
		}
	}
}

func TestCodeResultMessages(t *testing.T) {
	if r := codeResult(apiPay, engine.CodeInternal, "secret detail"); strings.Contains(r.ResultMessage, "secret") {
		t.Errorf("internal error message leaks: %q", r.ResultMessage)
	}
	if r := codeResult(apiRefund, engine.CodeRefundAmountExceed, "refund of 5 exceeds"); r.ResultMessage != "refund of 5 exceeds" {
		t.Errorf("engine message not kept: %q", r.ResultMessage)
	}
	if r := codeResult(apiRefund, engine.CodeRefundAmountExceed, strings.Repeat("é", 300)); len([]rune(r.ResultMessage)) > 256 {
		t.Errorf("message has %d characters", len([]rune(r.ResultMessage)))
	}
	// A narrowed code does not carry the text written for the original one.
	if r := codeResult(apiCancel, engine.CodeUserStatusAbnormal, "user frozen"); r.ResultMessage == "user frozen" {
		t.Errorf("narrowed code kept the engine's text")
	}
}

func TestFailReasonResultIsAlwaysF(t *testing.T) {
	for a, name := range allAPIs {
		for _, c := range append(engineCodes(), engine.CodeNone, engine.Code(200)) {
			if r := failReasonResult(a, c, ""); r.ResultStatus != StatusFail {
				t.Errorf("%s: FAIL with reason %s -> %s %s", name, c, r.ResultStatus, r.ResultCode)
			}
		}
	}
}

func TestFieldMessage(t *testing.T) {
	tests := []struct{ field, problem, want string }{
		{"paymentRequestId", "is required", "paymentRequestId is required"},
		{"paymentId", "or paymentRequestId is required", "paymentId or paymentRequestId is required"},
		{"paymentAmount.value", `value "-1" must be unsigned digits`, `paymentAmount.value: value "-1" must be unsigned digits`},
		{"", "request body is empty", "request body is empty"},
	}
	for _, tt := range tests {
		if got := fieldMessage(tt.field, tt.problem); got != tt.want {
			t.Errorf("fieldMessage(%q, %q) = %q, want %q", tt.field, tt.problem, got, tt.want)
		}
	}
	if got := fieldMessage("f", "is "+strings.Repeat("x", 400)); len([]rune(got)) != 256 {
		t.Errorf("long message has %d characters", len([]rune(got)))
	}
}

func TestEndpointsRegistered(t *testing.T) {
	for _, name := range []string{"pay", "inquiryPayment", "cancel", "refund", "inquiryRefund"} {
		if endpoints[name] == nil {
			t.Errorf("endpoint %s is not registered", name)
		}
	}
}
