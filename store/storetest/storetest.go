package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

// Run runs the conformance suite against the backend newStore creates.
// Every subtest gets its own store from newStore (see the package comment).
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	groups := []struct {
		name  string
		tests []test
	}{
		{"Load", loadTests},
		{"Keys", keyTests},
		{"Versions", versionTests},
		{"Atomicity", atomicityTests},
		{"Shape", shapeTests},
		{"Malformed", malformedTests},
		{"Concurrency", concurrencyTests},
		{"Counters", counterTests},
		{"Outbox", outboxTests},
		{"Parked", parkedTests},
		{"Backlog", backlogTests},
		{"Due", dueTests},
		{"Captures", captureTests},
		{"History", historyTests},
		{"Context", contextTests},
		{"Values", valueTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					s := newStore(t)
					require.NotNil(t, s, "newStore returned nil")
					tc.fn(t, &harness{t: t, s: s, ctx: context.Background()})
				})
			}
		})
	}
}

// test is one subtest of the suite.
type test struct {
	name string
	fn   func(t *testing.T, h *harness)
}

// harness wraps the store of one subtest with helpers that fail the test
// on unexpected errors and normalise what they return.
type harness struct {
	t   *testing.T
	s   store.Store
	ctx context.Context
}

// commit applies c and requires success.
func (h *harness) commit(c store.Change) {
	h.t.Helper()
	require.NoError(h.t, h.s.Commit(h.ctx, c), "commit of payment %s at version %d", c.Payment.ID, c.Payment.Version)
}

// create commits p as a new payment with one "create" event and returns it.
func (h *harness) create(p store.Payment) store.Payment {
	h.t.Helper()
	h.commit(store.Change{Payment: p, Events: []store.Event{event(p, "create", "", p.Status)}})
	return p
}

// snapshot loads a payment by id, normalised.
func (h *harness) snapshot(paymentID string) store.Snapshot {
	h.t.Helper()
	snap, err := h.s.GetPayment(h.ctx, paymentID)
	require.NoError(h.t, err, "GetPayment(%q)", paymentID)
	return norm(snap)
}

// history loads a payment's events, normalised.
func (h *harness) history(paymentID string) []store.Event {
	h.t.Helper()
	events, err := h.s.History(h.ctx, paymentID)
	require.NoError(h.t, err, "History(%q)", paymentID)
	return norm(events)
}

// outbox loads a payment's messages, normalised.
func (h *harness) outbox(paymentID string) []store.OutboxMessage {
	h.t.Helper()
	msgs, err := h.s.Outbox(h.ctx, paymentID)
	require.NoError(h.t, err, "Outbox(%q)", paymentID)
	return norm(msgs)
}

// message returns one stored message of a payment, normalised.
func (h *harness) message(paymentID, messageID string) store.OutboxMessage {
	h.t.Helper()
	for _, m := range h.outbox(paymentID) {
		if m.ID == messageID {
			return m
		}
	}
	require.Failf(h.t, "message missing", "payment %s has no outbox message %s", paymentID, messageID)
	return store.OutboxMessage{}
}

// claim calls ClaimOutbox and requires success.
func (h *harness) claim(owner string, now time.Time, lease time.Duration, limit int, skipPartners ...string) []store.OutboxMessage {
	h.t.Helper()
	msgs, err := h.s.ClaimOutbox(h.ctx, owner, now, lease, limit, skipPartners...)
	require.NoError(h.t, err, "ClaimOutbox(%q, %s, %s, %d, skip %q)", owner, now.Format(time.RFC3339Nano), lease, limit, skipPartners)
	return norm(msgs)
}

// parked calls ParkedOutbox and requires success.
func (h *harness) parked(after string, limit int) []store.OutboxMessage {
	h.t.Helper()
	msgs, err := h.s.ParkedOutbox(h.ctx, after, limit)
	require.NoError(h.t, err, "ParkedOutbox(%q, %d)", after, limit)
	return norm(msgs)
}

// resend calls ResendOutbox and requires success.
func (h *harness) resend(messageID string, now time.Time) store.OutboxMessage {
	h.t.Helper()
	m, err := h.s.ResendOutbox(h.ctx, messageID, now)
	require.NoError(h.t, err, "ResendOutbox(%q, %s)", messageID, now.Format(time.RFC3339Nano))
	return norm(m)
}

// record calls RecordDelivery and requires success.
func (h *harness) record(d store.Delivery) {
	h.t.Helper()
	require.NoError(h.t, h.s.RecordDelivery(h.ctx, d), "RecordDelivery(%s by %q)", d.MessageID, d.Owner)
}

// paymentState is everything the store keeps about one payment.
type paymentState struct {
	Snapshot store.Snapshot
	History  []store.Event
	Outbox   []store.OutboxMessage
}

