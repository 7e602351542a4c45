package app

import (
	"time"

	"github.com/paystate/paystate/store"
)

// workerHandoff is the engine's Handoff: the server's worker, which is
// made after the engine (it needs it) and before anything is served.
type workerHandoff struct{ s *Server }

func (h workerHandoff) Reserve(partnerID string) (string, time.Time, bool) {
	return h.s.worker.Reserve(partnerID)
}

func (h workerHandoff) Take(m store.OutboxMessage) { h.s.worker.Take(m) }

func (h workerHandoff) Release(partnerID string) { h.s.worker.Release(partnerID) }
