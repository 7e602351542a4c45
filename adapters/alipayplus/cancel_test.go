package alipayplus

import (
	"context"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
)

func TestCancelUnpaid(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	var p wire.PayResponse
	f.call(t, miniPartner, pathPay, miniCashierPay(miniPartner, "c-1", "1000"), &p)
	f.clock.Advance(time.Minute)
	for _, q := range []wire.PaymentQuery{
		{PartnerID: miniPartner, PaymentID: p.PaymentID},
		{PartnerID: miniPartner, PaymentRequestID: "c-1"}, // a repeat: same answer
	} {
		var resp wire.CancelResponse
		wantResult(t, f.call(t, miniPartner, pathCancel, q, &resp), wire.StatusSuccess, wire.CodeSuccess)
		want := wire.CancelResponse{Result: successResult(), PaymentID: p.PaymentID, PaymentRequestID: "c-1", CancelTime: wire.FormatTime(epEpoch.Add(time.Minute))}
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
	var resp wire.CancelResponse
	wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, &resp), wire.StatusSuccess, wire.CodeSuccess)
	if resp.CancelTime == "" || f.ledger.Balance("alice", "USD") != before+1000 {
		t.Fatalf("answer %+v; alice has %d, had %d", resp, f.ledger.Balance("alice", "USD"), before)
	}
	var q wire.InquiryPaymentResponse
	f.call(t, miniPartner, pathInquiryPayment, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, &q)
	if q.PaymentStatus != wire.PaymentStatusCancelled {
		t.Fatalf("status after cancel %s", q.PaymentStatus)
	}
}

func TestCancelRefusals(t *testing.T) {
	t.Run("past the cancel window", func(t *testing.T) {
		f := newEPFixture(t, epOptions{})
		p := f.payAndConfirm(t, miniPartner, "late", "1000")
		f.clock.Advance(25 * time.Hour)
		var resp wire.CancelResponse
		wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, &resp), wire.StatusFail, wire.CodeCancelWindowExceed)
		if resp.PaymentID != p.ID || resp.CancelTime != "" {
			t.Fatalf("answer %+v", resp)
		}
	})
	t.Run("with refunds", func(t *testing.T) {
		f := newEPFixture(t, epOptions{})
		p := f.payAndConfirm(t, miniPartner, "refunded", "1000")
		wantResult(t, f.call(t, miniPartner, pathRefund, wire.RefundRequest{PartnerID: miniPartner, RefundRequestID: "r", PaymentID: p.ID, RefundAmount: usd("1")}, nil), wire.StatusSuccess, wire.CodeSuccess)
		wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, nil), wire.StatusFail, wire.CodeOrderStatusInvalid)
	})
	t.Run("not found", func(t *testing.T) {
		f := newEPFixture(t, epOptions{})
		var resp wire.CancelResponse
		wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentRequestID: "nothing"}, &resp), wire.StatusFail, wire.CodeOrderNotExist)
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
		r.PaymentFactor, r.PaymentAuthCode = &wire.PaymentFactor{IsAgreementPay: true}, "token-bob"
		var p wire.PayResponse
		wantResult(t, f.call(t, miniPartner, pathPay, r, &p), wire.StatusUnknown, wire.CodePaymentInProcess)
		wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: p.PaymentID}, nil), wire.StatusUnknown, wire.CodePaymentInProcess)
	})
	t.Run("reversal without answer", func(t *testing.T) {
		f := newEPFixture(t, epOptions{})
		p := f.payAndConfirm(t, miniPartner, "rev", "1000")
		f.ledger.Inject = func(string, engine.FundsRequest) memfunds.Fault { return memfunds.HoldAsUnknown }
		wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, nil), wire.StatusUnknown, wire.CodePaymentInProcess)
	})
}

func TestCancelClosedOrFailedIsSuccess(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	r := miniCashierPay(miniPartner, "expires", "100")
	r.PaymentExpiryTime = wire.FormatTime(epEpoch.Add(time.Minute))
	var p wire.PayResponse
	f.call(t, miniPartner, pathPay, r, &p)
	f.clock.Advance(2 * time.Minute)
	if _, err := f.eng.ExpireDue(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	var resp wire.CancelResponse
	wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: p.PaymentID}, &resp), wire.StatusSuccess, wire.CodeSuccess)
	if resp.CancelTime != wire.FormatTime(epEpoch.Add(2*time.Minute)) {
		t.Fatalf("cancelTime %q, want the expiry's close time", resp.CancelTime)
	}
	// An expired payment keeps reporting FAIL: the cancel changed nothing.
	var q wire.InquiryPaymentResponse
	f.call(t, miniPartner, pathInquiryPayment, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: p.PaymentID}, &q)
	if q.PaymentStatus != wire.PaymentStatusFail {
		t.Fatalf("status %s", q.PaymentStatus)
	}
}

func TestCancelOtherProfiles(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	var antom wire.PayResponse
	f.call(t, antomPartner, antomPrefix+pathPay, antomPay("antom-c"), &antom)
	var resp wire.CancelResponse
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathCancel, wire.PaymentQuery{PaymentRequestID: "antom-c"}, &resp), wire.StatusSuccess, wire.CodeSuccess)
	if resp.PaymentID != antom.PaymentID || resp.PaymentRequestID != "antom-c" {
		t.Fatalf("antom cancel %+v", resp)
	}
	f.call(t, enPartner, pathPay, enPay("en-c"), nil)
	wantResult(t, f.call(t, enPartner, pathCancel, wire.PaymentQuery{PaymentRequestID: "en-c"}, nil), wire.StatusSuccess, wire.CodeSuccess)
}
