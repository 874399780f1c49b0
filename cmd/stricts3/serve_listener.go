package main

import (
	"io"
	"log/slog"
	"net"
	"sync"
)

// limitListener holds at most cap(slots) connections open. At the bound
// Accept waits for one to close: new clients queue in the kernel's accept
// backlog instead of the process running out of descriptors, and are
// served in order as the idle timeouts free slots. Connections already
// accepted keep being served throughout.
type limitListener struct {
	net.Listener
	slots  chan struct{}
	closed chan struct{}
	once   sync.Once
	log    *slog.Logger
	// full is true while Accept waits at the bound, so the warning is
	// logged once per episode, not once per queued client.
	full bool
}

func newLimitListener(ln net.Listener, max int, logger *slog.Logger) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, max), closed: make(chan struct{}), log: logger}
}

// Accept is called from one goroutine (http.Server.Serve).
func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
		l.full = false
	default:
		if !l.full {
			l.full = true
			l.log.Warn("connection limit reached: new connections wait until one closes", "max_connections", cap(l.slots))
		}
		select {
		case l.slots <- struct{}{}:
		case <-l.closed:
			return nil, net.ErrClosed
		}
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: sync.OnceFunc(func() { <-l.slots })}, nil
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
