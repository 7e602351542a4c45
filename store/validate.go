package store

import (
	"fmt"
	"strings"
)

// ChangeRule names one rule about a Change's own shape: what a Change must
// say about itself, whatever is stored. Change.Validate checks them in the
// order listed here. The list is closed and append-only; callers compare
// a ChangeError's Rule with these constants, never its message.
type ChangeRule int

const (
	_ ChangeRule = iota
	// RuleEmptyPaymentID: Payment.ID is empty.
	RuleEmptyPaymentID
	// RuleNegativeExpectedVersion: ExpectedVersion is below 0.
	RuleNegativeExpectedVersion
	// RuleCreatedVersion: a created payment (ExpectedVersion 0) does not
	// have Version 1.
	RuleCreatedVersion
	// RuleUpdatedVersion: an updated payment (ExpectedVersion above 0)
	// does not have Version ExpectedVersion+1.
	RuleUpdatedVersion
	// RuleEmptyRefundID: a new refund has no ID.
	RuleEmptyRefundID
	// RuleForeignRefund: a new or updated refund has a PaymentID other
	// than Payment.ID.
	RuleForeignRefund
	// RuleDuplicateRefundID: two new refunds share an ID. The error also
	// matches ErrAlreadyExists.
	RuleDuplicateRefundID
	// RuleDuplicateRefundRequest: two new refunds share a request key
	// (PartnerID, RequestID). The error also matches ErrAlreadyExists.
	RuleDuplicateRefundRequest
	// RuleRefundNewAndUpdated: a refund ID is both in NewRefunds and in
	// UpdatedRefunds.
	RuleRefundNewAndUpdated
	// RuleForeignEvent: an event has a PaymentID other than Payment.ID.
	RuleForeignEvent
	// RuleEmptyMessageID: an outbox message has no ID.
	RuleEmptyMessageID
	// RuleForeignMessage: an outbox message has a PaymentID other than
	// Payment.ID.
	RuleForeignMessage
	// RuleDuplicateMessageID: two outbox messages share an ID. The error
	// also matches ErrAlreadyExists.
	RuleDuplicateMessageID
	// RuleCounterDelta: a counter delta has an empty key, a key longer
	// than MaxCounterKey or holding NUL, a Delta of 0 or a negative Max.
	RuleCounterDelta
	// RuleDuplicateCounter: two counter deltas share a key.
	RuleDuplicateCounter
	// RuleEmptyCaptureID: a new capture has no ID.
	RuleEmptyCaptureID
	// RuleForeignCapture: a new or updated capture has a PaymentID other
	// than Payment.ID.
	RuleForeignCapture
	// RuleDuplicateCaptureID: two new captures share an ID. The error also
	// matches ErrAlreadyExists.
	RuleDuplicateCaptureID
	// RuleDuplicateCaptureRequest: two new captures share a request key
	// (PartnerID, RequestID). The error also matches ErrAlreadyExists.
	RuleDuplicateCaptureRequest
	// RuleCaptureNewAndUpdated: a capture ID is both in NewCaptures and in
	// UpdatedCaptures.
	RuleCaptureNewAndUpdated
)

// changeRuleNames holds each rule's description, for messages.
var changeRuleNames = [...]string{
	RuleEmptyPaymentID:          "empty payment id",
	RuleNegativeExpectedVersion: "negative expected version",
	RuleCreatedVersion:          "created payment not at version 1",
	RuleUpdatedVersion:          "updated payment not at expected version + 1",
	RuleEmptyRefundID:           "new refund without id",
	RuleForeignRefund:           "refund of another payment",
	RuleDuplicateRefundID:       "refund id given twice",
	RuleDuplicateRefundRequest:  "refund request key given twice",
	RuleRefundNewAndUpdated:     "refund both new and updated",
	RuleForeignEvent:            "event of another payment",
	RuleEmptyMessageID:          "outbox message without id",
	RuleForeignMessage:          "outbox message of another payment",
	RuleDuplicateMessageID:      "outbox message id given twice",
	RuleCounterDelta:            "malformed counter delta",
	RuleDuplicateCounter:        "counter given twice",
	RuleEmptyCaptureID:          "new capture without id",
	RuleForeignCapture:          "capture of another payment",
	RuleDuplicateCaptureID:      "capture id given twice",
	RuleDuplicateCaptureRequest: "capture request key given twice",
	RuleCaptureNewAndUpdated:    "capture both new and updated",
}

