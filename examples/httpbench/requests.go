package main

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/examples/merchant/shop"
)

// signed is a request signed before the timed part, sent once within the
// wallet's Request-Time skew window.
type signed struct {
	path   string
	body   []byte
	header http.Header // Content-Type, Client-Id, Request-Time, Signature
}

// sign signs each body for path as m's client does, now.
func sign(m *shop.Merchant, path string, bodies [][]byte) ([]signed, error) {
	out := make([]signed, len(bodies))
	for i, body := range bodies {
		r, err := http.NewRequest(http.MethodPost, m.Client.BaseURL+path, nil)
		if err != nil {
			return nil, err
		}
		r.Header.Set("Content-Type", "application/json; charset=UTF-8")
		if err := m.Client.SignRequest(r, body); err != nil {
			return nil, err
		}
		out[i] = signed{path: path, body: body, header: r.Header}
	}
	return out, nil
}

// payBodies are n agreement pays of amount minor units of USD, the
// merchant's NotifyURL told, with request ids prefix-1 ... prefix-n.
func payBodies(m *shop.Merchant, prefix, accessToken string, n int, amount int64) ([][]byte, error) {
	out := make([][]byte, n)
	for i := range out {
		req, err := m.PayRequest(shop.Order{RequestID: fmt.Sprintf("%s-%d", prefix, i+1), Title: "bench coffee",
			Amount: wire.Amount{Currency: "USD", Value: fmt.Sprint(amount)}, AccessToken: accessToken})
		if err != nil {
			return nil, err
		}
		if out[i], err = json.Marshal(req); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// refundBodies are full refunds of amount minor units of USD of each
// payment, with request ids prefix-1 ... prefix-n.
func refundBodies(m *shop.Merchant, prefix string, paymentIDs []string, amount int64) ([][]byte, error) {
	out := make([][]byte, len(paymentIDs))
	for i, id := range paymentIDs {
		var err error
		out[i], err = json.Marshal(wire.RefundRequest{PartnerID: m.PartnerID, RefundRequestID: fmt.Sprintf("%s-%d", prefix, i+1),
			PaymentID: id, RefundAmount: &wire.Amount{Currency: "USD", Value: fmt.Sprint(amount)}, RefundReason: "bench"})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// inquiryBodies are inquiryPayment bodies, one per payment id.
func inquiryBodies(m *shop.Merchant, paymentIDs []string) ([][]byte, error) {
	out := make([][]byte, len(paymentIDs))
	for i, id := range paymentIDs {
		var err error
		if out[i], err = json.Marshal(wire.PaymentQuery{PartnerID: m.PartnerID, PaymentID: id}); err != nil {
			return nil, err
		}
	}
	return out, nil
}