// state captures everything the store keeps about one payment, normalised.
func (h *harness) state(paymentID string) paymentState {
	h.t.Helper()
	return paymentState{Snapshot: h.snapshot(paymentID), History: h.history(paymentID), Outbox: h.outbox(paymentID)}
}

// requireNoPayment checks that nothing at all is stored under a payment id
// and request key.
func (h *harness) requireNoPayment(paymentID, partnerID, requestID string) {
	h.t.Helper()
	_, err := h.s.GetPayment(h.ctx, paymentID)
	require.ErrorIs(h.t, err, store.ErrNotFound, "payment %s", paymentID)
	_, err = h.s.GetPaymentByRequest(h.ctx, partnerID, requestID)
	require.ErrorIs(h.t, err, store.ErrNotFound, "payment request %s/%s", partnerID, requestID)
	require.Empty(h.t, h.history(paymentID), "history of payment %s", paymentID)
	require.Empty(h.t, h.outbox(paymentID), "outbox of payment %s", paymentID)
}

// requireNoRefund checks that neither the refund id nor its request key is
// stored.
func (h *harness) requireNoRefund(r store.Refund) {
	h.t.Helper()
	_, err := h.s.GetRefund(h.ctx, r.ID)
	require.ErrorIs(h.t, err, store.ErrNotFound, "refund %s", r.ID)
	_, err = h.s.GetRefundByRequest(h.ctx, r.PartnerID, r.RequestID)
	require.ErrorIs(h.t, err, store.ErrNotFound, "refund request %s/%s", r.PartnerID, r.RequestID)
}

// Fixtures. Every time the suite writes has microsecond precision (and t0
// has a non-zero microsecond part), so a backend that keeps microseconds
// returns exactly what was written and one that keeps less fails.

var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)

// newPayment returns a cashier payment waiting for the user, version 1.
func newPayment(id, partner, request string) store.Payment {
	return store.Payment{
		ID:          id,
		PartnerID:   partner,
		RequestID:   request,
		Fingerprint: "fp-" + id,
		Scenario:    "CASHIER",
		Status:      "ACCEPT",
		Currency:    "USD",
		Amount:      10_000,
		OrderTitle:  "order " + id,
		OrderData:   []byte(`{"items":[1,2]}`),
		NotifyURL:   "https://merchant.example/notify",
		ReturnURL:   "https://merchant.example/return",
		CreatedAt:   t0,
		UpdatedAt:   t0,
		ExpiresAt:   t0.Add(14 * time.Minute),
		Version:     1,
	}
}

// paid returns p as a paid payment.
func paid(p store.Payment) store.Payment {
	p.Status = "SUCCESS"
	p.UserID = "user-" + p.ID
	p.PaidAt = t0.Add(time.Minute)
	return p
}

// next returns p one version later, ready for an update commit.
func next(p store.Payment) store.Payment {
	p.Version++
	p.UpdatedAt = p.UpdatedAt.Add(time.Second)
	return p
}

// newRefund returns an in-flight refund of p.
func newRefund(id string, p store.Payment, request string, amount int64) store.Refund {
	return store.Refund{
		ID:          id,
		PaymentID:   p.ID,
		PartnerID:   p.PartnerID,
		RequestID:   request,
		Fingerprint: "fp-" + id,
		Currency:    p.Currency,
		Amount:      amount,
		Reason:      "returned goods",
		Status:      "INIT",
		CreatedAt:   t0,
		UpdatedAt:   t0,
		NextCheckAt: t0.Add(time.Minute),
	}
}

// newMessage returns an undelivered, unleased payment_result message of p,
// due at due. Every message has the same CreatedAt, so only the store's
// own record of insertion order can give creation order.
func newMessage(id string, p store.Payment, due time.Time) store.OutboxMessage {
	return store.OutboxMessage{
		ID:               id,
		PaymentID:        p.ID,
		PartnerID:        p.PartnerID,
		RequestID:        p.RequestID,
		Kind:             "payment_result",
		NotifyURL:        p.NotifyURL,
		Status:           "SUCCESS",
		Currency:         p.Currency,
		Amount:           p.Amount,
		PaymentCreatedAt: p.CreatedAt,
		PaymentTime:      t0.Add(time.Minute),
		CreatedAt:        t0,
		NextAttemptAt:    due,
	}
}

// event returns an event for the commit that produces p.
func event(p store.Payment, name, from, to string) store.Event {
	return store.Event{PaymentID: p.ID, Seq: p.Version, At: p.UpdatedAt, Name: name, From: from, To: to}
}

