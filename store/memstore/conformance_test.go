package memstore_test

import (
	"testing"

	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
	"github.com/paystate/paystate/store/storetest"
)

// TestConformance runs the shared store conformance suite, and the engine
// over the store, on memstore.
func TestConformance(t *testing.T) {
	newStore := func(t *testing.T) store.Store { return memstore.New() }
	storetest.Run(t, newStore)
	enginetest.RunStore(t, newStore)
}
