// Package engine runs the payments and refunds of an e-wallet through one
// durable, idempotent state machine.
//
// A wallet backend creates an Engine with a store.PaymentStore (where state
// lives: any store backend), a Funds implementation (where money moves: its
// own ledger) and a Config, and calls one method per merchant command: Pay,
// Confirm, Fail, Cancel, Refund, InquirePayment, InquireRefund. The
// wallet's own pages (such as the cashier) read a payment by its wallet id
// with Payment. Background work runs through ExpireDue and Reconcile.
//
// Every command follows the same shape: load the payment, decide with pure
// functions over values (the state machine in machine.go, compiled once from
// a looplab/fsm declaration), commit the new state together with its history
// events and outbox notifications in one atomic store commit, and retry a
// bounded number of times when another process committed first. Money moves
// only through Funds, and only after the intent to move it is committed, so
// a crash at any point leaves an operation the reconciler can finish. An
// answer the funds port could not give (unknown) is never guessed: the
// operation stays in flight and the caller sees CodePaymentInProcess or
// CodeRefundInProcess.
//
// The engine reads the clock and mints ids only through Config.Now and
// Config.NewID, never through globals, so tests run on a fixed clock.
package engine
