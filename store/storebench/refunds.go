package storebench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
)

// RefundHistory measures what one more refund costs a payment that already
// has many: each operation is a refund of 0.01 USD and an inquiry of the
// payment, through an engine over s, on a payment with no earlier refund
// ("earlier=0") and on one with `earlier` of them, in interleaved rounds
// (InterleaveCases), the µs of one operation summarized with its ratio to
// earlier=0. The payments are made once per s, off the clock; a ratio near
// 1 says a refund's cost does not grow with the payment's history.
func RefundHistory(b *testing.B, rounds, earlier int, s store.Store) {
	ledger := memfunds.New()
	ledger.SetBalance("alice", "USD", 1<<60)
	eng, err := engine.New(s, ledger, engine.Config{MaxRefunds: 1 << 30, ConflictRetries: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	stamp := time.Now().UnixNano()
	payments := map[string]string{}
	for _, n := range []int{0, earlier} {
		id, err := paidWithRefunds(ctx, eng, fmt.Sprintf("history-%d-%d", stamp, n), n)
		if err != nil {
			b.Fatal(err)
		}
		payments[fmt.Sprintf("earlier=%d", n)] = id
	}
	next := 0
	InterleaveCases(b, rounds, "µs/op", []string{"earlier=0", fmt.Sprintf("earlier=%d", earlier)}, nil,
		func(b *testing.B, _ int, name string) float64 {
			id := payments[name]
			start := time.Now()
			for b.Loop() {
				next++
				if err := refundAndInquire(ctx, eng, id, fmt.Sprintf("more-%d-%d", stamp, next)); err != nil {
					b.Fatal(err)
				}
			}
			return float64(time.Since(start).Microseconds()) / float64(max(b.N, 1))
		})
}

// paidWithRefunds creates a paid payment of 10,000,000.00 USD with n
// refunds of 0.01 and returns its id.
func paidWithRefunds(ctx context.Context, eng *engine.Engine, requestID string, n int) (string, error) {
	p, err := eng.Pay(ctx, engine.PayRequest{
		PartnerID: "shop", RequestID: requestID, Scenario: engine.ScenarioCashier,
		Amount: engine.Money{Currency: "USD", Minor: 1_000_000_000}, OrderTitle: "Season ticket",
	})
	if err != nil {
		return "", err
	}
	if p, err = eng.Confirm(ctx, p.ID, "alice"); err != nil || p.State != engine.PaymentSuccess {
		return "", fmt.Errorf("confirm: %v %v", p.State, err)
	}
	for i := range n {
		if err := refundAndInquire(ctx, eng, p.ID, fmt.Sprintf("%s-r%d", requestID, i)); err != nil {
			return "", err
		}
	}
	return p.ID, nil
}

// refundAndInquire refunds 0.01 USD of payment id and inquires it.
func refundAndInquire(ctx context.Context, eng *engine.Engine, id, refundRequestID string) error {
	r, err := eng.Refund(ctx, engine.RefundRequest{
		PartnerID: "shop", RequestID: refundRequestID, PaymentID: id, Amount: engine.Money{Currency: "USD", Minor: 1},
	})
	if err != nil || r.State != engine.RefundSuccess {
		return fmt.Errorf("refund %s: %v %v", refundRequestID, r.State, err)
	}
	if _, err := eng.InquirePayment(ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: id}); err != nil {
		return fmt.Errorf("inquiry: %w", err)
	}
	return nil
}
