package alipayplus

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
)

func TestInquiryPaymentStatuses(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	ctx := context.Background()
	f.ledger.SetBalance("alice", "USD", 1_000_00)
	f.ledger.AddAccessToken("token-alice", "alice")
	f.ledger.AddAccessToken("token-poor", "poor")
	f.ledger.SetBalance("poor", "USD", 1)

	payID := func(requestID string, mutate func(*wire.PayRequest)) string {
		r := miniCashierPay(miniPartner, requestID, "1000")
		if mutate != nil {
			mutate(r)
		}
		var resp wire.PayResponse
		f.call(t, miniPartner, pathPay, r, &resp)
		return resp.PaymentID
	}
	accepted := payID("accepted", nil)
	paid := payID("paid", nil)
	if _, err := f.eng.Confirm(ctx, paid, "alice"); err != nil {
		t.Fatal(err)
	}
	declined := payID("declined", func(r *wire.PayRequest) {
		r.PaymentFactor, r.PaymentAuthCode = &wire.PaymentFactor{IsAgreementPay: true}, "token-poor"
	})
	cancelled := payID("cancelled", nil)
	if _, err := f.eng.Cancel(ctx, engine.PaymentRef{PartnerID: miniPartner, PaymentID: cancelled}); err != nil {
		t.Fatal(err)
	}
	f.ledger.Inject = func(string, engine.FundsRequest) memfunds.Fault { return memfunds.HoldAsUnknown }
	inFlight := payID("in-flight", func(r *wire.PayRequest) {
		r.PaymentFactor, r.PaymentAuthCode = &wire.PaymentFactor{IsAgreementPay: true}, "token-alice"
	})
	f.ledger.Inject = nil
	expired := payID("expired", func(r *wire.PayRequest) { r.PaymentExpiryTime = wire.FormatTime(epEpoch.Add(time.Minute)) })
	f.clock.Advance(2 * time.Minute)
	if _, err := f.eng.ExpireDue(ctx, 10); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		id, requestID, status, failReason string
		paid                              bool
	}{
		{accepted, "accepted", wire.PaymentStatusProcessing, "", false},
		{inFlight, "in-flight", wire.PaymentStatusProcessing, "", false},
		{paid, "paid", wire.PaymentStatusSuccess, "", true},
		{declined, "declined", wire.PaymentStatusFail, "balance too low", false},
		{cancelled, "cancelled", wire.PaymentStatusCancelled, "", false},
		{expired, "expired", wire.PaymentStatusFail, "Order payment expired.", false},
	}
	for _, tt := range tests {
		t.Run(tt.requestID, func(t *testing.T) {
			for _, q := range []wire.PaymentQuery{
				{PartnerID: miniPartner, PaymentID: tt.id},
				{PartnerID: miniPartner, PaymentRequestID: tt.requestID},
			} {
				var resp wire.InquiryPaymentResponse
				wantResult(t, f.call(t, miniPartner, pathInquiryPayment, q, &resp), wire.StatusSuccess, wire.CodeSuccess)
				if resp.PaymentID != tt.id || resp.PaymentRequestID != tt.requestID || resp.PaymentStatus != tt.status ||
					resp.PaymentFailReason != tt.failReason || resp.PaymentCreateTime != wire.FormatTime(epEpoch) ||
					resp.PaymentAmount == nil || *resp.PaymentAmount != (wire.Amount{Currency: "USD", Value: "1000"}) ||
					(resp.PaymentTime != "") != tt.paid {
					t.Fatalf("query %+v answered %+v", q, resp)
				}
			}
		})
	}
}

// TestOtherPartnersPaymentIsInvisible checks that inquiry, cancel and
// refund of another partner's payment answer exactly as for a payment that
// does not exist, and change nothing.
func TestOtherPartnersPaymentIsInvisible(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.payAndConfirm(t, miniPartner, "mine", "1000")
	tests := []struct {
		name, path      string
		theirs, missing any
		status, code    string
	}{
		{"inquiry by id", pathInquiryPayment,
			wire.PaymentQuery{PartnerID: mini2Partner, PaymentID: p.ID},
			wire.PaymentQuery{PartnerID: mini2Partner, PaymentID: "no-such-id"}, wire.StatusFail, wire.CodeOrderNotExist},
		{"inquiry by request id", pathInquiryPayment,
			wire.PaymentQuery{PartnerID: mini2Partner, PaymentRequestID: "mine"},
			wire.PaymentQuery{PartnerID: mini2Partner, PaymentRequestID: "no-such-request"}, wire.StatusFail, wire.CodeOrderNotExist},
		{"cancel", pathCancel,
			wire.PaymentQuery{PartnerID: mini2Partner, PaymentID: p.ID},
			wire.PaymentQuery{PartnerID: mini2Partner, PaymentID: "no-such-id"}, wire.StatusFail, wire.CodeOrderNotExist},
		{"refund", pathRefund,
			wire.RefundRequest{PartnerID: mini2Partner, RefundRequestID: "r-1", PaymentID: p.ID, RefundAmount: usd("100")},
			wire.RefundRequest{PartnerID: mini2Partner, RefundRequestID: "r-2", PaymentID: "no-such-id", RefundAmount: usd("100")}, wire.StatusFail, wire.CodeOrderNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			theirs, res := f.send(t, mini2Partner, tt.path, mustJSON(t, tt.theirs, nil))
			wantResult(t, res, tt.status, tt.code)
			missing, _ := f.send(t, mini2Partner, tt.path, mustJSON(t, tt.missing, nil))
			if !bytes.Equal(theirs, missing) {
				t.Fatalf("another partner's payment answered\n%s\nbut a missing one\n%s", theirs, missing)
			}
		})
	}
	after, err := f.eng.InquirePayment(context.Background(), engine.PaymentRef{PartnerID: miniPartner, PaymentID: p.ID})
	if err != nil || after.State != engine.PaymentSuccess || after.Refunded != 0 || after.Held != 0 || after.Version != p.Version {
		t.Fatalf("payment changed: %+v (%v)", after, err)
	}
}