// String returns the rule's description, e.g. "refund id given twice".
func (r ChangeRule) String() string {
	if r > 0 && int(r) < len(changeRuleNames) {
		return changeRuleNames[r]
	}
	return fmt.Sprintf("ChangeRule(%d)", int(r))
}

// collision reports whether breaking r means a Change collides with
// itself: an id or request key given twice, which the Store contract
// reports as ErrAlreadyExists.
func (r ChangeRule) collision() bool {
	switch r {
	case RuleDuplicateRefundID, RuleDuplicateRefundRequest, RuleDuplicateMessageID,
		RuleDuplicateCaptureID, RuleDuplicateCaptureRequest:
		return true
	}
	return false
}

// ChangeError is the error Change.Validate returns, and so the error every
// backend's Commit returns for a malformed Change. It matches
// ErrInvalidChange with errors.Is, and also ErrAlreadyExists when Rule is
// one of the duplicate rules. Callers read Rule through errors.As.
type ChangeError struct {
	Rule      ChangeRule // the first rule the Change breaks
	PaymentID string     // the Change's Payment.ID ("" for RuleEmptyPaymentID)
	Detail    string     // which record and which values, for people
}

// Error describes the broken rule and where the Change breaks it.
func (e *ChangeError) Error() string {
	if e.PaymentID == "" {
		return fmt.Sprintf("store: invalid change (%s): %s", e.Rule, e.Detail)
	}
	return fmt.Sprintf("store: invalid change of payment %q (%s): %s", e.PaymentID, e.Rule, e.Detail)
}

// Is reports whether target is ErrInvalidChange, or ErrAlreadyExists for a
// Change that collides with itself.
func (e *ChangeError) Is(target error) bool {
	return target == ErrInvalidChange || (target == ErrAlreadyExists && e.Rule.collision())
}

// Validate checks everything c says about itself, without any stored data:
// the ChangeRule list, in its order. It returns nil or a *ChangeError for
// the first rule c breaks.
//
// Every backend's Commit calls Validate before it reads or writes anything
// and returns its error as is (store/storetest checks every rule on every
// backend), so that no backend states these rules again. What depends on
// stored data (versions, taken ids and request keys, the refunds a Change
// updates) is the backend's to check inside its atomic write.
func (c Change) Validate() error {
	p := &c.Payment
	fail := func(rule ChangeRule, format string, args ...any) error {
		return &ChangeError{Rule: rule, PaymentID: p.ID, Detail: fmt.Sprintf(format, args...)}
	}
	if p.ID == "" {
		return fail(RuleEmptyPaymentID, "the payment has no id")
	}
	switch {
	case c.ExpectedVersion < 0:
		return fail(RuleNegativeExpectedVersion, "expected version %d", c.ExpectedVersion)
	case c.ExpectedVersion == 0 && p.Version != 1:
		return fail(RuleCreatedVersion, "a created payment must have version 1, got %d", p.Version)
	case c.ExpectedVersion > 0 && p.Version != c.ExpectedVersion+1:
		return fail(RuleUpdatedVersion, "payment version must be %d (expected version + 1), got %d",
			c.ExpectedVersion+1, p.Version)
	}

	refundRules := childRules{"refund", RuleEmptyRefundID, RuleForeignRefund, RuleDuplicateRefundID, RuleDuplicateRefundRequest, RuleRefundNewAndUpdated}
	if err := checkChildren(p.ID, refundRules, c.NewRefunds, c.UpdatedRefunds, refundKey); err != nil {
		return err
	}

	for i := range c.Events {
		if e := &c.Events[i]; e.PaymentID != p.ID {
			return fail(RuleForeignEvent, "event %d (%s) belongs to payment %q", i, e.Name, e.PaymentID)
		}
	}

	for i := range c.Outbox {
		if c.Outbox[i].ID == "" {
			return fail(RuleEmptyMessageID, "outbox message %d has no id", i)
		}
	}
	for i := range c.Outbox {
		if m := &c.Outbox[i]; m.PaymentID != p.ID {
			return fail(RuleForeignMessage, "outbox message %q belongs to payment %q", m.ID, m.PaymentID)
		}
	}
	if i, ok := duplicate(c.Outbox, func(m *OutboxMessage) string { return m.ID }); ok {
		return fail(RuleDuplicateMessageID, "outbox message id %q given twice", c.Outbox[i].ID)
	}

	for i := range c.Counters {
		d := &c.Counters[i]
		if d.Key == "" || len(d.Key) > MaxCounterKey || strings.IndexByte(d.Key, 0) >= 0 || d.Delta == 0 || d.Max < 0 {
			return fail(RuleCounterDelta, "counter delta %d: key %q, delta %d, max %d", i, d.Key, d.Delta, d.Max)
		}
	}
	if i, ok := duplicate(c.Counters, func(d *CounterDelta) string { return d.Key }); ok {
		return fail(RuleDuplicateCounter, "counter %q given twice", c.Counters[i].Key)
	}

	captureRules := childRules{"capture", RuleEmptyCaptureID, RuleForeignCapture, RuleDuplicateCaptureID, RuleDuplicateCaptureRequest, RuleCaptureNewAndUpdated}
	return checkChildren(p.ID, captureRules, c.NewCaptures, c.UpdatedCaptures, captureKey)
}

