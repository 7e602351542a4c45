package alipayplus

import (
	"encoding/json"
	"fmt"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// NotifyPaymentBody returns the notifyPayment body announcing n. It depends
// on n alone (times are n's, written in UTC), so every attempt of a
// notification sends the same bytes. paymentStatus is SUCCESS or FAIL
// (expiry included); for FAIL, paymentFailReason is n.FailMessage, else the
// default text of n.FailReason's result code, else "Payment failed.", at
// most 256 characters. A notification in any other state is an error.
func NotifyPaymentBody(n engine.Notification) ([]byte, error) {
	body := wire.NotifyPaymentRequest{
		PartnerID:         n.PartnerID,
		PaymentID:         n.PaymentID,
		PaymentRequestID:  n.RequestID,
		PaymentAmount:     *amountOf(n.Amount),
		PaymentCreateTime: wireTime(n.PaymentCreatedAt.UTC()),
	}
	switch n.State {
	case engine.PaymentSuccess:
		body.PaymentStatus = wire.PaymentStatusSuccess
		body.PaymentTime = wireTime(n.At.UTC())
	case engine.PaymentFail:
		body.PaymentStatus = wire.PaymentStatusFail
		body.PaymentFailReason = failReasonText(n.FailReason, n.FailMessage)
		if body.PaymentFailReason == "" {
			body.PaymentFailReason = "Payment failed."
		}
	default:
		return nil, fmt.Errorf("alipayplus: notification %s announces state %s, want SUCCESS or FAIL", n.ID, n.State)
	}
	return json.Marshal(body)
}
