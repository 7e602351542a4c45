// Package memstore is an in-memory store.Store: every record lives in Go
// maps guarded by one sync.RWMutex and is gone when the process exits.
//
// It is meant for tests, fuzzing and embedding where durability does not
// matter. It follows the store.Store contract to the letter: Commit is
// all-or-nothing and validated before anything is changed, version checks
// are exact, and every value handed in or out is a deep copy, so callers can
// never reach into stored state.
package memstore