func TestInquiryPaymentOtherProfiles(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	var en, antom wire.PayResponse
	f.call(t, enPartner, pathPay, enPay("en-q"), &en)
	f.call(t, antomPartner, antomPrefix+pathPay, antomPay("antom-q"), &antom)

	var resp wire.InquiryPaymentResponse
	wantResult(t, f.call(t, enPartner, pathInquiryPayment, wire.PaymentQuery{PaymentRequestID: "en-q"}, &resp), wire.StatusSuccess, wire.CodeSuccess)
	if resp.PaymentID != en.PaymentID || resp.PaymentStatus != wire.PaymentStatusProcessing {
		t.Fatalf("v1-en inquiry %+v", resp)
	}
	resp = wire.InquiryPaymentResponse{}
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathInquiryPayment, wire.PaymentQuery{PaymentID: antom.PaymentID}, &resp), wire.StatusSuccess, wire.CodeSuccess)
	if resp.PaymentRequestID != "antom-q" || resp.PaymentStatus != wire.PaymentStatusProcessing {
		t.Fatalf("antom inquiry %+v", resp)
	}
	// The v1-en partner cannot see the antom partner's payment.
	wantResult(t, f.call(t, enPartner, pathInquiryPayment, wire.PaymentQuery{PaymentID: antom.PaymentID}, nil), wire.StatusFail, wire.CodeOrderNotExist)
}

func TestInquiryPaymentInternalError(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.store.setFail(true)
	wantResult(t, f.call(t, miniPartner, pathInquiryPayment, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: "x"}, nil),
		wire.StatusUnknown, wire.CodeUnknownException)
}

// An antom partner's inquiry of a failed payment gives the failure's
// result code and text as Antom's inquiryPayment does (the same result its
// notifyPayment carries); the other profiles' answers do not carry them.
func TestInquiryPaymentAntomFailure(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	ctx := context.Background()
	pay := func(partner, path, requestID string, req *wire.PayRequest) string {
		t.Helper()
		req.PaymentRequestID = requestID
		req.PaymentExpiryTime = wire.FormatTime(epEpoch.Add(time.Minute))
		var resp wire.PayResponse
		wantResult(t, f.call(t, partner, path, req, &resp), wire.StatusSuccess, wire.CodeSuccess)
		return resp.PaymentID
	}
	declined := pay(antomPartner, antomPrefix+pathPay, "declined", antomPay(""))
	if _, err := f.eng.Fail(ctx, declined, engine.CodeBalanceNotEnough, ""); err != nil {
		t.Fatal(err)
	}
	expired := pay(antomPartner, antomPrefix+pathPay, "expired", antomPay(""))
	enDeclined := pay(enPartner, pathPay, "en-declined", enPay(""))
	if _, err := f.eng.Fail(ctx, enDeclined, engine.CodeBalanceNotEnough, ""); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(2 * time.Minute)
	if _, err := f.eng.ExpireDue(ctx, 10); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name, id, requestID string
		reason              engine.Code
		code, message       string
	}{
		{"declined", declined, "declined", engine.CodeBalanceNotEnough, wire.CodeUserBalanceNotEnough, defaultMessages[wire.CodeUserBalanceNotEnough]},
		{"expired", expired, "expired", engine.CodeExpired, wire.CodeOrderIsClosed, "Order payment expired."},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw, res := f.send(t, antomPartner, antomPrefix+pathInquiryPayment, mustJSON(t, wire.PaymentQuery{PaymentID: c.id}, nil))
			wantResult(t, res, wire.StatusSuccess, wire.CodeSuccess)
			want := `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentId":"` + c.id +
				`","paymentRequestId":"` + c.requestID + `","paymentAmount":{"currency":"USD","value":"10"},"paymentStatus":"FAIL",` +
				`"paymentFailReason":"` + c.message + `","paymentResultCode":"` + c.code + `","paymentResultMessage":"` + c.message + `",` +
				`"paymentCreateTime":"` + wire.FormatTime(epEpoch) + `"}`
			if string(raw) != want {
				t.Errorf("answer\n%s\nwant\n%s", raw, want)
			}
			// The notification of the same failure carries the same result.
			body, err := NotifyPaymentBody(ProfileAntom, engine.Notification{ID: c.id + ".result", PartnerID: antomPartner,
				PaymentID: c.id, RequestID: c.requestID, State: engine.PaymentFail, FailReason: c.reason,
				Amount: engine.Money{Currency: "USD", Minor: 10}, At: epEpoch})
			if err != nil {
				t.Fatal(err)
			}
			var n wire.AntomNotifyPaymentRequest
			mustDecode(t, body, &n)
			if n.Result.ResultCode != c.code || n.Result.ResultMessage != c.message {
				t.Errorf("notifyPayment result %+v, inquiry %s %q", n.Result, c.code, c.message)
			}
		})
	}

	// A v1-en partner's answer for the same failure has no result code.
	raw, res := f.send(t, enPartner, pathInquiryPayment, mustJSON(t, wire.PaymentQuery{PaymentID: enDeclined}, nil))
	wantResult(t, res, wire.StatusSuccess, wire.CodeSuccess)
	var m map[string]any
	mustDecode(t, raw, &m)
	if m["paymentStatus"] != wire.PaymentStatusFail || m["paymentResultCode"] != nil || m["paymentResultMessage"] != nil {
		t.Errorf("v1-en answer %s", raw)
	}
}
