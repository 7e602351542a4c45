package alipayplus

import (
	"context"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// TestIDsMustAgree: a cancel, refund or inquiry that names its payment (or
// refund) by both ids acts only when they name the same one. When they
// disagree the merchant is told F PARAM_ILLEGAL naming the request id, and
// neither payment changes: no refund recorded, no cancel, no money moved.
func TestIDsMustAgree(t *testing.T) {
	ctx := context.Background()
	f := newEPFixture(t, epOptions{})
	x := f.payAndConfirm(t, miniPartner, "order-x", "1000")
	var y wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, miniCashierPay(miniPartner, "order-y", "500"), &y), wire.StatusAccepted, wire.CodeAccept)
	theirs := f.payAndConfirm(t, mini2Partner, "order-z", "700")
	balance := f.ledger.Balance("alice", "USD")

	disagree := []struct {
		name, path string
		body       any
		field      string
	}{
		{"refund naming X and Y", pathRefund, wire.RefundRequest{PartnerID: miniPartner, RefundRequestID: "r-1", PaymentID: x.ID, PaymentRequestID: "order-y", RefundAmount: usd("100")}, "paymentRequestId"},
		{"refund naming X and nothing", pathRefund, wire.RefundRequest{PartnerID: miniPartner, RefundRequestID: "r-2", PaymentID: x.ID, PaymentRequestID: "order-none", RefundAmount: usd("100")}, "paymentRequestId"},
		{"refund naming nothing and X", pathRefund, wire.RefundRequest{PartnerID: miniPartner, RefundRequestID: "r-3", PaymentID: "no-such-id", PaymentRequestID: "order-x", RefundAmount: usd("100")}, "paymentRequestId"},
		{"refund naming another partner's payment and X", pathRefund, wire.RefundRequest{PartnerID: miniPartner, RefundRequestID: "r-4", PaymentID: theirs.ID, PaymentRequestID: "order-x", RefundAmount: usd("100")}, "paymentRequestId"},
		{"cancel naming X and Y", pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: x.ID, PaymentRequestID: "order-y"}, "paymentRequestId"},
		{"cancel naming Y and X", pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: y.PaymentID, PaymentRequestID: "order-x"}, "paymentRequestId"},
		{"inquiry naming X and Y", pathInquiryPayment, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: x.ID, PaymentRequestID: "order-y"}, "paymentRequestId"},
	}
	for _, tt := range disagree {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Result    wire.Result `json:"result"`
				PaymentID string      `json:"paymentId"`
				RefundID  string      `json:"refundId"`
			}
			wantParamIllegal(t, f.call(t, miniPartner, tt.path, tt.body, &resp), tt.field)
			if resp.PaymentID != "" || resp.RefundID != "" {
				t.Fatalf("a refused request's answer names paymentId %q, refundId %q", resp.PaymentID, resp.RefundID)
			}
		})
	}

	// Nothing changed: X is paid and unrefunded, Y still waits, no refund
	// request id was taken, no money moved.
	for _, id := range []string{x.ID, y.PaymentID} {
		p, err := f.eng.InquirePayment(ctx, engine.PaymentRef{PartnerID: miniPartner, PaymentID: id})
		if err != nil || p.Refunded != 0 || p.Held != 0 || (id == x.ID) != (p.State == engine.PaymentSuccess) {
			t.Fatalf("payment %s after the refused requests: %+v, %v", id, p, err)
		}
	}
	for _, r := range []string{"r-1", "r-2", "r-3", "r-4"} {
		wantResult(t, f.call(t, miniPartner, pathInquiryRefund, wire.RefundQuery{PartnerID: miniPartner, RefundRequestID: r}, nil), wire.StatusFail, wire.CodeRefundNotExist)
	}
	if got := f.ledger.Balance("alice", "USD"); got != balance {
		t.Fatalf("alice has %d, had %d", got, balance)
	}

	t.Run("both ids of one payment", func(t *testing.T) {
		var refund wire.RefundResponse
		wantResult(t, f.call(t, miniPartner, pathRefund, wire.RefundRequest{PartnerID: miniPartner, RefundRequestID: "r-ok", PaymentID: x.ID, PaymentRequestID: "order-x", RefundAmount: usd("100")}, &refund), wire.StatusSuccess, wire.CodeSuccess)
		// inquiryRefund: the refund's two ids must agree as well.
		wantResult(t, f.call(t, miniPartner, pathInquiryRefund, wire.RefundQuery{PartnerID: miniPartner, RefundID: refund.RefundID, RefundRequestID: "r-ok"}, nil), wire.StatusSuccess, wire.CodeSuccess)
		wantParamIllegal(t, f.call(t, miniPartner, pathInquiryRefund, wire.RefundQuery{PartnerID: miniPartner, RefundID: refund.RefundID, RefundRequestID: "r-1"}, nil), "refundRequestId")
		// A repeat of the refund whose ids now disagree is refused too.
		wantParamIllegal(t, f.call(t, miniPartner, pathRefund, wire.RefundRequest{PartnerID: miniPartner, RefundRequestID: "r-ok", PaymentID: x.ID, PaymentRequestID: "order-y", RefundAmount: usd("100")}, nil), "paymentRequestId")
	})
	t.Run("neither id names a payment", func(t *testing.T) {
		wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: "none", PaymentRequestID: "none"}, nil), wire.StatusFail, wire.CodeOrderNotExist)
	})
}
