package alipayplus

import (
	"context"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
)

// refundOf is a mini-program refund request of payment paymentID.
func refundOf(requestID, paymentID, value string) wire.RefundRequest {
	return wire.RefundRequest{PartnerID: miniPartner, RefundRequestID: requestID, PaymentID: paymentID, RefundAmount: usd(value)}
}

func TestRefundPartialAndFull(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.payAndConfirm(t, miniPartner, "pay-r", "1000")
	start := f.ledger.Balance("alice", "USD")
	f.clock.Advance(time.Hour)

	var r1 wire.RefundResponse
	wantResult(t, f.call(t, miniPartner, pathRefund, refundOf("r-1", p.ID, "300"), &r1), wire.StatusSuccess, wire.CodeSuccess)
	if r1.RefundID == "" || r1.RefundTime != wire.FormatTime(epEpoch.Add(time.Hour)) || r1.PaymentID != "" || r1.RefundAmount != nil {
		t.Fatalf("answer %+v", r1)
	}
	// By paymentRequestId, the rest: a full refund in total is allowed.
	var r2 wire.RefundResponse
	req2 := wire.RefundRequest{PartnerID: miniPartner, RefundRequestID: "r-2", PaymentRequestID: "pay-r", RefundAmount: usd("700"), RefundReason: "returned"}
	wantResult(t, f.call(t, miniPartner, pathRefund, req2, &r2), wire.StatusSuccess, wire.CodeSuccess)
	if f.ledger.Balance("alice", "USD") != start+1000 {
		t.Fatalf("alice has %d, want %d", f.ledger.Balance("alice", "USD"), start+1000)
	}
	// Nothing is left.
	wantResult(t, f.call(t, miniPartner, pathRefund, refundOf("r-3", p.ID, "1"), nil), wire.StatusFail, wire.CodeRefundAmountExceed)

	// Repeats answer the same and move nothing.
	var again wire.RefundResponse
	wantResult(t, f.call(t, miniPartner, pathRefund, refundOf("r-1", p.ID, "300"), &again), wire.StatusSuccess, wire.CodeSuccess)
	if again != r1 {
		t.Fatalf("repeat %+v, first %+v", again, r1)
	}
	wantResult(t, f.call(t, miniPartner, pathRefund, refundOf("r-3", p.ID, "1"), nil), wire.StatusFail, wire.CodeRefundAmountExceed)
	if f.ledger.Balance("alice", "USD") != start+1000 {
		t.Fatal("a repeat moved money")
	}
	// A repeat with other content is refused, naming the wire field.
	got := f.call(t, miniPartner, pathRefund, refundOf("r-1", p.ID, "301"), nil)
	wantResult(t, got, wire.StatusFail, wire.CodeRepeatReqInconsistent)
	if want := "refundRequestId r-1 was used for a different refund"; got.ResultMessage != want {
		t.Errorf("resultMessage %q, want %q", got.ResultMessage, want)
	}
}

func TestRefundRefusals(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, f *epFixture) wire.RefundRequest
		code  string
	}{
		{"amount over the payment", func(t *testing.T, f *epFixture) wire.RefundRequest {
			p := f.payAndConfirm(t, miniPartner, "p", "1000")
			return refundOf("r", p.ID, "1001")
		}, wire.CodeRefundAmountExceed},
		{"past the refund window", func(t *testing.T, f *epFixture) wire.RefundRequest {
			p := f.payAndConfirm(t, miniPartner, "p", "1000")
			f.clock.Advance(366 * 24 * time.Hour)
			return refundOf("r", p.ID, "1")
		}, wire.CodeRefundWindowExceed},
		{"unpaid payment", func(t *testing.T, f *epFixture) wire.RefundRequest {
			var p wire.PayResponse
			f.call(t, miniPartner, pathPay, miniCashierPay(miniPartner, "p", "1000"), &p)
			return refundOf("r", p.PaymentID, "1")
		}, wire.CodeOrderStatusInvalid},
		{"other currency", func(t *testing.T, f *epFixture) wire.RefundRequest {
			p := f.payAndConfirm(t, miniPartner, "p", "1000")
			r := refundOf("r", p.ID, "1")
			r.RefundAmount = &wire.Amount{Currency: "EUR", Value: "1"}
			return r
		}, wire.CodeCurrencyNotSupport},
		{"no such payment", func(t *testing.T, f *epFixture) wire.RefundRequest {
			return refundOf("r", "nothing", "1")
		}, wire.CodeOrderNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newEPFixture(t, epOptions{})
			req := tt.setup(t, f)
			var resp wire.RefundResponse
			wantResult(t, f.call(t, miniPartner, pathRefund, req, &resp), wire.StatusFail, tt.code)
			if resp.RefundID != "" || resp.RefundTime != "" {
				t.Fatalf("F answer carries %+v", resp)
			}
			// The refusal is final: the same request answers the same.
			wantResult(t, f.call(t, miniPartner, pathRefund, req, nil), wire.StatusFail, tt.code)
		})
	}
}