// fullPayment returns a payment with every field set to a non-zero value.
func fullPayment(id, partner, request string) store.Payment {
	return store.Payment{
		ID:              id,
		PartnerID:       partner,
		RequestID:       request,
		Fingerprint:     "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Scenario:        "AGREEMENT",
		Status:          "SUCCESS",
		Currency:        "JPY",
		Amount:          123_456,
		RefundedAmount:  1_000,
		HeldAmount:      2_345,
		RefundCount:     7,
		UserID:          "user-42",
		OrderTitle:      "Order #42",
		OrderData:       []byte(`{"goods":[{"id":"g1","qty":2}],"env":{"terminal":"APP"}}`),
		NotifyURL:       "https://merchant.example/notify?shop=42",
		ReturnURL:       "https://merchant.example/return?order=42",
		ExtendInfo:      `{"customerBelongsTo":"siteNameExample"}`,
		FailReason:      "RISK_REJECT",
		FailMessage:     "risk engine said no",
		CreatedAt:       t0,
		UpdatedAt:       t0.Add(5*time.Second + 7*time.Microsecond),
		PaidAt:          t0.Add(2*time.Second + 1*time.Microsecond),
		ClosedAt:        t0.Add(3 * time.Second),
		ExpiresAt:       t0.Add(3 * time.Minute),
		PendingOp:       "reversal",
		OpID:            id + "-op-2",
		NextCheckAt:     t0.Add(time.Minute + 999_999*time.Microsecond),
		CheckAttempts:   3,
		OpCount:         2,
		CancelledAt:     t0.Add(4 * time.Second),
		UsageDay:        "2026-12-06",
		Authorization:   true,
		HoldID:          id + "-op-1",
		AuthorizedAt:    t0.Add(1*time.Second + 5*time.Microsecond),
		AuthExpiresAt:   t0.Add(7 * 24 * time.Hour),
		CapturedAmount:  100_000,
		CapturingAmount: 3_000,
		CaptureCount:    3,
		LastCaptureID:   id + "-capture-3",
		AutoCapture:     true,
		NotifyCaptures:  true,
		Version:         1,
	}
}

// fullRefund returns a refund of p with every field set.
func fullRefund(id string, p store.Payment, request string) store.Refund {
	return store.Refund{
		ID:            id,
		PaymentID:     p.ID,
		PartnerID:     p.PartnerID,
		RequestID:     request,
		Fingerprint:   "fp-" + id,
		Currency:      p.Currency,
		Amount:        777,
		Reason:        "damaged in transit",
		Status:        "FAIL",
		FailReason:    "USER_NOT_EXIST",
		FailMessage:   "no such user",
		CreatedAt:     t0.Add(10 * time.Second),
		UpdatedAt:     t0.Add(11 * time.Second),
		FinishedAt:    t0.Add(12*time.Second + 3*time.Microsecond),
		NextCheckAt:   t0.Add(13 * time.Second),
		CheckAttempts: 2,
		NotifyURL:     "https://merchant.example/refunds?shop=42",
		ExtendInfo:    `{"customerBelongsTo":"siteNameExample","note":"ünïcode"}`,
	}
}

// fullEvent returns an event of p with every field set.
func fullEvent(p store.Payment, refundID string) store.Event {
	return store.Event{
		PaymentID: p.ID, RefundID: refundID, Seq: p.Version, At: p.UpdatedAt,
		Name: "credit_declined", From: "INIT", To: "FAIL", Detail: "USER_NOT_EXIST: no such user",
	}
}

// fullMessage returns a message of p with every field set.
func fullMessage(id string, p store.Payment) store.OutboxMessage {
	return store.OutboxMessage{
		ID:               id,
		PaymentID:        p.ID,
		PartnerID:        p.PartnerID,
		RequestID:        p.RequestID,
		Kind:             "refund_result",
		NotifyURL:        p.NotifyURL,
		Status:           "FAIL",
		FailReason:       "USER_NOT_EXIST",
		FailMsg:          "no such user",
		Currency:         p.Currency,
		Amount:           p.Amount,
		PaymentCreatedAt: p.CreatedAt,
		PaymentTime:      t0.Add(3 * time.Second),
		CreatedAt:        t0.Add(3 * time.Second),
		NextAttemptAt:    t0.Add(2 * time.Minute),
		Attempts:         4,
		LeaseOwner:       "dispatcher-7",
		LeaseUntil:       t0.Add(2*time.Minute + 30*time.Second),
		DeliveredAt:      t0.Add(2*time.Minute + 1*time.Microsecond),
		Parked:           true,
		LastError:        "merchant answered F",
		ExtendInfo:       `{"customerBelongsTo":"siteNameExample"}`,
		RefundID:         id + "-refund",
		RefundRequestID:  "refund-request-" + id,
		CaptureID:        id + "-capture",
		CaptureRequestID: "capture-request-" + id,
	}
}