// childKey is what the shape rules read of a payment's child record (a
// refund or a capture).
type childKey struct {
	id, paymentID, partnerID, requestID string
}

func refundKey(r *Refund) childKey   { return childKey{r.ID, r.PaymentID, r.PartnerID, r.RequestID} }
func captureKey(c *Capture) childKey { return childKey{c.ID, c.PaymentID, c.PartnerID, c.RequestID} }

// childRules are the rules one kind of child record breaks, in the order
// they are checked.
type childRules struct {
	name                                           string
	emptyID, foreign, dupID, dupRequest, newAndUpd ChangeRule
}

// checkChildren applies the child-record rules to the new and updated
// records of one kind.
func checkChildren[T any](paymentID string, rules childRules, created, updated []T, key func(*T) childKey) error {
	fail := func(rule ChangeRule, format string, args ...any) error {
		return &ChangeError{Rule: rule, PaymentID: paymentID, Detail: fmt.Sprintf(format, args...)}
	}
	for i := range created {
		if key(&created[i]).id == "" {
			return fail(rules.emptyID, "new %s %d has no id", rules.name, i)
		}
	}
	for _, list := range []struct {
		name    string
		records []T
	}{{"new", created}, {"updated", updated}} {
		for i := range list.records {
			if k := key(&list.records[i]); k.paymentID != paymentID {
				return fail(rules.foreign, "%s %s %q belongs to payment %q", list.name, rules.name, k.id, k.paymentID)
			}
		}
	}
	if i, ok := duplicate(created, func(r *T) string { return key(r).id }); ok {
		return fail(rules.dupID, "%s id %q given twice", rules.name, key(&created[i]).id)
	}
	type requestKey struct{ partnerID, requestID string }
	if i, ok := duplicate(created, func(r *T) requestKey { k := key(r); return requestKey{k.partnerID, k.requestID} }); ok {
		k := key(&created[i])
		return fail(rules.dupRequest, "%s request %s/%s given twice", rules.name, k.partnerID, k.requestID)
	}
	if id, ok := sharedID(created, updated, func(r *T) string { return key(r).id }); ok {
		return fail(rules.newAndUpd, "%s %q is both new and updated", rules.name, id)
	}
	return nil
}

// sharedID returns the first id of updated that is also in created.
func sharedID[T any](created, updated []T, id func(*T) string) (string, bool) {
	if len(created) == 0 || len(updated) == 0 {
		return "", false
	}
	if len(created) <= pairwise {
		for i := range updated {
			for j := range created {
				if id(&updated[i]) == id(&created[j]) {
					return id(&updated[i]), true
				}
			}
		}
		return "", false
	}
	ids := make(map[string]bool, len(created))
	for i := range created {
		ids[id(&created[i])] = true
	}
	for i := range updated {
		if ids[id(&updated[i])] {
			return id(&updated[i]), true
		}
	}
	return "", false
}

// pairwise is the length up to which lists of a Change are searched by
// comparing pairs rather than through a map: a Change holds a handful of
// records, and comparing a few pairs costs less than allocating a map.
const pairwise = 16

// duplicate returns the position of the first element of s whose key an
// earlier element has, or ok false.
func duplicate[T any, K comparable](s []T, key func(*T) K) (j int, ok bool) {
	if len(s) <= pairwise {
		for j := 1; j < len(s); j++ {
			kj := key(&s[j])
			for i := range j {
				if key(&s[i]) == kj {
					return j, true
				}
			}
		}
		return 0, false
	}
	seen := make(map[K]bool, len(s))
	for j := range s {
		k := key(&s[j])
		if seen[k] {
			return j, true
		}
		seen[k] = true
	}
	return 0, false
}
