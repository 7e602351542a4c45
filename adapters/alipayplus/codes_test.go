package alipayplus

import (
	"strings"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
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
	apiCapture: "capture",
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
			if r.ResultStatus != wire.StatusFail && r.ResultStatus != wire.StatusUnknown {
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
		{apiPay, engine.CodeRepeatInconsistent, wire.StatusFail, wire.CodeRepeatReqInconsistent},
		{apiPay, engine.CodeOrderClosed, wire.StatusFail, wire.CodeOrderIsClosed},
		{apiPay, engine.CodeBalanceNotEnough, wire.StatusFail, wire.CodeUserBalanceNotEnough},
		{apiPay, engine.CodeUserAmountLimit, wire.StatusFail, wire.CodeUserAmountExceedLimit},
		{apiPay, engine.CodePaymentAmountLimit, wire.StatusFail, wire.CodePaymentAmountExceedLimit},
		{apiPay, engine.CodePaymentInProcess, wire.StatusUnknown, wire.CodePaymentInProcess},
		{apiPay, engine.CodeInternal, wire.StatusUnknown, wire.CodeUnknownException},
		{apiPay, engine.CodePaymentNotFound, wire.StatusFail, wire.CodeProcessFail},
		{apiInquiryPayment, engine.CodePaymentNotFound, wire.StatusFail, wire.CodeOrderNotExist},
		{apiInquiryPayment, engine.CodePaymentInProcess, wire.StatusUnknown, wire.CodeUnknownException},
		{apiCancel, engine.CodeCancelWindowExceed, wire.StatusFail, wire.CodeCancelWindowExceed},
		{apiCancel, engine.CodeOrderStatusInvalid, wire.StatusFail, wire.CodeOrderStatusInvalid},
		{apiCancel, engine.CodeOrderClosed, wire.StatusFail, wire.CodeOrderStatusInvalid},
		{apiCancel, engine.CodePaymentInProcess, wire.StatusUnknown, wire.CodePaymentInProcess},
		{apiCancel, engine.CodeUserStatusAbnormal, wire.StatusFail, wire.CodeProcessFail},
		{apiRefund, engine.CodeRefundAmountExceed, wire.StatusFail, wire.CodeRefundAmountExceed},
		{apiRefund, engine.CodeRefundWindowExceed, wire.StatusFail, wire.CodeRefundWindowExceed},
		{apiRefund, engine.CodeCurrencyNotSupported, wire.StatusFail, wire.CodeCurrencyNotSupport},
		{apiRefund, engine.CodeRepeatInconsistent, wire.StatusFail, wire.CodeRepeatReqInconsistent},
		{apiRefund, engine.CodeRefundInProcess, wire.StatusUnknown, wire.CodeRefundInProcess},
		{apiRefund, engine.CodePaymentNotFound, wire.StatusFail, wire.CodeOrderNotExist},
		{apiRefund, engine.CodeUserNotExist, wire.StatusFail, wire.CodeProcessFail},
		{apiInquiryRefund, engine.CodeRefundNotFound, wire.StatusFail, wire.CodeRefundNotExist},
		{apiInquiryRefund, engine.Code(200), wire.StatusUnknown, wire.CodeUnknownException},
		{apiCapture, engine.CodeCaptureAmountExceed, wire.StatusFail, wire.CodeCaptureAmountExceedAuthLimit},
		{apiCapture, engine.CodeAuthCancelled, wire.StatusFail, wire.CodeAuthCancelled},
		{apiCapture, engine.CodeAuthExpired, wire.StatusFail, wire.CodeAuthExpired},
		{apiCapture, engine.CodeCaptureInProcess, wire.StatusUnknown, wire.CodeCaptureInProcess},
		{apiCapture, engine.CodeNotAuthorization, wire.StatusFail, wire.CodeAuthNotFound},
		{apiCapture, engine.CodePaymentNotFound, wire.StatusFail, wire.CodeAuthNotFound},
		{apiCapture, engine.CodeOrderStatusInvalid, wire.StatusFail, wire.CodeOrderStatusInvalid},
		{apiCapture, engine.CodeCurrencyNotSupported, wire.StatusFail, wire.CodeCurrencyNotSupport},
		{apiCapture, engine.CodeRepeatInconsistent, wire.StatusFail, wire.CodeRepeatReqInconsistent},
		{apiCapture, engine.CodeBalanceNotEnough, wire.StatusFail, wire.CodeProcessFail},
		{apiCapture, engine.CodePaymentInProcess, wire.StatusUnknown, wire.CodeUnknownException},
		{apiRefund, engine.CodeCaptureInProcess, wire.StatusUnknown, wire.CodeUnknownException},
		{apiRefund, engine.CodeNotAuthorization, wire.StatusFail, wire.CodeProcessFail},
		{apiCancel, engine.CodeAuthExpired, wire.StatusFail, wire.CodeProcessFail},
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
			if r := failReasonResult(a, c, ""); r.ResultStatus != wire.StatusFail {
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
	for _, name := range []string{"pay", "inquiryPayment", "cancel", "refund", "inquiryRefund", "capture"} {
		if _, ok := endpointNamed(name); !ok {
			t.Errorf("endpoint %s is not registered", name)
		}
	}
}

// TestBadRequestMsgParseError holds badRequest to docs/result-codes.md: a
// v1-en partner is told MSG_PARSE_ERROR (seed 001) when the body is not one
// JSON object, and PARAM_ILLEGAL for any problem of a member; the other
// profiles are told PARAM_ILLEGAL for both.
func TestBadRequestMsgParseError(t *testing.T) {
	for _, tt := range []struct {
		body     string
		unparsed bool
	}{
		{``, true},
		{`   `, true},
		{`{`, true},
		{`[]`, true},
		{`null`, true},
		{`{} {}`, true},
		{"{\"a\":\"\xff\"}", true},
		{`{'a':1}`, true},
		{`{"a":1,"a":2}`, false},
		{`{"a":{"b":1,"b":2}}`, false},
	} {
		d, root := decodeBody([]byte(tt.body))
		if d.err == nil {
			root.object("a", false)
		}
		if d.err == nil {
			t.Fatalf("%q: no problem found", tt.body)
		}
		for _, prof := range []Profile{ProfileMiniProgramV1, ProfileV1EN, ProfileAntom} {
			want := wire.CodeParamIllegal
			if tt.unparsed && prof == ProfileV1EN {
				want = wire.CodeMsgParseError
			}
			r := badRequest(&Partner{Profile: prof}, d.err)
			if r.ResultStatus != wire.StatusFail || r.ResultCode != want || r.ResultMessage != d.err.message() {
				t.Errorf("%q, %s: %s %s %q, want F %s %q", tt.body, prof, r.ResultStatus, r.ResultCode, r.ResultMessage, want, d.err.message())
			}
		}
	}
}

// TestFailedPaymentResultOfAnExpiredAuthorization: an authorization that
// expired uncaptured is told to antom partners as an expired payment is
// (ORDER_IS_CLOSED), not as a capture's refusal.
func TestFailedPaymentResultOfAnExpiredAuthorization(t *testing.T) {
	for _, reason := range []engine.Code{engine.CodeExpired, engine.CodeAuthExpired} {
		r := failedPaymentResult(reason, "text")
		if r.ResultStatus != wire.StatusFail || r.ResultCode != wire.CodeOrderIsClosed || r.ResultMessage != "text" {
			t.Errorf("%s: %+v", reason, r)
		}
	}
}
