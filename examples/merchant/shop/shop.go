// Package shop is a merchant's side of a wallet's Alipay+ OpenAPI
// (mini-program v1 profile): it signs and sends pay, inquiryPayment,
// refund, inquiryRefund and cancel through alipayplus.Client, and receives
// the wallet's notifyPayment callbacks, verifying their signatures.
// examples/merchant is its command line; examples/demo drives it.
package shop

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/engine"
)

// Merchant calls one wallet as one partner.
type Merchant struct {
	Client    *alipayplus.Client // signs requests and verifies answers
	PartnerID string
	// NotifyURL, when set, is sent as paymentNotifyUrl with every pay.
	NotifyURL string
}

// Paths of the wallet endpoints.
const (
	PathPay            = "/v1/payments/pay"
	PathInquiryPayment = "/v1/payments/inquiryPayment"
	PathCancel         = "/v1/payments/cancel"
	PathRefund         = "/v1/payments/refund"
	PathInquiryRefund  = "/v1/payments/inquiryRefund"
)

// Order is what the merchant sells in one payment.
type Order struct {
	RequestID string       // paymentRequestId: the merchant's idempotency key
	Title     string       // paymentOrderTitle, shown on the cashier page
	Amount    engine.Money // in minor units
	ReturnURL string       // where the cashier sends the user afterwards ("" for none)
	// AccessToken, when set, makes it an agreement payment debited at once
	// (the user authorised the merchant before); otherwise it is a cashier
	// payment the user confirms on the wallet's page.
	AccessToken string
}

// Pay asks the wallet for a payment. The error is non-nil only when the
// outcome is unknown (no verified answer); read the answer's Result.
func (m *Merchant) Pay(ctx context.Context, o Order) (alipayplus.PayResponse, error) {
	order, err := json.Marshal(map[string]any{
		"referenceOrderId": o.RequestID,
		"orderDescription": o.Title,
		"orderAmount":      alipayplus.AmountOf(o.Amount),
	})
	if err != nil {
		return alipayplus.PayResponse{}, err
	}
	req := alipayplus.PayRequest{
		PartnerID: m.PartnerID, PaymentRequestID: o.RequestID, PaymentOrderTitle: o.Title,
		PaymentAmount: alipayplus.AmountOf(o.Amount), PaymentNotifyURL: m.NotifyURL,
		PaymentReturnURL: o.ReturnURL, ExtraParams: map[string]string{"ORDER": string(order)},
		PaymentFactor: &alipayplus.PaymentFactor{IsCashierPayment: true},
	}
	if o.AccessToken != "" {
		req.PaymentFactor = &alipayplus.PaymentFactor{IsAgreementPay: true}
		req.PaymentAuthCode = o.AccessToken
	}
	var resp alipayplus.PayResponse
	_, err = m.Client.Call(ctx, PathPay, req, &resp)
	return resp, err
}

// InquirePayment asks for a payment by the wallet's payment id.
func (m *Merchant) InquirePayment(ctx context.Context, paymentID string) (alipayplus.InquiryPaymentResponse, error) {
	var resp alipayplus.InquiryPaymentResponse
	_, err := m.Client.Call(ctx, PathInquiryPayment, alipayplus.PaymentQuery{PartnerID: m.PartnerID, PaymentID: paymentID}, &resp)
	return resp, err
}

// Cancel asks the wallet to close an unpaid payment or reverse a paid one.
func (m *Merchant) Cancel(ctx context.Context, paymentID string) (alipayplus.CancelResponse, error) {
	var resp alipayplus.CancelResponse
	_, err := m.Client.Call(ctx, PathCancel, alipayplus.PaymentQuery{PartnerID: m.PartnerID, PaymentID: paymentID}, &resp)
	return resp, err
}

// Refund asks for part or all of a paid payment back to the user;
// requestID is the refund's idempotency key.
func (m *Merchant) Refund(ctx context.Context, requestID, paymentID string, amount engine.Money, reason string) (alipayplus.RefundResponse, error) {
	var resp alipayplus.RefundResponse
	_, err := m.Client.Call(ctx, PathRefund, alipayplus.RefundRequest{
		PartnerID: m.PartnerID, RefundRequestID: requestID, PaymentID: paymentID,
		RefundAmount: alipayplus.AmountOf(amount), RefundReason: reason,
	}, &resp)
	return resp, err
}

// InquireRefund asks for a refund by the merchant's refund request id.
func (m *Merchant) InquireRefund(ctx context.Context, refundRequestID string) (alipayplus.InquiryRefundResponse, error) {
	var resp alipayplus.InquiryRefundResponse
	_, err := m.Client.Call(ctx, PathInquiryRefund, alipayplus.RefundQuery{PartnerID: m.PartnerID, RefundRequestID: refundRequestID}, &resp)
	return resp, err
}

// Describe renders a result as one line: "S SUCCESS (success)".
func Describe(r alipayplus.Result) string {
	return fmt.Sprintf("%s %s (%s)", r.ResultStatus, r.ResultCode, r.ResultMessage)
}
