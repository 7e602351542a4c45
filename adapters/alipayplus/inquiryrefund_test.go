package alipayplus

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
)

func TestInquiryRefundStatuses(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.payAndConfirm(t, miniPartner, "p", "1000")
	f.clock.Advance(time.Minute)
	var ok, refused, flight wire.RefundResponse
	okReq := refundOf("ok", p.ID, "100")
	okReq.RefundReason = "size too small"
	f.call(t, miniPartner, pathRefund, okReq, &ok)
	f.call(t, miniPartner, pathRefund, refundOf("refused", p.ID, "5000"), &refused)
	f.ledger.Inject = func(string, engine.FundsRequest) memfunds.Fault { return memfunds.HoldAsUnknown }
	f.call(t, miniPartner, pathRefund, refundOf("flight", p.ID, "200"), &flight)
	f.ledger.Inject = nil

	tests := []struct {
		requestID, id, status, value, reason string
		timed, failed                        bool
	}{
		{"ok", ok.RefundID, wire.RefundStatusSuccess, "100", "size too small", true, false},
		{"refused", "", wire.RefundStatusFail, "5000", "", false, true},
		{"flight", flight.RefundID, wire.RefundStatusProcessing, "200", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.requestID, func(t *testing.T) {
			var byRequest wire.InquiryRefundResponse
			wantResult(t, f.call(t, miniPartner, pathInquiryRefund, wire.RefundQuery{PartnerID: miniPartner, RefundRequestID: tt.requestID}, &byRequest), wire.StatusSuccess, wire.CodeSuccess)
			if byRequest.RefundRequestID != tt.requestID || byRequest.RefundStatus != tt.status ||
				byRequest.RefundAmount == nil || *byRequest.RefundAmount != *usd(tt.value) || byRequest.RefundReason != tt.reason ||
				(byRequest.RefundTime != "") != tt.timed || (byRequest.RefundFailReason != "") != tt.failed ||
				(tt.id != "" && byRequest.RefundID != tt.id) {
				t.Fatalf("answer %+v", byRequest)
			}
			if tt.timed && byRequest.RefundTime != wire.FormatTime(epEpoch.Add(time.Minute)) {
				t.Fatalf("refundTime %s", byRequest.RefundTime)
			}
			var byID wire.InquiryRefundResponse
			f.call(t, miniPartner, pathInquiryRefund, wire.RefundQuery{PartnerID: miniPartner, RefundID: byRequest.RefundID}, &byID)
			if !reflect.DeepEqual(byID, byRequest) {
				t.Fatalf("by id %+v, by request id %+v", byID, byRequest)
			}
		})
	}

	t.Run("not found, and other partners' refunds", func(t *testing.T) {
		missing, res := f.send(t, mini2Partner, pathInquiryRefund, mustJSON(t, wire.RefundQuery{PartnerID: mini2Partner, RefundID: "nothing"}, nil))
		wantResult(t, res, wire.StatusFail, wire.CodeRefundNotExist)
		theirs, _ := f.send(t, mini2Partner, pathInquiryRefund, mustJSON(t, wire.RefundQuery{PartnerID: mini2Partner, RefundID: ok.RefundID}, nil))
		if !bytes.Equal(missing, theirs) {
			t.Fatalf("another partner's refund answered %s, a missing one %s", theirs, missing)
		}
		theirs, _ = f.send(t, mini2Partner, pathInquiryRefund, mustJSON(t, wire.RefundQuery{PartnerID: mini2Partner, RefundRequestID: "ok"}, nil))
		wantResult(t, decodeResult(t, theirs), wire.StatusFail, wire.CodeRefundNotExist)
	})
}

func TestInquiryRefundAntom(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.payAndConfirm(t, miniPartner, "p", "1000")
	f.call(t, miniPartner, pathRefund, refundOf("r", p.ID, "1"), nil)
	// The antom partner sees none of the mini-program partner's refunds.
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathInquiryRefund, wire.RefundQuery{RefundRequestID: "r"}, nil), wire.StatusFail, wire.CodeRefundNotExist)
}

// decodeResult returns the result of an answer body.
func decodeResult(t testing.TB, body []byte) wire.Result {
	t.Helper()
	var env struct {
		Result wire.Result `json:"result"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	return env.Result
}
