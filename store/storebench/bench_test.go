package storebench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

// callLog is a store that logs the calls of a lifecycle: which method, and
// for a Commit the shape of its Change.
type callLog struct {
	store.Store
	calls []string
}

func (l *callLog) GetPayment(ctx context.Context, id string) (store.Snapshot, error) {
	l.calls = append(l.calls, "GetPayment")
	return l.Store.GetPayment(ctx, id)
}

func (l *callLog) GetPaymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	l.calls = append(l.calls, "GetPaymentByRequest")
	return l.Store.GetPaymentByRequest(ctx, partnerID, requestID)
}

func (l *callLog) LoadPayment(ctx context.Context, id, refundID string) (store.Snapshot, error) {
	l.calls = append(l.calls, "LoadPayment")
	return l.Store.LoadPayment(ctx, id, refundID)
}

func (l *callLog) LoadPaymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	l.calls = append(l.calls, "LoadPaymentByRequest")
	return l.Store.LoadPaymentByRequest(ctx, partnerID, requestID)
}

func (l *callLog) GetRefund(ctx context.Context, id string) (store.Refund, error) {
	l.calls = append(l.calls, "GetRefund")
	return l.Store.GetRefund(ctx, id)
}

func (l *callLog) GetRefundByRequest(ctx context.Context, partnerID, requestID string) (store.Refund, error) {
	l.calls = append(l.calls, "GetRefundByRequest")
	return l.Store.GetRefundByRequest(ctx, partnerID, requestID)
}

func (l *callLog) GetCaptureByRequest(ctx context.Context, partnerID, requestID string) (store.Capture, error) {
	l.calls = append(l.calls, "GetCaptureByRequest")
	return l.Store.GetCaptureByRequest(ctx, partnerID, requestID)
}

func (l *callLog) History(ctx context.Context, id string) ([]store.Event, error) {
	l.calls = append(l.calls, "History")
	return l.Store.History(ctx, id)
}

func (l *callLog) Commit(ctx context.Context, c store.Change) error {
	var events []string
	for _, e := range c.Events {
		events = append(events, e.Name)
	}
	l.calls = append(l.calls, fmt.Sprintf("Commit(version %d over %d, %d new refunds, %d updated, %d new captures, %d updated, events %s, %d messages)",
		c.Payment.Version, c.ExpectedVersion, len(c.NewRefunds), len(c.UpdatedRefunds), len(c.NewCaptures), len(c.UpdatedCaptures),
		strings.Join(events, ","), len(c.Outbox)))
	return l.Store.Commit(ctx, c)
}

// TestBareLifecycleCalls checks that the "store" baseline of Run makes
// the calls the engine makes, in the same order, with Changes of the same
// shape, for both kinds of lifecycle (see Authorization).
func TestBareLifecycleCalls(t *testing.T) {
	ctx := context.Background()
	for _, i := range []int64{1, 4} {
		bare := &callLog{Store: memstore.New()}
		if err := bareLifecycle(ctx, bare, i, benchNow); err != nil {
			t.Fatal(err)
		}
		eng := &callLog{Store: memstore.New()}
		if err := engineLifecycle(nil, eng, func() time.Time { return benchNow })(ctx, i, benchNow); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(bare.calls, eng.calls) {
			t.Errorf("lifecycle %d (authorization %v): the baseline's store calls differ from the engine's:\nbaseline:\n\t%s\nengine:\n\t%s",
				i, Authorization(i), strings.Join(bare.calls, "\n\t"), strings.Join(eng.calls, "\n\t"))
		}
	}
}

// TestBareLifecycleStores checks that the "store" baseline writes what the
// engine writes.
func TestBareLifecycleStores(t *testing.T) {
	s := memstore.New()
	CheckLifecycle(t, s, func(ctx context.Context, i int64, now time.Time) error { return bareLifecycle(ctx, s, i, now) },
		func(i int64) string { return fmt.Sprintf("b%d", i) })
}
