package main

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// limitListener holds at most cap(slots) connections open (plus the one
// it has just accepted and is finding a slot for), so the process never
// runs out of descriptors: later clients queue in the kernel's accept
// backlog.
//
// A client waiting at the bound does not wait for the idle timeouts: the
// connection that has moved no byte for the longest, and at least
// busyIdle, is timed out early (its deadline set to now, so the request is
// answered 400 RequestTimeout as if its own timeout had passed) and its
// slot goes to the waiting client. Only connections waiting on their
// client are chosen: a silent new connection, an idle keep-alive one, or
// one whose handler is blocked reading the request body. A request the
// server itself is still working on is never cut short by the bound.
type limitListener struct {
	net.Listener
	slots    chan struct{}
	closed   chan struct{}
	once     sync.Once
	log      *slog.Logger
	busyIdle time.Duration

	mu    sync.Mutex
	conns map[*limitedConn]struct{}

	// lastWarn and waited rate-limit the warning to one a minute with the
	// count of clients that found the bound since: under a flood of
	// stalled connections slots free one at a time, and a line per client
	// would bury the log. Only Accept's goroutine touches them.
	lastWarn time.Time
	waited   int
}

const warnEvery = time.Minute

func newLimitListener(ln net.Listener, max int, busyIdle time.Duration, logger *slog.Logger) *limitListener {
	return &limitListener{
		Listener: ln, slots: make(chan struct{}, max), closed: make(chan struct{}), log: logger,
		busyIdle: busyIdle, conns: make(map[*limitedConn]struct{}),
	}
}

// Accept is called from one goroutine (http.Server.Serve).
func (l *limitListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	lc := &limitedConn{Conn: c, l: l}
	lc.touch()
	select {
	case l.slots <- struct{}{}:
	default:
		if err := l.waitForSlot(); err != nil {
			c.Close()
			return nil, err
		}
	}
	l.mu.Lock()
	l.conns[lc] = struct{}{}
	l.mu.Unlock()
	return lc, nil
}

// waitForSlot takes a slot for a client that found none, timing out the
// stalest connection meanwhile.
func (l *limitListener) waitForSlot() error {
	l.waited++
	if now := time.Now(); now.Sub(l.lastWarn) >= warnEvery {
		l.log.Warn("connection limit reached: connections idle for --busy-idle-timeout are timed out for new clients",
			"max_connections", cap(l.slots), "clients_waited", l.waited)
		l.lastWarn, l.waited = now, 0
	}
	retry := time.NewTimer(0)
	defer retry.Stop()
	for {
		select {
		case l.slots <- struct{}{}:
			return nil
		case <-l.closed:
			return net.ErrClosed
		case <-retry.C:
			l.expireStalest()
			retry.Reset(max(l.busyIdle/4, 10*time.Millisecond))
		}
	}
}

// expireStalest times out the connection that has waited on its client
// the longest, if that is at least busyIdle.
func (l *limitListener) expireStalest() {
	cutoff := time.Now().Add(-l.busyIdle).UnixNano()
	var victim *limitedConn
	var oldest int64
	l.mu.Lock()
	for c := range l.conns {
		last := c.lastIO.Load()
		if last > cutoff || c.expired.Load() || !c.waitingOnClient() {
			continue
		}
		if victim == nil || last < oldest {
			victim, oldest = c, last
		}
	}
	l.mu.Unlock()
	if victim != nil {
		victim.expired.Store(true)
		_ = victim.Conn.SetDeadline(time.Now())
	}
}

// ConnState is the http.Server hook that tells the listener what each
// connection is doing.
func (l *limitListener) ConnState(c net.Conn, state http.ConnState) {
	if lc := asLimited(c); lc != nil {
		lc.state.Store(int32(state))
	}
}

type connKey struct{}

// ConnContext is the http.Server hook that lets WatchBodies find a
// request's connection.
func (l *limitListener) ConnContext(ctx context.Context, c net.Conn) context.Context {
	if lc := asLimited(c); lc != nil {
		return context.WithValue(ctx, connKey{}, lc)
	}
	return ctx
}

// WatchBodies marks a connection while its handler runs and while that
// handler is blocked reading the request body: an active connection with a
// running handler waits on its client only in the latter case.
// (When the body is read, net/http itself reads the connection in the
// background while the handler works; timing that read out would cancel
// the request.)
func (l *limitListener) WatchBodies(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lc, _ := r.Context().Value(connKey{}).(*limitedConn)
		if lc == nil {
			h.ServeHTTP(w, r)
			return
		}
		lc.handlers.Add(1)
		defer lc.handlers.Add(-1)
		if r.Body != nil && r.Body != http.NoBody {
			r = r.WithContext(r.Context())
			r.Body = &markedBody{ReadCloser: r.Body, conn: lc}
		}
		h.ServeHTTP(w, r)
	})
}

// Close also wakes an Accept waiting for a slot, so shutdown never hangs
// on a full server.
func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

func asLimited(c net.Conn) *limitedConn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	lc, _ := c.(*limitedConn)
	return lc
}

// limitedConn holds a slot until closed and records when it last moved a
// byte.
type limitedConn struct {
	net.Conn
	l         *limitListener
	closeOnce sync.Once

	lastIO    atomic.Int64 // unix nanoseconds
	state     atomic.Int32 // http.ConnState
	handlers  atomic.Int32 // handlers running for the connection's request
	bodyReads atomic.Int32 // request body reads in progress
	expired   atomic.Bool
}

func (c *limitedConn) touch() { c.lastIO.Store(time.Now().UnixNano()) }

// waitingOnClient says whether the connection's progress depends only on
// its client: nothing sent yet, between requests, headers still arriving,
// or the handler blocked reading the body.
func (c *limitedConn) waitingOnClient() bool {
	switch http.ConnState(c.state.Load()) {
	case http.StateNew, http.StateIdle:
		return true
	case http.StateActive:
		return c.handlers.Load() == 0 || c.bodyReads.Load() > 0
	}
	return false
}

func (c *limitedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.touch()
	}
	return n, err
}

func (c *limitedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.touch()
	}
	return n, err
}

// Close gives the slot back once, however often it runs.
func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
		<-c.l.slots
	})
	return err
}

// CloseWrite keeps net/http's half-close: after rejecting a request whose
// body it did not read, the server shuts its side and lets the client read
// the answer before the connection is reset.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Close()
}

// ReadFrom keeps the socket's own ReadFrom (sendfile, splice) reachable;
// the bytes it moves count as activity.
func (c *limitedConn) ReadFrom(r io.Reader) (int64, error) {
	n, err := io.Copy(c.Conn, r)
	if n > 0 {
		c.touch()
	}
	return n, err
}

// markedBody counts a request body read in progress on its connection.
type markedBody struct {
	io.ReadCloser
	conn *limitedConn
}

func (b *markedBody) Read(p []byte) (int, error) {
	b.conn.bodyReads.Add(1)
	defer b.conn.bodyReads.Add(-1)
	return b.ReadCloser.Read(p)
}
