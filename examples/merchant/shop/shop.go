// Package shop is a merchant's side of a wallet's Alipay+ OpenAPI
// (mini-program v1 profile): it signs and sends pay (or authorize),
// capture, inquiryPayment, refund, inquiryRefund and cancel through client.Client, and receives
// the wallet's notifyPayment callbacks, verifying their signatures.
// examples/merchant is its command line; examples/demo drives it.
package shop

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/paystate/paystate/adapters/alipayplus/client"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// Merchant calls one wallet as one partner.
type Merchant struct {
	Client    *client.Client // signs requests and verifies answers
	PartnerID string
	// NotifyURL, when set, is sent as paymentNotifyUrl with every pay.
	NotifyURL string
}

// Order is what the merchant sells in one payment.
type Order struct {
	RequestID string      // paymentRequestId: the merchant's idempotency key
	Title     string      // paymentOrderTitle, shown on the cashier page
	Amount    wire.Amount // currency and minor units
	ReturnURL string      // where the cashier sends the user afterwards ("" for none)
	// AccessToken, when set, makes it an agreement payment debited at once
	// (the user authorised the merchant before); otherwise it is a cashier
	// payment the user confirms on the wallet's page.
	AccessToken string
	// Authorize makes it an authorization payment
	// (isAuthorizationPayment): the user's money is held, and the merchant
	// takes it with Capture, in one part or several.
	Authorize bool
}

// Pay asks the wallet for a payment. The error is non-nil only when the
// outcome is unknown (no verified answer); read the answer's Result.
func (m *Merchant) Pay(ctx context.Context, o Order) (wire.PayResponse, error) {
	req, err := m.PayRequest(o)
	if err != nil {
		return wire.PayResponse{}, err
	}
	var resp wire.PayResponse
	_, err = m.Client.Call(ctx, wire.PathPay, req, &resp)
	return resp, err
}

// PayRequest is the body Pay sends for o: a mini-program pay with the
// order in extraParams.ORDER, the merchant's NotifyURL, and an agreement
// or cashier payment factor.
func (m *Merchant) PayRequest(o Order) (wire.PayRequest, error) {
	order, err := json.Marshal(map[string]any{
		"referenceOrderId": o.RequestID,
		"orderDescription": o.Title,
		"orderAmount":      &o.Amount,
	})
	if err != nil {
		return wire.PayRequest{}, err
	}
	req := wire.PayRequest{
		PartnerID: m.PartnerID, PaymentRequestID: o.RequestID, PaymentOrderTitle: o.Title,
		PaymentAmount: &o.Amount, PaymentNotifyURL: m.NotifyURL,
		PaymentReturnURL: o.ReturnURL, ExtraParams: map[string]string{"ORDER": string(order)},
		PaymentFactor: &wire.PaymentFactor{IsCashierPayment: true},
	}
	if o.AccessToken != "" {
		req.PaymentFactor = &wire.PaymentFactor{IsAgreementPay: true}
		req.PaymentAuthCode = o.AccessToken
	}
	req.PaymentFactor.IsAuthorizationPayment = o.Authorize
	return req, nil
}

// InquirePayment asks for a payment by the wallet's payment id.
func (m *Merchant) InquirePayment(ctx context.Context, paymentID string) (wire.InquiryPaymentResponse, error) {
	var resp wire.InquiryPaymentResponse
	_, err := m.Client.Call(ctx, wire.PathInquiryPayment, wire.PaymentQuery{PartnerID: m.PartnerID, PaymentID: paymentID}, &resp)
	return resp, err
}

// Cancel asks the wallet to close an unpaid payment or reverse a paid one.
func (m *Merchant) Cancel(ctx context.Context, paymentID string) (wire.CancelResponse, error) {
	var resp wire.CancelResponse
	_, err := m.Client.Call(ctx, wire.PathCancel, wire.PaymentQuery{PartnerID: m.PartnerID, PaymentID: paymentID}, &resp)
	return resp, err
}

// Refund asks for part or all of a paid payment back to the user;
// requestID is the refund's idempotency key.
func (m *Merchant) Refund(ctx context.Context, requestID, paymentID string, amount wire.Amount, reason string) (wire.RefundResponse, error) {
	var resp wire.RefundResponse
	_, err := m.Client.Call(ctx, wire.PathRefund, wire.RefundRequest{
		PartnerID: m.PartnerID, RefundRequestID: requestID, PaymentID: paymentID,
		RefundAmount: &amount, RefundReason: reason,
	}, &resp)
	return resp, err
}

// Capture takes amount from an authorization payment's hold; requestID
// is the capture's idempotency key, and last (isLastCapture) gives what
// the hold has left back to the user once it succeeds.
func (m *Merchant) Capture(ctx context.Context, requestID, paymentID string, amount wire.Amount, last bool) (wire.CaptureResponse, error) {
	return m.Client.Capture(ctx, wire.CaptureRequest{
		PartnerID: m.PartnerID, CaptureRequestID: requestID, PaymentID: paymentID,
		CaptureAmount: &amount, IsLastCapture: last,
	})
}

// InquireRefund asks for a refund by the merchant's refund request id.
func (m *Merchant) InquireRefund(ctx context.Context, refundRequestID string) (wire.InquiryRefundResponse, error) {
	var resp wire.InquiryRefundResponse
	_, err := m.Client.Call(ctx, wire.PathInquiryRefund, wire.RefundQuery{PartnerID: m.PartnerID, RefundRequestID: refundRequestID}, &resp)
	return resp, err
}

// Describe renders a result as one line: "S SUCCESS (success)".
func Describe(r wire.Result) string {
	return fmt.Sprintf("%s %s (%s)", r.ResultStatus, r.ResultCode, r.ResultMessage)
}
