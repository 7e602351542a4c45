package engine

import (
	"time"

	"github.com/paystate/paystate/store"
)

// Handoff is a notification dispatcher in the engine's process that takes
// the messages a commit creates as that commit creates them: the engine
// reserves room with it, commits each message already leased to it
// (LeaseOwner, LeaseUntil), and hands the committed message over. The
// dispatcher then sends it without a claim of its own, one store
// transaction less per notification. The reservations of a commit that
// failed are released. A message the dispatcher never sends is claimed by
// any dispatcher once its lease ends, as a claimed message would be: one
// whose process died, and one whose commit returned an error although the
// store applied it (an unknown outcome), which thus goes out up to a lease
// late but is never lost.
// worker.Worker is one. Its methods must be safe for concurrent use and
// must not block.
type Handoff interface {
	// Reserve asks for room to send one message of partner now. When ok,
	// the message is committed leased to owner until leaseUntil, and the
	// reservation ends with Take or Release.
	Reserve(partnerID string) (owner string, leaseUntil time.Time, ok bool)
	// Take hands over a message committed under a reservation.
	Take(m store.OutboxMessage)
	// Release ends a reservation whose message was not committed.
	Release(partnerID string)
}

// reserveHandoffs leases to Config.Handoff every message of pl that is due
// now and that it has room for, and returns their indexes in pl.outbox.
func (e *Engine) reserveHandoffs(pl *plan) []int {
	if e.cfg.Handoff == nil {
		return nil
	}
	var handed []int
	for i := range pl.outbox {
		m := &pl.outbox[i]
		if m.NextAttemptAt.After(pl.now) {
			continue
		}
		owner, until, ok := e.cfg.Handoff.Reserve(m.PartnerID)
		if !ok {
			continue
		}
		m.LeaseOwner, m.LeaseUntil = owner, until
		handed = append(handed, i)
	}
	return handed
}

// releaseHandoffs ends the reservations of a commit that failed and takes
// the leases off its messages.
func (e *Engine) releaseHandoffs(pl *plan, handed []int) {
	for _, i := range handed {
		m := &pl.outbox[i]
		e.cfg.Handoff.Release(m.PartnerID)
		m.LeaseOwner, m.LeaseUntil = "", time.Time{}
	}
}