// fullCapture returns a capture of p with every field set.
func fullCapture(id string, p store.Payment, request string) store.Capture {
	return store.Capture{
		ID:            id,
		PaymentID:     p.ID,
		PartnerID:     p.PartnerID,
		RequestID:     request,
		Fingerprint:   "fp-" + id,
		Currency:      p.Currency,
		Amount:        3_000,
		Last:          true,
		Status:        "FAIL",
		Notify:        true,
		ExtendInfo:    `{"note":"ünïcode"}`,
		FailReason:    "AUTH_EXPIRED",
		FailMessage:   "the authorization expired",
		CreatedAt:     t0.Add(20 * time.Second),
		UpdatedAt:     t0.Add(21 * time.Second),
		FinishedAt:    t0.Add(22*time.Second + 9*time.Microsecond),
		NextCheckAt:   t0.Add(23 * time.Second),
		CheckAttempts: 5,
	}
}

// newCapture returns an in-flight capture of p.
func newCapture(id string, p store.Payment, request string, amount int64) store.Capture {
	return store.Capture{
		ID:          id,
		PaymentID:   p.ID,
		PartnerID:   p.PartnerID,
		RequestID:   request,
		Fingerprint: "fp-" + id,
		Currency:    p.Currency,
		Amount:      amount,
		Status:      "INIT",
		CreatedAt:   t0,
		UpdatedAt:   t0,
		NextCheckAt: t0.Add(time.Minute),
	}
}

// authorized returns p as an authorization awaiting capture.
func authorized(p store.Payment) store.Payment {
	p.Status = "AUTHORIZED"
	p.Authorization = true
	p.UserID = "user-" + p.ID
	p.HoldID = p.ID + "-op-1"
	p.OpCount = 1
	p.AuthorizedAt = t0.Add(time.Minute)
	p.AuthExpiresAt = t0.Add(7 * 24 * time.Hour)
	return p
}

// requireAllSet fails when a field of the record v is zero: it keeps the
// full* fixtures complete when a record gains a field.
func requireAllSet(t *testing.T, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		require.Falsef(t, rv.Field(i).IsZero(), "fixture %s leaves field %s zero: storetest must set every field",
			rv.Type().Name(), rv.Type().Field(i).Name)
	}
}

// Normalisation.

var timeType = reflect.TypeFor[time.Time]()

// norm returns a deep copy of v in which every time.Time is in UTC and
// truncated to the microsecond (the monotonic reading dropped), and every
// empty slice is nil. Records written and read back compare equal after
// norm exactly when the backend kept them as the contract says.
func norm[T any](v T) T {
	return normValue(reflect.ValueOf(&v).Elem()).Interface().(T)
}

func normValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			return reflect.ValueOf(v.Interface().(time.Time).UTC().Truncate(time.Microsecond))
		}
		out := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(normValue(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(normValue(v.Index(i)))
		}
		return out
	default:
		return v
	}
}

// Small helpers.

func messageIDs(msgs []store.OutboxMessage) []string {
	ids := make([]string, 0, len(msgs))
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	return ids
}

func refundIDs(refunds []store.Refund) []string {
	ids := make([]string, 0, len(refunds))
	for _, r := range refunds {
		ids = append(ids, r.ID)
	}
	return ids
}

func eventNames(events []store.Event) []string {
	names := make([]string, 0, len(events))
	for _, e := range events {
		names = append(names, e.Name)
	}
	return names
}

// withoutLease returns m with its lease fields cleared, for comparing a
// claimed copy with what was written.
func withoutLease(m store.OutboxMessage) store.OutboxMessage {
	m.LeaseOwner, m.LeaseUntil = "", time.Time{}
	return m
}

// Parallel runs fn(0), ..., fn(n-1) in n goroutines released at the same
// moment, so that they race as hard as they can, and returns when all of
// them have. fn must not call t.FailNow (require): keep what it gets and
// check it afterwards.
func Parallel(n int, fn func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			fn(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// errorList collects unexpected errors from goroutines.
type errorList struct {
	mu   sync.Mutex
	errs []error
}

func (l *errorList) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, fmt.Errorf(format, args...))
}

func (l *errorList) require(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errs) > 0 {
		msg := ""
		for i, err := range l.errs {
			if i == 10 {
				msg += fmt.Sprintf("... and %d more\n", len(l.errs)-10)
				break
			}
			msg += err.Error() + "\n"
		}
		require.Failf(t, "unexpected errors in goroutines", "%d errors:\n%s", len(l.errs), msg)
	}
}

// rounds returns full, or short under -short.
func rounds(full, short int) int {
	if testing.Short() {
		return short
	}
	return full
}
