// Package storebench measures a store.Store backend under the engine. It
// is the harness of the store benchmarks in docs/benchmarks.md, apart from the
// conformance suite (store/storetest): a backend's benchmarks import it,
// its tests do not.
//
// One operation is one payment's life: cashier pay, confirm, one partial
// refund; every fourth is an authorization instead (Authorization: hold,
// two captures, one partial refund). Run measures it through engine.Engine ("engine") beside two
// baselines: the same store calls with records built by hand ("store",
// bareLifecycle) and, when the backend supplies one, its own SQL
// statements sent straight through the driver ("sql"), at 1 and 8 workers,
// in interleaved rounds, and prints a table of medians and ratios.
// Benchmark is Run with one round and one target:
//
//	func BenchmarkStore(b *testing.B) {
//		storebench.Benchmark(b, func(*testing.B) store.Store { return memstore.New() })
//	}
//
// CheckLifecycle holds a baseline against what the engine writes;
// InterleaveCases, MedianOf, RatioOf and WriteTable serve a backend's other
// benchmarks that run in rounds.
package storebench
