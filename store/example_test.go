package store_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

// A Change that breaks a rule about itself is refused by every backend's
// Commit with the error of Change.Validate, before anything is stored; the
// rule is read by code, through errors.As.
func ExampleChange_Validate() {
	p := store.Payment{ID: "pay-1", PartnerID: "shop", RequestID: "order-1", Version: 1}
	c := store.Change{
		Payment: p,
		Outbox:  []store.OutboxMessage{{ID: "msg-1", PaymentID: "pay-2"}},
	}

	err := memstore.New().Commit(context.Background(), c)
	var ce *store.ChangeError
	if errors.As(err, &ce) {
		fmt.Println(ce.Rule == store.RuleForeignMessage, errors.Is(err, store.ErrInvalidChange))
		fmt.Println(ce.Rule)
	}
	fmt.Println(c.Validate())
	// Output:
	// true true
	// outbox message of another payment
	// store: invalid change of payment "pay-1" (outbox message of another payment): outbox message "msg-1" belongs to payment "pay-2"
}
