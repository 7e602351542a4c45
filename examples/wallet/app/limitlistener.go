package app

import (
	"net"
	"sync"
)

// DefaultMaxConnections is the API listener's cap on open connections
// when the configuration sets none (Config.MaxConnections): well under the
// usual 1,024 file descriptors a process may open by default, leaving room
// for the store, the operator listener and notification deliveries.
const DefaultMaxConnections = 768

// limitListener accepts at most cap(slots) connections at once: Accept
// waits while that many are open, and the clients beyond wait in the
// kernel's backlog, holding no file descriptor or memory of this process.
// (golang.org/x/net/netutil.LimitListener does the same; these forty lines
// spare the module a dependency.)
type limitListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// limitListen caps ln at n open connections.
func limitListen(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

// Accept waits for a free slot, then for a connection; it returns
// net.ErrClosed once Close was called.
func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
}

// Close stops Accept and closes the listener.
func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitedConn gives its slot back when closed (once).
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
