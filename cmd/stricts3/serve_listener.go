package main

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// limitListener holds at most cap(slots) connections open (plus the one
// it has just accepted and is finding a slot for). At the bound it closes
// the keep-alive connection that has waited longest for its next request
// (its client simply reconnects), or else waits for a connection to end:
// later clients queue in the kernel's accept backlog instead of the process
// running out of descriptors, and are served as the idle timeouts free
// slots. A connection in the middle of a request is never cut short by the
// bound.
type limitListener struct {
	net.Listener
	slots  chan struct{}
	closed chan struct{}
	once   sync.Once
	log    *slog.Logger
	// lastWarn and waited rate-limit the warning to one a minute with the
	// count of clients that found the bound since: under a flood of
	// stalled connections slots free one at a time, and a line per client
	// would bury the log.
	lastWarn time.Time
	waited   int

	mu sync.Mutex
	// idle holds the connections between two requests, with the time each
	// became idle.
	idle map[net.Conn]time.Time
	// waiting is true while an accepted client waits for a slot: a
	// connection that turns idle then is closed at once for it.
	waiting bool
}

const warnEvery = time.Minute

func newLimitListener(ln net.Listener, max int, logger *slog.Logger) *limitListener {
	return &limitListener{
		Listener: ln, slots: make(chan struct{}, max), closed: make(chan struct{}), log: logger,
		idle: make(map[net.Conn]time.Time),
	}
}

// Accept is called from one goroutine (http.Server.Serve).
func (l *limitListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	select {
	case l.slots <- struct{}{}:
	default:
		l.waited++
		if now := time.Now(); now.Sub(l.lastWarn) >= warnEvery {
			l.log.Warn("connection limit reached: new clients take the slot of an idle keep-alive connection, or wait for one to end",
				"max_connections", cap(l.slots), "clients_waited", l.waited)
			l.lastWarn, l.waited = now, 0
		}
		l.startWaiting()
		select {
		case l.slots <- struct{}{}:
			l.stopWaiting()
		case <-l.closed:
			l.stopWaiting()
			c.Close()
			return nil, net.ErrClosed
		}
	}
	return &limitedConn{Conn: c, release: sync.OnceFunc(func() { <-l.slots })}, nil
}

// startWaiting marks the listener full and closes the longest-idle
// keep-alive connection, if any.
func (l *limitListener) startWaiting() {
	l.mu.Lock()
	l.waiting = true
	var oldest net.Conn
	var since time.Time
	for c, t := range l.idle {
		if oldest == nil || t.Before(since) {
			oldest, since = c, t
		}
	}
	delete(l.idle, oldest)
	l.mu.Unlock()
	if oldest != nil {
		oldest.Close()
	}
}

func (l *limitListener) stopWaiting() {
	l.mu.Lock()
	l.waiting = false
	l.mu.Unlock()
}

// ConnState is the http.Server hook that tells the listener which
// connections are idle between requests.
func (l *limitListener) ConnState(c net.Conn, state http.ConnState) {
	l.mu.Lock()
	if state != http.StateIdle {
		delete(l.idle, c)
		l.mu.Unlock()
		return
	}
	if l.waiting {
		l.mu.Unlock()
		c.Close()
		return
	}
	l.idle[c] = time.Now()
	l.mu.Unlock()
}

// Close also wakes an Accept waiting for a slot, so shutdown never hangs
// on a full server.
func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// limitedConn gives its slot back when closed, however often Close runs.
type limitedConn struct {
	net.Conn
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.release()
	return err
}

// CloseWrite keeps net/http's half-close: after rejecting a request whose
// body it did not read, the server shuts its side and lets the client read
// the answer before the connection is reset.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Conn.Close()
}

// ReadFrom keeps the socket's own ReadFrom (sendfile, splice) reachable.
func (c *limitedConn) ReadFrom(r io.Reader) (int64, error) { return io.Copy(c.Conn, r) }
