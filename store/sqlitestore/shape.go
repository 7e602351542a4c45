package sqlitestore

import (
	"errors"
	"fmt"

	"github.com/paystate/paystate/store"
)

// requestKey is an idempotency key: a partner id and the partner's request
// id.
type requestKey struct{ partnerID, requestID string }

// checkShape validates what c says about itself, before the database is
// touched: versions that fit ExpectedVersion, ids present and not given
// twice, and every refund, event and outbox message belonging to c's
// payment. The rules and their errors are memstore's.
func checkShape(c *store.Change) error {
	p := &c.Payment
	if p.ID == "" {
		return errors.New("sqlitestore: commit: payment id is empty")
	}
	switch {
	case c.ExpectedVersion < 0:
		return fmt.Errorf("sqlitestore: commit %q: negative expected version %d", p.ID, c.ExpectedVersion)
	case c.ExpectedVersion == 0 && p.Version != 1:
		return fmt.Errorf("sqlitestore: commit %q: a created payment must have version 1, got %d", p.ID, p.Version)
	case c.ExpectedVersion > 0 && p.Version != c.ExpectedVersion+1:
		return fmt.Errorf("sqlitestore: commit %q: payment version must be %d (expected version + 1), got %d",
			p.ID, c.ExpectedVersion+1, p.Version)
	}

	newIDs := make(map[string]bool, len(c.NewRefunds))
	newKeys := make(map[requestKey]bool, len(c.NewRefunds))
	for _, r := range c.NewRefunds {
		if r.ID == "" {
			return fmt.Errorf("sqlitestore: commit %q: new refund with empty id", p.ID)
		}
		if r.PaymentID != p.ID {
			return fmt.Errorf("sqlitestore: commit %q: new refund %q belongs to payment %q", p.ID, r.ID, r.PaymentID)
		}
		if newIDs[r.ID] {
			return fmt.Errorf("sqlitestore: commit %q: refund id %q given twice: %w", p.ID, r.ID, store.ErrAlreadyExists)
		}
		k := requestKey{r.PartnerID, r.RequestID}
		if newKeys[k] {
			return fmt.Errorf("sqlitestore: commit %q: refund request %s/%s given twice: %w",
				p.ID, r.PartnerID, r.RequestID, store.ErrAlreadyExists)
		}
		newIDs[r.ID] = true
		newKeys[k] = true
	}
	for _, r := range c.UpdatedRefunds {
		if r.PaymentID != p.ID {
			return fmt.Errorf("sqlitestore: commit %q: updated refund %q belongs to payment %q", p.ID, r.ID, r.PaymentID)
		}
		if newIDs[r.ID] {
			return fmt.Errorf("sqlitestore: commit %q: refund %q is both new and updated", p.ID, r.ID)
		}
	}
	for i, e := range c.Events {
		if e.PaymentID != p.ID {
			return fmt.Errorf("sqlitestore: commit %q: event %d (%s) belongs to payment %q", p.ID, i, e.Name, e.PaymentID)
		}
	}
	msgIDs := make(map[string]bool, len(c.Outbox))
	for _, m := range c.Outbox {
		if m.ID == "" {
			return fmt.Errorf("sqlitestore: commit %q: outbox message with empty id", p.ID)
		}
		if m.PaymentID != p.ID {
			return fmt.Errorf("sqlitestore: commit %q: outbox message %q belongs to payment %q", p.ID, m.ID, m.PaymentID)
		}
		if msgIDs[m.ID] {
			return fmt.Errorf("sqlitestore: commit %q: outbox message id %q given twice: %w", p.ID, m.ID, store.ErrAlreadyExists)
		}
		msgIDs[m.ID] = true
	}
	return nil
}
