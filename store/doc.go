// Package store defines the contract between the paystate engine and a
// durable backend: the records a backend keeps, the one atomic Commit that
// changes them, the rules a Change must follow before any backend sees it
// (Change.Validate), and the sentinel errors a backend returns.
//
// The contract comes in two parts for its two users: PaymentStore, all the
// engine needs, and OutboxStore, all the notification worker and an
// operator need. Store is both, and every backend implements it.
//
// The package holds nothing else. Backends live in sub-packages (memstore,
// sqlitestore, pgstore) and prove themselves equal by passing the shared
// conformance suite. Records use plain Go types only (strings, int64 minor
// units, time.Time in UTC) so that a backend never needs to import the engine.
package store
