// Package storetest is the conformance suite every store.Store backend must
// pass unchanged. It is a normal package (not a _test package) so that each
// backend's own tests can call it:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "paystate.db"), sqlitestore.Options{})
//			require.NoError(t, err)
//			t.Cleanup(func() { _ = s.Close() })
//			return s
//		})
//	}
//
// Run calls newStore once per subtest; every call must return an empty
// store that no other subtest sees (a fresh file, a fresh schema or
// database, or truncated tables). Subtests run one after another, never in
// parallel with each other, but many of them use the returned store from
// many goroutines at once. Use t.Cleanup inside newStore to release it.
//
// The suite checks the documented contract of store.Store and nothing
// more: errors only through errors.Is against the sentinel errors of
// package store (any error at all where the contract names none, e.g. for
// a cancelled context), times after converting to UTC and truncating to
// the microsecond (the suite builds its records with times that already
// have microsecond precision, so nothing is lost; the instant must survive,
// the location a time comes back in is not checked), list orders only where
// the contract defines one (the suite never relies on a tie-break), and an
// empty slice equal to a nil one.
//
// The suite drives the store with hand-built Changes and never imports the
// engine: what a backend must keep under the real engine (64 goroutines
// refunding one payment, say) is engine/enginetest.RunStore, which each
// backend's TestConformance calls next to Run. The benchmark harness is
// store/storebench. With -short the looping subtests run fewer rounds.
package storetest
