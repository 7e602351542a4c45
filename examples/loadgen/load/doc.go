// Package load drives a paystate wallet over HTTP the way merchants and
// users do, with correctly signed requests, and then checks what the
// wallet promised: examples/loadgen is its command line, and the drills
// (examples/drills) run it while they kill processes and databases.
//
// Run sends a mix of operations: agreement pays (debited at once), cashier
// pays that the simulated user then pays on the cashier page, refunds
// (partial ones, deliberate over-refunds, and repeats of earlier refund
// requests), inquiries, and agreement authorizations captured in two parts
// (now and then with a deliberate over-capture between them, which must
// be refused with CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT) and later refunded
// within what was captured. An authorization left with nothing captured (its
// capture's answer lost) stays authorized until the wallet's authorization
// expiry, 7 days by default: against a wallet configured to expire them
// sooner than the run and its verification take, Verify would report the
// expired ones as broken promises. It runs open-loop at a fixed rate, timing each
// operation from the moment it was due (so a stalled wallet shows up in the
// latencies instead of slowing the load down: no coordinated omission), or
// closed-loop with N workers.
//
// Every answer is checked as it arrives against what the generator knows
// (a repeated refund must get the first answer; an over-refund must be
// refused with REFUND_AMOUNT_EXCEED), and Verify then asks the wallet about
// every payment and refund it ever sent: acknowledged ones must exist with
// the acknowledged outcome, an authorization's captures must be listed as
// they were answered, refund sums must stay within the payment (within
// the captures, for an authorization), and
// every final payment must have been notified to the generator's own
// notifyPayment endpoint, each notification id for one status only.
//
// An answer the generator did not get (a transport error, a timeout, or
// result status U) is an unknown outcome, exactly as for a real merchant:
// the operation may or may not have happened, and Verify accepts either.
// What it finds is then held to the same rules: a refund found done counts
// against its payment, and a payment found final must have been notified.
package load
