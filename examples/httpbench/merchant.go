package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/paystate/paystate/examples/merchant/shop"
)

// notifications is the merchant's notifyPayment endpoint on loopback: it
// verifies and acknowledges each callback (shop.Notifications) and
// remembers which payments were notified.
type notifications struct {
	URL string

	mu       sync.Mutex
	notified map[string]bool // payment ids
	changed  chan struct{}   // closed and replaced on every new payment id
	server   *http.Server
}

// listenNotifications serves h on a free loopback port.
func listenNotifications(h *shop.Notifications) (*notifications, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	n := &notifications{URL: "http://" + ln.Addr().String() + "/notify", notified: map[string]bool{}, changed: make(chan struct{})}
	h.Received = n.record
	n.server = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = n.server.Serve(ln) }()
	return n, nil
}

func (n *notifications) record(x shop.Notification) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.notified[x.PaymentID] {
		n.notified[x.PaymentID] = true
		close(n.changed)
		n.changed = make(chan struct{})
	}
}

// wait returns when every payment of ids was notified, or with an error
// when ctx ends first.
func (n *notifications) wait(ctx context.Context, ids []string) error {
	for {
		n.mu.Lock()
		missing := 0
		for _, id := range ids {
			if !n.notified[id] {
				missing++
			}
		}
		changed := n.changed
		n.mu.Unlock()
		if missing == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("notifications: payments still not notified when the wait ended")
		case <-changed:
		}
	}
}

func (n *notifications) close() { _ = n.server.Close() }
