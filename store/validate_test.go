package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

// Every rule, case by case on every backend, is in store/storetest
// (Shape); these tests cover what the suite cannot see through a backend.

// change returns a valid update of payment pay-1 from version 2 with n new
// refunds, one updated refund, an event and n outbox messages.
func change(n int) store.Change {
	c := store.Change{
		Payment:         store.Payment{ID: "pay-1", PartnerID: "shop", RequestID: "order-1", Version: 3},
		ExpectedVersion: 2,
		UpdatedRefunds:  []store.Refund{{ID: "ref-old", PaymentID: "pay-1", PartnerID: "shop", RequestID: "refund-old"}},
		Events:          []store.Event{{PaymentID: "pay-1", Seq: 3, Name: "open_credit"}},
	}
	for i := range n {
		c.NewRefunds = append(c.NewRefunds, store.Refund{
			ID: fmt.Sprintf("ref-%d", i), PaymentID: "pay-1", PartnerID: "shop", RequestID: fmt.Sprintf("refund-%d", i),
		})
		c.Outbox = append(c.Outbox, store.OutboxMessage{ID: fmt.Sprintf("msg-%d", i), PaymentID: "pay-1"})
	}
	return c
}

// rule returns the rule err names, failing when err is not a ChangeError.
func rule(t *testing.T, err error) store.ChangeRule {
	t.Helper()
	var ce *store.ChangeError
	require.ErrorAs(t, err, &ce)
	return ce.Rule
}

func TestValidateAcceptsValidChanges(t *testing.T) {
	for _, n := range []int{0, 1, 3, 16, 17, 100} {
		require.NoError(t, change(n).Validate(), "%d new refunds and messages", n)
	}
	create := change(1)
	create.ExpectedVersion, create.Payment.Version, create.UpdatedRefunds = 0, 1, nil
	require.NoError(t, create.Validate(), "create")
	// Two new refunds of different partners may share a request id.
	c := change(2)
	c.NewRefunds[1].RequestID, c.NewRefunds[1].PartnerID = c.NewRefunds[0].RequestID, "other-shop"
	require.NoError(t, c.Validate(), "one request id, two partners")
}

// TestValidateFindsDuplicatesInLongLists: the rules about records given
// twice hold however many records a Change holds (long lists are searched
// another way than short ones).
func TestValidateFindsDuplicatesInLongLists(t *testing.T) {
	for _, n := range []int{2, 16, 17, 100} {
		last := n - 1
		c := change(n)
		c.NewRefunds[last].ID = c.NewRefunds[0].ID
		require.Equal(t, store.RuleDuplicateRefundID, rule(t, c.Validate()), "%d refunds", n)

		c = change(n)
		c.NewRefunds[last].RequestID = c.NewRefunds[last-1].RequestID
		require.Equal(t, store.RuleDuplicateRefundRequest, rule(t, c.Validate()), "%d refunds", n)

		c = change(n)
		c.UpdatedRefunds = append(c.UpdatedRefunds, store.Refund{ID: c.NewRefunds[last].ID, PaymentID: "pay-1"})
		require.Equal(t, store.RuleRefundNewAndUpdated, rule(t, c.Validate()), "%d refunds", n)

		c = change(n)
		c.Outbox[last].ID = c.Outbox[last/2].ID
		require.Equal(t, store.RuleDuplicateMessageID, rule(t, c.Validate()), "%d messages", n)
	}
}

// TestValidateNamesTheFirstRuleInListOrder: a Change breaking several
// rules is refused for the first of them in the ChangeRule list, so every
// backend refuses it the same way.
func TestValidateNamesTheFirstRuleInListOrder(t *testing.T) {
	c := change(2)
	c.Outbox[1].ID = c.Outbox[0].ID         // RuleDuplicateMessageID
	c.Events[0].PaymentID = "pay-2"         // RuleForeignEvent
	c.NewRefunds[1].ID = c.NewRefunds[0].ID // RuleDuplicateRefundID
	c.UpdatedRefunds[0].PaymentID = "pay-2" // RuleForeignRefund
	require.Equal(t, store.RuleForeignRefund, rule(t, c.Validate()))
	c.Payment.Version = 7 // RuleUpdatedVersion
	require.Equal(t, store.RuleUpdatedVersion, rule(t, c.Validate()))
	c.Payment.ID = "" // RuleEmptyPaymentID
	require.Equal(t, store.RuleEmptyPaymentID, rule(t, c.Validate()))
}

func TestChangeErrorMatchesItsSentinels(t *testing.T) {
	for r := store.RuleEmptyPaymentID; r <= store.RuleDuplicateMessageID; r++ {
		err := fmt.Errorf("backend: %w", &store.ChangeError{Rule: r, PaymentID: "pay-1", Detail: "detail"})
		require.ErrorIs(t, err, store.ErrInvalidChange, "%v", r)
		duplicate := r == store.RuleDuplicateRefundID || r == store.RuleDuplicateRefundRequest || r == store.RuleDuplicateMessageID
		require.Equal(t, duplicate, errors.Is(err, store.ErrAlreadyExists), "%v matches ErrAlreadyExists", r)
		for _, other := range []error{store.ErrNotFound, store.ErrConflict, store.ErrLeaseLost, store.ErrDelivered} {
			require.NotErrorIs(t, err, other, "%v", r)
		}
		// Every rule has a description, shown in the message.
		require.NotContains(t, r.String(), "ChangeRule(", "rule %d has no description", int(r))
		require.True(t, strings.Contains(err.Error(), r.String()), "%q names its rule", err)
	}
	require.Equal(t, "ChangeRule(99)", store.ChangeRule(99).String())
}

// TestValidateAllocatesNothing: a valid Change of the usual size costs
// the commit path no allocation.
func TestValidateAllocatesNothing(t *testing.T) {
	c := change(3)
	allocs := testing.AllocsPerRun(100, func() {
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
}
