package memstore_test

import (
	"testing"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
	"github.com/paystate/paystate/store/storetest"
)

// TestConformance runs the shared store conformance suite on memstore.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return memstore.New() })
}
