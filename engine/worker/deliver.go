package worker

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/store"
)

// dispatcher claims due notifications and sends them, at most
// Config.Concurrency at once and Config.PerPartner at once per partner.
// Claimed messages wait in per-partner queues until their partner has a
// free slot; a partner whose slots and queue are full is left out of
// claims, so its backlog never crowds out the other partners.
type dispatcher struct {
	w *Worker

	mu      sync.Mutex
	ctx     context.Context // of the pass or Run that started the sends
	sending int             // sends in flight
	active  map[string]int  // sends in flight per partner
	queued  map[string][]store.OutboxMessage
	order   []string // partners with queued messages, round robin
	// reserved counts the room promised to an engine's commits in flight
	// (Reserve), per partner and in all, until Take or Release.
	reserved      map[string]int
	reservedTotal int
	// taking is set while Run works: only then are messages handed over
	// (reserve) and handed messages started (startSends).
	taking bool
	// backlog is set when due messages may be waiting in the store (the
	// last claim was full, or there was no room to claim at all), until a
	// claim comes back short: new messages then queue behind them instead
	// of being handed over, so that older ones go first.
	backlog bool
	sends   sync.WaitGroup
	ended   int        // sends finished so far
	idled   *sync.Cond // broadcast when a send finishes

	freed chan struct{} // a send finished (capacity 1: a doorbell)
}

func newDispatcher(w *Worker) *dispatcher {
	d := &dispatcher{
		w:        w,
		active:   map[string]int{},
		queued:   map[string][]store.OutboxMessage{},
		reserved: map[string]int{},
		freed:    make(chan struct{}, 1),
	}
	d.idled = sync.NewCond(&d.mu)
	return d
}

// dispatch claims due messages while there is room to send them and starts
// their sends. It reports whether more messages may be due: the last claim
// was full, or it left out busy partners.
func (d *dispatcher) dispatch(ctx context.Context) (more bool, err error) {
	cfg := &d.w.cfg
	for {
		d.mu.Lock()
		d.ctx = ctx
		free := cfg.Concurrency - d.sending - d.reservedTotal
		skip := d.saturated()
		if free <= 0 {
			d.backlog = true // more may be due than there is room for
			d.mu.Unlock()
			return true, nil
		}
		d.mu.Unlock()
		limit := min(free, cfg.Batch)
		msgs, err := cfg.Store.ClaimOutbox(ctx, cfg.Owner, cfg.Now(), cfg.Lease, limit, skip...)
		if err != nil {
			return false, err
		}
		d.mu.Lock()
		for _, m := range msgs {
			if len(d.queued[m.PartnerID]) == 0 {
				d.order = append(d.order, m.PartnerID)
			}
			d.queued[m.PartnerID] = append(d.queued[m.PartnerID], m)
		}
		// A short claim took every due message but those of busy
		// partners, which no reservation could get room for either.
		d.backlog = len(msgs) == limit
		d.startSends()
		d.mu.Unlock()
		if len(msgs) < limit {
			return len(skip) > 0, nil
		}
	}
}

// saturated lists the partners that have every slot busy or spoken for.
// d.mu must be held.
func (d *dispatcher) saturated() []string {
	var out []string
	for p, n := range d.active {
		if n+len(d.queued[p])+d.reserved[p] >= d.w.cfg.PerPartner {
			out = append(out, p)
		}
	}
	for p, q := range d.queued {
		if d.active[p] == 0 && len(q)+d.reserved[p] >= d.w.cfg.PerPartner {
			out = append(out, p)
		}
	}
	for p, n := range d.reserved {
		if d.active[p] == 0 && len(d.queued[p]) == 0 && n >= d.w.cfg.PerPartner {
			out = append(out, p)
		}
	}
	return out
}

// reserve promises room to send one message of partner now, when the
// dispatcher is running and neither its slots nor the partner's are all
// busy or spoken for.
func (d *dispatcher) reserve(partner string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	cfg := &d.w.cfg
	if !d.taking || d.backlog || d.ctx == nil || d.ctx.Err() != nil ||
		d.sending+d.reservedTotal >= cfg.Concurrency ||
		d.active[partner]+len(d.queued[partner])+d.reserved[partner] >= cfg.PerPartner {
		return false
	}
	d.reserved[partner]++
	d.reservedTotal++
	return true
}

// unreserve ends one reservation for partner. d.mu must be held.
func (d *dispatcher) unreserve(partner string) {
	if d.reserved[partner]--; d.reserved[partner] <= 0 {
		delete(d.reserved, partner)
	}
	d.reservedTotal--
}

// take queues m, committed under a reservation, and starts what can
// start. Once Run has stopped taking, m stays queued, leased: the next Run
// or DeliverDue of this Worker sends it, or any worker once the lease ends.
func (d *dispatcher) take(m store.OutboxMessage) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.unreserve(m.PartnerID)
	if len(d.queued[m.PartnerID]) == 0 {
		d.order = append(d.order, m.PartnerID)
	}
	d.queued[m.PartnerID] = append(d.queued[m.PartnerID], m)
	if d.taking {
		d.startSends()
	}
}

