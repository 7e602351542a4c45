package memstore_test

import (
	"testing"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
	"github.com/paystate/paystate/store/storebench"
)

// BenchmarkStore compares the engine with the bare store calls it makes.
func BenchmarkStore(b *testing.B) {
	storebench.Benchmark(b, func(*testing.B) store.Store { return memstore.New() })
}
