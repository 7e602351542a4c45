package alipayplus

import (
	"context"
	"testing"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
)

func TestCancelUnpaid(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	var p PayResponse
	f.call(t, miniPartner, pathPay, miniCashierPay(miniPartner, "c-1", "1000"), &p)
	f.clock.Advance(time.Minute)
	for _, q := range []PaymentQuery{
		{PartnerID: miniPartner, PaymentID: p.PaymentID},
		{PartnerID: miniPartner, PaymentRequestID: "c-1"}, // a repeat: same answer
	} {
		var resp CancelResponse
		wantResult(t, f.call(t, miniPartner, pathCancel, q, &resp), StatusSuccess, CodeSuccess)
		want := CancelResponse{Result: successResult(), PaymentID: p.PaymentID, PaymentRequestID: "c-1", CancelTime: FormatTime(epEpoch.Add(time.Minute))}
		if resp != want {
			t.Fatalf("cancel %+v answered %+v, want %+v", q, resp, want)
		}
	}
	// The user can no longer pay it.
	if _, err := f.eng.Confirm(context.Background(), p.PaymentID, "alice"); engine.ErrorCode(err) != engine.CodeOrderClosed {
		t.Fatalf("confirm after cancel: %v", err)
	}
}

func TestCancelPaid(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.payAndConfirm(t, miniPartner, "c-paid", "1000")
	before := f.ledger.Balance("alice", "USD")
	var resp CancelResponse
	wantResult(t, f.call(t, miniPartner, pathCancel, PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, &resp), StatusSuccess, CodeSuccess)
	if resp.CancelTime == "" || f.ledger.Balance("alice", "USD") != before+1000 {
		t.Fatalf("answer %+v; alice has %d, had %d", resp, f.ledger.Balance("alice", "USD"), before)
	}
	var q InquiryPaymentResponse
	f.call(t, miniPartner, pathInquiryPayment, PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, &q)
	if q.PaymentStatus != PaymentStatusCancelled {
		t.Fatalf("status after cancel %s", q.PaymentStatus)
	}
}

func TestCancelRefusals(t *testing.T) {
	t.Run("past the cancel window", func(t *testing.T) {
		f := newEPFixture(t, epOptions{})
		p := f.payAndConfirm(t, miniPartner, "late", "1000")
		f.clock.Advance(25 * time.Hour)
		var resp CancelResponse
		wantResult(t, f.call(t, miniPartner, pathCancel, PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, &resp), StatusFail, CodeCancelWindowExceed)
		if resp.PaymentID != p.ID || resp.CancelTime != "" {
			t.Fatalf("answer %+v", resp)
		}
	})
	t.Run("with refunds", func(t *testing.T) {
		f := newEPFixture(t, epOptions{})
		p := f.payAndConfirm(t, miniPartner, "refunded", "1000")
		wantResult(t, f.call(t, miniPartner, pathRefund, RefundRequest{PartnerID: miniPartner, RefundRequestID: "r", PaymentID: p.ID, RefundAmount: usd("1")}, nil), StatusSuccess, CodeSuccess)
		wantResult(t, f.call(t, miniPartner, pathCancel, PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, nil), StatusFail, CodeOrderStatusInvalid)
	})
	t.Run("not found", func(t *testing.T) {
		f := newEPFixture(t, epOptions{})
		var resp CancelResponse
		wantResult(t, f.call(t, miniPartner, pathCancel, PaymentQuery{PartnerID: miniPartner, PaymentRequestID: "nothing"}, &resp), StatusFail, CodeOrderNotExist)
		if resp.PaymentID != "" || resp.CancelTime != "" {
			t.Fatalf("answer %+v", resp)
		}
	})
	t.Run("debit in flight", func(t *testing.T) {
		f := newEPFixture(t, epOptions{})
		f.ledger.SetBalance("bob", "USD", 10000)
		f.ledger.AddAccessToken("token-bob", "bob")
		f.ledger.Inject = func(string, engine.FundsRequest) memfunds.Fault { return memfunds.HoldAsUnknown }
		r := miniCashierPay(miniPartner, "flight", "100")
		r.PaymentFactor, r.PaymentAuthCode = &PaymentFactor{IsAgreementPay: true}, "token-bob"
		var p PayResponse
		wantResult(t, f.call(t, miniPartner, pathPay, r, &p), StatusUnknown, CodePaymentInProcess)
		wantResult(t, f.call(t, miniPartner, pathCancel, PaymentQuery{PartnerID: miniPartner, PaymentID: p.PaymentID}, nil), StatusUnknown, CodePaymentInProcess)
	})
	t.Run("reversal without answer", func(t *testing.T) {
		f := newEPFixture(t, epOptions{})
		p := f.payAndConfirm(t, miniPartner, "rev", "1000")
		f.ledger.Inject = func(string, engine.FundsRequest) memfunds.Fault { return memfunds.HoldAsUnknown }
		wantResult(t, f.call(t, miniPartner, pathCancel, PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, nil), StatusUnknown, CodePaymentInProcess)
	})
}

func TestCancelClosedOrFailedIsSuccess(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	r := miniCashierPay(miniPartner, "expires", "100")
	r.PaymentExpiryTime = FormatTime(epEpoch.Add(time.Minute))
	var p PayResponse
	f.call(t, miniPartner, pathPay, r, &p)
	f.clock.Advance(2 * time.Minute)
	if _, err := f.eng.ExpireDue(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	var resp CancelResponse
	wantResult(t, f.call(t, miniPartner, pathCancel, PaymentQuery{PartnerID: miniPartner, PaymentID: p.PaymentID}, &resp), StatusSuccess, CodeSuccess)
	if resp.CancelTime != FormatTime(epEpoch.Add(2*time.Minute)) {
		t.Fatalf("cancelTime %q, want the expiry's close time", resp.CancelTime)
	}
	// An expired payment keeps reporting FAIL: the cancel changed nothing.
	var q InquiryPaymentResponse
	f.call(t, miniPartner, pathInquiryPayment, PaymentQuery{PartnerID: miniPartner, PaymentID: p.PaymentID}, &q)
	if q.PaymentStatus != PaymentStatusFail {
		t.Fatalf("status %s", q.PaymentStatus)
	}
}

func TestCancelOtherProfiles(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	var antom PayResponse
	f.call(t, antomPartner, antomPrefix+pathPay, antomPay("antom-c"), &antom)
	var resp CancelResponse
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathCancel, PaymentQuery{PaymentRequestID: "antom-c"}, &resp), StatusSuccess, CodeSuccess)
	if resp.PaymentID != antom.PaymentID || resp.PaymentRequestID != "antom-c" {
		t.Fatalf("antom cancel %+v", resp)
	}
	f.call(t, enPartner, pathPay, enPay("en-c"), nil)
	wantResult(t, f.call(t, enPartner, pathCancel, PaymentQuery{PaymentRequestID: "en-c"}, nil), StatusSuccess, CodeSuccess)
}