// release ends a reservation whose message was not committed, and rings
// the doorbell: the room may be claimed now.
func (d *dispatcher) release(partner string) {
	d.mu.Lock()
	d.unreserve(partner)
	d.mu.Unlock()
	select {
	case d.freed <- struct{}{}:
	default:
	}
}

// setTaking opens or closes the hand-over (see taking).
func (d *dispatcher) setTaking(on bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.taking = on
}

// startSends starts queued messages, taking partners in turn, while there
// are free slots. d.mu must be held. Once the context is done nothing new
// starts: queued messages are left to their leases, which expire.
func (d *dispatcher) startSends() {
	if d.ctx == nil || d.ctx.Err() != nil {
		return
	}
	for d.sending < d.w.cfg.Concurrency {
		started := false
		for i := 0; i < len(d.order) && d.sending < d.w.cfg.Concurrency; {
			p := d.order[i]
			if d.active[p] >= d.w.cfg.PerPartner {
				i++
				continue
			}
			q := d.queued[p]
			m := q[0]
			if len(q) == 1 {
				delete(d.queued, p)
				d.order = append(d.order[:i], d.order[i+1:]...)
			} else {
				d.queued[p] = q[1:]
				i++
			}
			d.active[p]++
			d.sending++
			d.sends.Add(1)
			started = true
			go d.send(d.ctx, m)
		}
		if !started {
			return
		}
	}
}

// recordTimeout bounds the store write that records an attempt.
const recordTimeout = 10 * time.Second

// send makes one attempt and records it, then frees its slot. A send that
// has started finishes (bounded by Config.AttemptTimeout) and is recorded
// even when ctx is done meanwhile or the attempt ran out of time: the
// merchant may have received it, and an attempt that timed out counts.
func (d *dispatcher) send(ctx context.Context, m store.OutboxMessage) {
	defer d.sends.Done()
	defer d.finished(m.PartnerID)
	w := d.w
	if !w.cfg.Now().Add(w.cfg.AttemptTimeout).Before(m.LeaseUntil) {
		// It waited in the queue so long that the attempt might outlast the
		// lease, and another worker might then send it at the same time.
		// Leave it to whoever claims it next.
		w.stats.leaseLost.Add(1)
		return
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.AttemptTimeout)
	defer cancel()
	n, err := engine.NotificationOf(m)
	if err == nil {
		err = w.cfg.Notifier.Notify(actx, n)
	}
	// Not actx: it has expired when the attempt used all of its time.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer rcancel()
	w.record(rctx, m, err)
}

// finished frees the slot of a send to partner and rings the doorbell.
func (d *dispatcher) finished(partner string) {
	d.mu.Lock()
	d.sending--
	if d.active[partner]--; d.active[partner] == 0 {
		delete(d.active, partner)
	}
	d.ended++
	d.startSends()
	d.idled.Broadcast()
	d.mu.Unlock()
	select {
	case d.freed <- struct{}{}:
	default:
	}
}

// waitOne waits until a send finishes, if any is in flight.
func (d *dispatcher) waitOne() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for n := d.ended; d.ended == n && d.sending > 0; {
		d.idled.Wait()
	}
}

// waitSent waits until no send is in flight. Queued messages start as
// slots free up, so this also waits for them, unless the context of the
// sends is done.
func (d *dispatcher) waitSent() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.sending > 0 {
		d.idled.Wait()
	}
}

// record stores the outcome of the attempt on m that ended with err.
func (w *Worker) record(ctx context.Context, m store.OutboxMessage, err error) {
	now := w.cfg.Now()
	d := store.Delivery{MessageID: m.ID, Owner: w.cfg.Owner, At: now, Delivered: err == nil}
	log := w.cfg.Logger.With("message", m.ID, "payment", m.PaymentID, "partner", m.PartnerID, "attempt", m.Attempts+1)
	if err != nil {
		d.Error = truncate(err.Error(), 500)
		d.NextAttemptAt, d.Park = w.nextAttempt(m.Attempts, now)
	}
	rerr := w.cfg.Store.RecordDelivery(ctx, d)
	switch {
	case errors.Is(rerr, store.ErrLeaseLost):
		w.stats.leaseLost.Add(1)
		log.WarnContext(ctx, "paystate: notification attempt not recorded: lease lost", "delivered", d.Delivered, "error", rerr)
		return
	case rerr != nil:
		// The lease runs out and the message is sent again: merchants
		// de-duplicate on its id.
		w.stats.recordErrors.Add(1)
		log.ErrorContext(ctx, "paystate: cannot record notification attempt", "delivered", d.Delivered, "error", rerr)
		return
	}
	w.stats.attempts.Add(1)
	switch {
	case d.Delivered:
		w.stats.delivered.Add(1)
		log.DebugContext(ctx, "paystate: notification delivered")
	case d.Park:
		w.stats.parked.Add(1)
		log.ErrorContext(ctx, "paystate: notification undelivered after its last attempt, parked", "error", d.Error)
	default:
		w.stats.failed.Add(1)
		log.WarnContext(ctx, "paystate: notification attempt failed", "error", d.Error, "next", d.NextAttemptAt)
	}
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
