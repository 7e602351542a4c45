package memstore

import (
	"cmp"
	"slices"
	"time"

	"github.com/paystate/paystate/store"
)

// outboxIndex orders the undelivered, unparked messages by claim order
// (NextAttemptAt, CreatedAt, ID), so that a claim reads the due messages
// from its front and stops at the first one not due, and the backlog is
// one binary search: what the SQL stores' partial index outbox_claimable
// does for them. Keys hold wall-clock times only (no monotonic reading),
// so that the order stays one total order whatever clocks wrote them.
type outboxIndex struct {
	keys []claimKey          // sorted by claimOrder
	byID map[string]claimKey // the key each indexed message is filed under
}

// claimKey is where a message sits in the index.
type claimKey struct {
	at, created time.Time
	id          string
}

func newOutboxIndex() outboxIndex { return outboxIndex{byID: map[string]claimKey{}} }

func keyOf(m store.OutboxMessage) claimKey {
	return claimKey{at: m.NextAttemptAt.Round(0), created: m.CreatedAt.Round(0), id: m.ID}
}

// claimOrder is the order of ClaimOutbox.
func claimOrder(a, b claimKey) int {
	return cmp.Or(a.at.Compare(b.at), a.created.Compare(b.created), cmp.Compare(a.id, b.id))
}

// add files m (not yet in the index).
func (x *outboxIndex) add(m store.OutboxMessage) {
	k := keyOf(m)
	i, _ := slices.BinarySearchFunc(x.keys, k, claimOrder)
	x.keys = slices.Insert(x.keys, i, k)
	x.byID[m.ID] = k
}

// remove takes the message with id out of the index, if it is there.
func (x *outboxIndex) remove(id string) {
	k, ok := x.byID[id]
	if !ok {
		return
	}
	i, found := slices.BinarySearchFunc(x.keys, k, claimOrder)
	if !found { // cannot happen while the keys stay sorted; never leave a stale key
		i = slices.IndexFunc(x.keys, func(c claimKey) bool { return c.id == id })
	}
	if i >= 0 {
		x.keys = slices.Delete(x.keys, i, i+1)
	}
	delete(x.byID, id)
}

// dueCount is how many indexed messages are due at now.
func (x *outboxIndex) dueCount(now time.Time) int {
	now = now.Round(0)
	i, _ := slices.BinarySearchFunc(x.keys, now, func(k claimKey, t time.Time) int {
		if k.at.After(t) {
			return 1
		}
		return -1
	})
	return i
}
