package storetest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var shapeTests = []test{
	{"MalformedChangeRefusedBeforeAnyWrite", testMalformedChangeRefused},
}

// shapeCase is a Change that breaks one rule of store.Change.Validate.
type shapeCase struct {
	name   string
	rule   store.ChangeRule
	change func() store.Change
}

// testMalformedChangeRefused: Commit refuses a Change that breaks a rule
// of store.Change.Validate with exactly the error Validate returns (a
// *store.ChangeError naming the rule, matching store.ErrInvalidChange, and
// store.ErrAlreadyExists only for a record given twice), before it looks at
// stored data, and writes nothing. Every rule is broken on a create and on
// an update, some together with a stored-data failure (stale version,
// taken id, missing payment) that the shape check must come before.
func testMalformedChangeRefused(t *testing.T, h *harness) {
	f := newAtomicityFixture(h)

	// create and update are valid changes; each case breaks one rule of
	// one of them.
	create := fullCreate
	update := func() store.Change {
		p3 := next(f.p2)
		p3.HeldAmount += 300
		r1 := f.r1
		r1.Status, r1.FinishedAt, r1.UpdatedAt = "FAIL", p3.UpdatedAt, p3.UpdatedAt
		return store.Change{
			Payment: p3, ExpectedVersion: f.p2.Version,
			NewRefunds:     []store.Refund{newRefund("ref-new", p3, "rreq-new", 300)},
			UpdatedRefunds: []store.Refund{r1},
			Events:         []store.Event{event(p3, "open_credit", "NEW", "INIT")},
			Outbox:         []store.OutboxMessage{newMessage("msg-new", p3, t0)},
		}
	}
	// with returns base changed by edit.
	with := func(base func() store.Change, edit func(c *store.Change)) func() store.Change {
		return func() store.Change {
			c := base()
			edit(&c)
			return c
		}
	}
	// owned sets the payment id of c and of everything c holds.
	owned := func(c *store.Change, paymentID string) {
		c.Payment.ID = paymentID
		for i := range c.NewRefunds {
			c.NewRefunds[i].PaymentID = paymentID
		}
		for i := range c.UpdatedRefunds {
			c.UpdatedRefunds[i].PaymentID = paymentID
		}
		for i := range c.Events {
			c.Events[i].PaymentID = paymentID
		}
		for i := range c.Outbox {
			c.Outbox[i].PaymentID = paymentID
		}
	}
	secondRefund := func(c *store.Change, id, request string) {
		c.NewRefunds = append(c.NewRefunds, newRefund(id, c.Payment, request, 1))
	}
	secondMessage := func(c *store.Change, id string) {
		c.Outbox = append(c.Outbox, newMessage(id, c.Payment, t0))
	}

	cases := []shapeCase{
		{"create without payment id", store.RuleEmptyPaymentID, with(create, func(c *store.Change) { owned(c, "") })},
		{"update without payment id", store.RuleEmptyPaymentID, with(update, func(c *store.Change) { owned(c, "") })},

		{"negative expected version", store.RuleNegativeExpectedVersion, with(update, func(c *store.Change) {
			c.ExpectedVersion, c.Payment.Version = -1, 0
		})},

		{"create at version 2", store.RuleCreatedVersion, with(create, func(c *store.Change) { c.Payment.Version = 2 })},
		{"create at version 0", store.RuleCreatedVersion, with(create, func(c *store.Change) { c.Payment.Version = 0 })},
		{"create at version 2 of a taken payment id", store.RuleCreatedVersion, with(create, func(c *store.Change) {
			owned(c, f.p2.ID)
			c.Payment.Version = 2
		})},

		{"update keeping the version", store.RuleUpdatedVersion, with(update, func(c *store.Change) { c.Payment.Version = c.ExpectedVersion })},
		{"update skipping a version", store.RuleUpdatedVersion, with(update, func(c *store.Change) { c.Payment.Version = c.ExpectedVersion + 2 })},
		{"update from a stale version skipping one", store.RuleUpdatedVersion, with(update, func(c *store.Change) {
			c.ExpectedVersion, c.Payment.Version = 1, 3
		})},

		{"create with a refund without id", store.RuleEmptyRefundID, with(create, func(c *store.Change) { c.NewRefunds[0].ID = "" })},
		{"update with a refund without id", store.RuleEmptyRefundID, with(update, func(c *store.Change) { secondRefund(c, "", "rreq-new-2") })},

		{"create with a refund of another payment", store.RuleForeignRefund, with(create, func(c *store.Change) {
			c.NewRefunds[0].PaymentID = f.q2.ID
		})},
		{"update with a new refund of another payment", store.RuleForeignRefund, with(update, func(c *store.Change) {
			c.NewRefunds[0].PaymentID = f.q2.ID
		})},
		{"update with an updated refund of another payment", store.RuleForeignRefund, with(update, func(c *store.Change) {
			rq := f.rq
			rq.Status = "FAIL"
			c.UpdatedRefunds = append(c.UpdatedRefunds, rq)
		})},

		{"create with a refund id twice", store.RuleDuplicateRefundID, with(create, func(c *store.Change) { secondRefund(c, "ref-new", "rreq-new-2") })},
		{"update with a refund id twice", store.RuleDuplicateRefundID, with(update, func(c *store.Change) { secondRefund(c, "ref-new", "rreq-new-2") })},

		{"create with a refund request twice", store.RuleDuplicateRefundRequest, with(create, func(c *store.Change) { secondRefund(c, "ref-new-2", "rreq-new") })},
		{"update with a refund request twice", store.RuleDuplicateRefundRequest, with(update, func(c *store.Change) { secondRefund(c, "ref-new-2", "rreq-new") })},

		{"update with a stored refund both new and updated", store.RuleRefundNewAndUpdated, with(update, func(c *store.Change) {
			secondRefund(c, f.r1.ID, "rreq-new-2")
		})},

		{"create with an event of another payment", store.RuleForeignEvent, with(create, func(c *store.Change) { c.Events[0].PaymentID = f.q2.ID })},
		{"update of a missing payment with an event of another payment", store.RuleForeignEvent, with(update, func(c *store.Change) {
			owned(c, "pay-new")
			c.Events = append(c.Events, event(f.q2, "touch", "SUCCESS", "SUCCESS"))
		})},

		{"create with a message without id", store.RuleEmptyMessageID, with(create, func(c *store.Change) { c.Outbox[0].ID = "" })},
		{"update with a message without id", store.RuleEmptyMessageID, with(update, func(c *store.Change) { secondMessage(c, "") })},

		{"create with a message of another payment", store.RuleForeignMessage, with(create, func(c *store.Change) { c.Outbox[0].PaymentID = f.q2.ID })},
		{"update with a message of another payment", store.RuleForeignMessage, with(update, func(c *store.Change) { c.Outbox[0].PaymentID = f.q2.ID })},

		{"create with a message id twice", store.RuleDuplicateMessageID, with(create, func(c *store.Change) { secondMessage(c, "msg-new") })},
		{"update with a stored message id twice", store.RuleDuplicateMessageID, with(update, func(c *store.Change) {
			secondMessage(c, f.m1.ID)
			secondMessage(c, f.m1.ID)
		})},

		{"create with a counter without key", store.RuleCounterDelta, with(create, func(c *store.Change) {
			c.Counters = []store.CounterDelta{{Key: "", Delta: 1}}
		})},
		{"update with a counter delta of 0", store.RuleCounterDelta, with(update, func(c *store.Change) {
			c.Counters = []store.CounterDelta{{Key: "k", Delta: 0}}
		})},
		{"create with a negative counter cap", store.RuleCounterDelta, with(create, func(c *store.Change) {
			c.Counters = []store.CounterDelta{{Key: "k", Delta: 1, Max: -1}}
		})},
		{"update with a counter key holding NUL", store.RuleCounterDelta, with(update, func(c *store.Change) {
			c.Counters = []store.CounterDelta{{Key: "k\x00", Delta: 1}}
		})},
		{"create with a counter twice", store.RuleDuplicateCounter, with(create, func(c *store.Change) {
			c.Counters = []store.CounterDelta{{Key: "k", Delta: 1}, {Key: "j", Delta: 1}, {Key: "k", Delta: -1}}
		})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := &harness{t: t, s: h.s, ctx: h.ctx}
			c := tc.change()
			want := c.Validate()
			var wantErr *store.ChangeError
			require.ErrorAs(t, want, &wantErr, "Validate of the case's change")
			require.Equal(t, tc.rule, wantErr.Rule, "the rule Validate names: %v", want)

			err := h.s.Commit(h.ctx, c)
			var got *store.ChangeError
			require.ErrorAs(t, err, &got, "Commit must return the error of Change.Validate")
			require.Equal(t, wantErr, got, "Commit must return the error of Change.Validate")
			require.ErrorIs(t, err, store.ErrInvalidChange)
			require.Equal(t, tc.rule == store.RuleDuplicateRefundID || tc.rule == store.RuleDuplicateRefundRequest ||
				tc.rule == store.RuleDuplicateMessageID, errors.Is(err, store.ErrAlreadyExists),
				"matches store.ErrAlreadyExists exactly when the change gives a record twice: %v", err)
			require.NotErrorIs(t, err, store.ErrConflict)

			f.requireUnchanged(h, tc.name)
			h.requireNoPayment("pay-new", "partner-a", "req-new")
			h.requireNoPayment("", "partner-a", "req-new")
		})
	}
	f.requireOnlyOldMessagesClaimable(h)

	// Both changes were fine: each refusal came from the rule its case broke.
	h.commit(update())
	require.Equal(t, []string{"ref-1", "ref-2", "ref-new"}, refundIDs(h.snapshot(f.p2.ID).Refunds))
	h.commit(with(create, func(c *store.Change) {
		c.NewRefunds[0].ID, c.NewRefunds[0].RequestID, c.Outbox[0].ID = "ref-created", "rreq-created", "msg-created"
	})())
	require.Equal(t, []string{"ref-created"}, refundIDs(h.snapshot("pay-new").Refunds))
}
