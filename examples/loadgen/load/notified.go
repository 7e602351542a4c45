package load

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/paystate/paystate/examples/merchant/shop"
)

// Notified records the notifyPayment callbacks the generator's merchant
// endpoint received: plug Record into shop.Notifications.Received.
type Notified struct {
	mu        sync.Mutex
	statuses  map[string]map[string]bool // payment id -> statuses notified
	byID      map[string]string          // notification id -> status
	conflicts []string
	received  int
}

// NewNotified returns an empty record.
func NewNotified() *Notified {
	return &Notified{statuses: map[string]map[string]bool{}, byID: map[string]string{}}
}

// Record notes one received callback (repeats included).
func (n *Notified) Record(x shop.Notification) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.received++
	if n.statuses[x.PaymentID] == nil {
		n.statuses[x.PaymentID] = map[string]bool{}
	}
	n.statuses[x.PaymentID][x.PaymentStatus] = true
	if x.ID == "" {
		n.conflicts = append(n.conflicts, fmt.Sprintf("notification for %s %s without a Notification-Id", x.PaymentID, x.PaymentStatus))
		return
	}
	if was, ok := n.byID[x.ID]; ok && was != x.PaymentStatus {
		n.conflicts = append(n.conflicts, fmt.Sprintf("notification %s delivered as %s and as %s", x.ID, was, x.PaymentStatus))
	}
	n.byID[x.ID] = x.PaymentStatus
}

// statusesOf returns the statuses notified for a payment.
func (n *Notified) statusesOf(paymentID string) map[string]bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := map[string]bool{}
	for s := range n.statuses[paymentID] {
		out[s] = true
	}
	return out
}

func (n *Notified) counts() (received, distinct int, conflicts []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.received, len(n.byID), append([]string(nil), n.conflicts...)
}

// Listen serves n, the merchant's notifyPayment endpoint, on addr (e.g.
// "127.0.0.1:0") at /notify, recording every verified callback into a new
// Notified. It returns the record, the notify URL to pay with, and a
// function that stops the server.
func Listen(addr string, n *shop.Notifications) (*Notified, string, func() error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", nil, err
	}
	notified := NewNotified()
	n.Received = notified.Record
	mux := http.NewServeMux()
	mux.Handle("POST /notify", n)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return notified, "http://" + ln.Addr().String() + "/notify", srv.Close, nil
}