func TestRefundUnknownOutcome(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.payAndConfirm(t, miniPartner, "p", "1000")
	f.ledger.Inject = func(string, engine.FundsRequest) memfunds.Fault { return memfunds.HoldAsUnknown }
	var resp wire.RefundResponse
	wantResult(t, f.call(t, miniPartner, pathRefund, refundOf("r", p.ID, "500"), &resp), wire.StatusUnknown, wire.CodeRefundInProcess)
	if resp.RefundID == "" {
		t.Fatal("U answer without refundId")
	}
	var again wire.RefundResponse
	wantResult(t, f.call(t, miniPartner, pathRefund, refundOf("r", p.ID, "500"), &again), wire.StatusUnknown, wire.CodeRefundInProcess)
	if again.RefundID != resp.RefundID {
		t.Fatalf("repeat named refund %s, first %s", again.RefundID, resp.RefundID)
	}
	// The held amount counts: only 500 is left to refund.
	f.ledger.Inject = nil
	wantResult(t, f.call(t, miniPartner, pathRefund, refundOf("r-2", p.ID, "501"), nil), wire.StatusFail, wire.CodeRefundAmountExceed)
}

func TestRefundCreditDeclined(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.payAndConfirm(t, miniPartner, "p", "1000")
	f.ledger.Inject = func(string, engine.FundsRequest) memfunds.Fault { return memfunds.LostRequest }
	wantResult(t, f.call(t, miniPartner, pathRefund, refundOf("r", p.ID, "500"), nil), wire.StatusUnknown, wire.CodeRefundInProcess)
	// The reconciler finds the credit never applied: the refund fails and
	// its funds decline (not a refund code) is answered PROCESS_FAIL.
	f.ledger.Inject = nil
	f.clock.Advance(time.Hour)
	if _, err := f.eng.Reconcile(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	wantResult(t, f.call(t, miniPartner, pathRefund, refundOf("r", p.ID, "500"), nil), wire.StatusFail, wire.CodeProcessFail)
	var q wire.InquiryRefundResponse
	wantResult(t, f.call(t, miniPartner, pathInquiryRefund, wire.RefundQuery{PartnerID: miniPartner, RefundRequestID: "r"}, &q), wire.StatusSuccess, wire.CodeSuccess)
	if q.RefundStatus != wire.RefundStatusFail || q.RefundFailReason == "" {
		t.Fatalf("inquiry %+v", q)
	}
}

func TestRefundAntomEchoes(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	var pay wire.PayResponse
	f.call(t, antomPartner, antomPrefix+pathPay, antomPay("antom-r"), &pay)
	f.ledger.SetBalance("alice", "USD", 100)
	if _, err := f.eng.Confirm(context.Background(), pay.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	var resp wire.RefundResponse
	req := wire.RefundRequest{RefundRequestID: "antom-refund", PaymentRequestID: "antom-r", RefundAmount: usd("4")}
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathRefund, req, &resp), wire.StatusSuccess, wire.CodeSuccess)
	if resp.RefundRequestID != "antom-refund" || resp.PaymentID != pay.PaymentID || resp.RefundAmount == nil ||
		*resp.RefundAmount != *usd("4") || resp.RefundID == "" || resp.RefundTime == "" {
		t.Fatalf("antom refund answer %+v", resp)
	}
	if f.ledger.Balance("alice", "USD") != 100-10+4 {
		t.Fatalf("alice has %d", f.ledger.Balance("alice", "USD"))
	}
}

func TestRefundStoresNothingForBadRequests(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.payAndConfirm(t, miniPartner, "p", "1000")
	for name, body := range map[string][]byte{
		"no amount":      mustJSON(t, refundOf("bad", p.ID, "1"), map[string]any{"refundAmount": nil}),
		"negative":       mustJSON(t, refundOf("bad", p.ID, "-1"), nil),
		"no payment ref": mustJSON(t, refundOf("bad", "", "1"), nil),
	} {
		t.Run(name, func(t *testing.T) {
			wantResult(t, f.call(t, miniPartner, pathRefund, body, nil), wire.StatusFail, wire.CodeParamIllegal)
			if _, err := f.eng.InquireRefund(context.Background(), engine.RefundRef{PartnerID: miniPartner, RequestID: "bad"}); engine.ErrorCode(err) != engine.CodeRefundNotFound {
				t.Fatalf("refund stored: %v", err)
			}
		})
	}
}
