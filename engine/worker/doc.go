// Package worker runs everything that must happen after an answer has gone
// out: it delivers the merchants' notifications from the store's outbox,
// closes payments whose expiry time has passed, and asks the funds port
// again about operations it answered "unknown".
//
// A wallet starts one Worker next to its HTTP handlers:
//
//	w, err := worker.New(worker.Config{Engine: eng, Store: st, Notifier: notifier})
//	...
//	go w.Run(ctx) // returns when ctx is done and in-flight sends are recorded
//
// Several workers, in one process or many, may share a store that supports
// several processes (pgstore): outbox messages are claimed with a lease, so
// each attempt is made by one worker only, and expiry and reconciliation
// are version-checked engine commands.
//
// # Delivery
//
// A message is first sent as soon as a worker sees it: at once when the
// engine that committed it is configured with Config.OnOutbox set to
// Worker.Wake, otherwise at the next poll (Config.Poll, default 500 ms).
// With engine.Config.Handoff set to the Worker as well, the engine leases
// each new message to the Worker in the commit that creates it (when the
// Worker has room to send it now) and hands it over: it is sent without
// being claimed first, one store transaction less per notification. A
// message handed to a Worker whose process then dies is claimed by any
// worker once its lease (Config.Lease) ends.
// A failed attempt is tried again after the next delay of Config.Retries
// (default Antom's schedule: 2 min, 10 min, 10 min, 1 h, 2 h, 6 h, 15 h, so
// eight sends in about a day), each delay spread by Config.Jitter. After
// the last one the message is parked: listed by Worker.Parked and sent
// again on demand by Worker.Resend.
//
// Sends run at most Config.Concurrency at once, and at most
// Config.PerPartner at once for one partner: a merchant that answers slowly
// holds back only its own notifications.
package worker
