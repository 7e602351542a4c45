package alipayplus

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// flowStep is one request and its answer in a conversation golden.
type flowStep struct {
	Step    string          `json:"step"`
	Path    string          `json:"path"`
	Request json.RawMessage `json:"request"`
	Answer  json.RawMessage `json:"answer"`
}

// flowRecorder sends requests through the fixture and keeps every
// exchange for the golden file.
type flowRecorder struct {
	t       *testing.T
	f       *epFixture
	partner string
	prefix  string // "" or antomPrefix
	steps   []flowStep
}

func (r *flowRecorder) send(step, path string, req any) []byte {
	r.t.Helper()
	body := mustJSON(r.t, req, nil)
	answer, _ := r.f.send(r.t, r.partner, r.prefix+path, body)
	r.steps = append(r.steps, flowStep{Step: step, Path: r.prefix + path, Request: body, Answer: answer})
	return answer
}

func (r *flowRecorder) golden(name string) {
	r.t.Helper()
	b, err := json.Marshal(r.steps)
	if err != nil {
		r.t.Fatal(err)
	}
	checkGolden(r.t, name, canonical(r.t, b, false))
}

// TestFlowGoldens walks one partner of each profile through the five
// endpoints (pay, inquire, the user pays, refund, inquire the refund,
// cancel, and a second payment cancelled and repeated) and keeps every
// request and answer as a golden file: the wire shapes to review.
func TestFlowGoldens(t *testing.T) {
	tests := []struct {
		profile, partner, prefix string
		pay                      func(requestID string) *wire.PayRequest
		query                    func(q wire.PaymentQuery) wire.PaymentQuery
		refund                   func(r wire.RefundRequest) wire.RefundRequest
		refundQuery              func(q wire.RefundQuery) wire.RefundQuery
	}{
		{
			profile: "miniprogram-v1", partner: miniPartner,
			pay:         func(id string) *wire.PayRequest { return miniCashierPay(miniPartner, id, "1050") },
			query:       func(q wire.PaymentQuery) wire.PaymentQuery { q.PartnerID = miniPartner; return q },
			refund:      func(r wire.RefundRequest) wire.RefundRequest { r.PartnerID = miniPartner; return r },
			refundQuery: func(q wire.RefundQuery) wire.RefundQuery { q.PartnerID = miniPartner; return q },
		},
		{
			profile: "v1-en", partner: enPartner,
			pay: func(id string) *wire.PayRequest {
				r := enPay(id)
				r.PaymentAmount = usd("1050")
				return r
			},
		},
		{
			profile: "antom", partner: antomPartner, prefix: antomPrefix,
			pay: func(id string) *wire.PayRequest {
				r := antomPay(id)
				r.PaymentAmount = usd("1050")
				return r
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			same := func(v any) any { return v }
			query, refundReq, refundQuery := same, same, same
			if tt.query != nil {
				query = func(v any) any { return tt.query(v.(wire.PaymentQuery)) }
				refundReq = func(v any) any { return tt.refund(v.(wire.RefundRequest)) }
				refundQuery = func(v any) any { return tt.refundQuery(v.(wire.RefundQuery)) }
			}
			f := newEPFixture(t, epOptions{})
			f.ledger.SetBalance("alice", "USD", 100_00)
			rec := &flowRecorder{t: t, f: f, partner: tt.partner, prefix: tt.prefix}

			var pay wire.PayResponse
			mustDecode(t, rec.send("pay", pathPay, tt.pay("order-1")), &pay)
			rec.send("inquiry while waiting for the user", pathInquiryPayment, query(wire.PaymentQuery{PaymentRequestID: "order-1"}))
			f.clock.Advance(time.Minute)
			if _, err := f.eng.Confirm(context.Background(), pay.PaymentID, "alice"); err != nil {
				t.Fatal(err)
			}
			rec.send("pay repeated after the user paid", pathPay, tt.pay("order-1"))
			rec.send("inquiry after payment", pathInquiryPayment, query(wire.PaymentQuery{PaymentID: pay.PaymentID}))
			f.clock.Advance(time.Hour)
			rec.send("partial refund", pathRefund, refundReq(wire.RefundRequest{RefundRequestID: "refund-1", PaymentID: pay.PaymentID, RefundAmount: usd("50"), RefundReason: "one item returned"}))
			rec.send("refund over the rest", pathRefund, refundReq(wire.RefundRequest{RefundRequestID: "refund-2", PaymentRequestID: "order-1", RefundAmount: usd("1001")}))
			rec.send("inquiry of the refund", pathInquiryRefund, refundQuery(wire.RefundQuery{RefundRequestID: "refund-1"}))
			rec.send("inquiry of the refused refund", pathInquiryRefund, refundQuery(wire.RefundQuery{RefundRequestID: "refund-2"}))
			rec.send("cancel a refunded payment", pathCancel, query(wire.PaymentQuery{PaymentID: pay.PaymentID}))

			rec.send("second pay", pathPay, tt.pay("order-2"))
			rec.send("cancel it", pathCancel, query(wire.PaymentQuery{PaymentRequestID: "order-2"}))
			rec.send("inquiry after cancel", pathInquiryPayment, query(wire.PaymentQuery{PaymentRequestID: "order-2"}))
			rec.send("pay repeated after cancel", pathPay, tt.pay("order-2"))
			rec.send("inquiry of nothing", pathInquiryPayment, query(wire.PaymentQuery{PaymentRequestID: "order-3"}))
			rec.golden("flow_" + tt.profile + ".json")
		})
	}
}

func mustDecode(t testing.TB, raw []byte, v any) {
	t.Helper()
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(v); err != nil {
		t.Fatal(err)
	}
}
