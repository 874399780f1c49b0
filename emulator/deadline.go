package emulator

import (
	"errors"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/stricts3/stricts3/internal/s3err"
)

// DefaultIdleTimeout is how long a request may go without a byte of its
// body arriving, or without a byte of its response being taken, before the
// server gives up on it. AWS documents about 20 seconds of idle socket
// before S3 answers 400 RequestTimeout and closes the connection (AWS
// knowledge center, "s3-socket-connection-timeout-error"); the same
// figure bounds writes, where S3 publishes none.
const DefaultIdleTimeout = 20 * time.Second

// idleTimeouts are the per-request read and write idle deadlines; zero
// disables one.
type idleTimeouts struct {
	read, write time.Duration
}

// resolveIdleTimeout maps an Options value: zero is the default, negative
// is off.
func resolveIdleTimeout(d time.Duration) time.Duration {
	switch {
	case d == 0:
		return DefaultIdleTimeout
	case d < 0:
		return 0
	}
	return d
}

// watch arms the connection's deadlines for one request and returns the
// writer the handler must use from then on, the body it must read (nil:
// r's own), and the watch whose end turns a timed-out read or write into
// RequestTimeout. The caller puts the body in its own copy of r: the
// request the server was handed is not changed.
//
// A fixed whole-request deadline (http.Server.ReadTimeout) would cut off a
// large upload that is merely slow; these deadlines are pushed forward by
// every read and write that makes progress, so only a peer that stops
// sending (or stops reading) is dropped. A writer that cannot set deadlines
// (httptest.ResponseRecorder) is served without them.
func (t idleTimeouts) watch(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, io.ReadCloser, *watch) {
	wa := &watch{rc: *http.NewResponseController(w), idleTimeouts: t}
	if t.write > 0 {
		// No deadline yet: nothing is written before the first Write or
		// WriteHeader, and net/http cleared the previous request's.
		wa.ownWriter = idleWriter{ResponseWriter: w, watch: wa}
		wa.writer = &wa.ownWriter
		w = wa.writer
	}
	// A request without a body is left alone: net/http is already reading
	// the connection in the background to notice a client going away, and
	// a deadline would cut that read off and cancel the request's context.
	if t.read > 0 && r.Body != nil && r.Body != http.NoBody && wa.armRead() == nil {
		wa.body = &idleBody{ReadCloser: r.Body, watch: wa}
		return w, wa.body, wa
	}
	return w, nil, wa
}

// watch holds one request's deadlines and records which one expired.
type watch struct {
	idleTimeouts
	rc     http.ResponseController
	body   *idleBody
	writer *idleWriter
	// ownWriter is what writer points to, allocated with the watch.
	ownWriter idleWriter
	// noWriteDeadline is set once the writer said it cannot take a write
	// deadline (httptest.ResponseRecorder): asking again on every write
	// would only build the same error again.
	noWriteDeadline bool
	// readArmed and writeArmed are when each deadline was last set.
	readArmed, writeArmed armed

	readStalled, writeStalled atomic.Bool
}

// Setting a connection deadline is a timer update in the runtime, and a
// small PUT used to set one seven times (before every read and every write,
// and again at the end): 5 % of the server's CPU for the request. So a
// deadline is set idle+idle/rearmSlack ahead, and set again only once
// idle/rearmSlack has passed since: at every read or write that makes
// progress the deadline is still at least the idle timeout away, so no
// peer is cut off sooner than the timeout, and a stalled one is cut off at
// most a quarter of it later.
const rearmSlack = 4

// armed is one deadline's setting: when it was last set.
type armed struct{ at time.Time }

// due reports whether the deadline must be set again at now.
func (a *armed) due(now time.Time, idle time.Duration) bool {
	return a.at.IsZero() || now.Sub(a.at) >= idle/rearmSlack
}

func (wa *watch) armRead() error {
	now := time.Now()
	if !wa.readArmed.due(now, wa.read) {
		return nil
	}
	if err := wa.rc.SetReadDeadline(now.Add(wa.read + wa.read/rearmSlack)); err != nil {
		return err
	}
	wa.readArmed.at = now
	return nil
}

func (wa *watch) armWrite() {
	if wa.writer == nil || wa.noWriteDeadline {
		return
	}
	now := time.Now()
	if !wa.writeArmed.due(now, wa.write) {
		return
	}
	err := wa.rc.SetWriteDeadline(now.Add(wa.write + wa.write/rearmSlack))
	if errors.Is(err, http.ErrNotSupported) {
		wa.noWriteDeadline = true
		return
	}
	wa.writeArmed.at = now
}

// end runs when the handler returns. net/http still flushes the buffered
// response and, for a body left unread, reads up to 256 KiB of it to keep
// the connection: both get a full idle period from now. It replaces err
// with RequestTimeout when a deadline expired during the request: whatever
// the handler made of the failed read (IncompleteBody, MalformedPOSTRequest,
// a store error), the cause is the idle client; the connection is closed
// after the answer, as S3's message says.
func (wa *watch) end(err error, h http.Header) error {
	if wa == nil {
		return err
	}
	wa.armWrite()
	if wa.body != nil && !wa.body.ended {
		_ = wa.armRead()
	}
	if err == nil || !(wa.readStalled.Load() || wa.writeStalled.Load()) {
		return err
	}
	what, idle := "no byte of the request body arrived", wa.read
	if wa.writeStalled.Load() {
		what, idle = "the client took no byte of the response", wa.write
	}
	h.Set("Connection", "close")
	return s3err.New(s3err.RequestTimeout).WithDiagnosis("%s for %s (%v)", what, idle, err)
}

func isDeadlineExceeded(err error) bool {
	return errors.Is(err, os.ErrDeadlineExceeded)
}

// idleBody pushes the read deadline forward before each read of the body.
type idleBody struct {
	io.ReadCloser
	watch *watch
	// ended is set once a read failed or hit EOF: from then on net/http
	// owns the connection's read deadline (its background read must not
	// inherit ours).
	ended bool
}

func (b *idleBody) Read(p []byte) (int, error) {
	if b.ended {
		return b.ReadCloser.Read(p)
	}
	_ = b.watch.armRead()
	// The first read may send "100 Continue".
	b.watch.armWrite()
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.ended = true
		if isDeadlineExceeded(err) {
			b.watch.readStalled.Store(true)
			// The write deadline may have passed with it (a server at its
			// connection bound times out a stalled client by setting both
			// to now): the RequestTimeout answer must set it afresh.
			b.watch.writeArmed = armed{}
		}
	}
	return n, err
}

// idleWriter pushes the write deadline forward before each write of the
// response.
type idleWriter struct {
	http.ResponseWriter
	watch *watch
}

func (w *idleWriter) WriteHeader(code int) {
	w.watch.armWrite()
	w.ResponseWriter.WriteHeader(code)
}

// Write hands p on in pieces of at most sendChunk, re-arming the deadline
// before each: a whole in-memory object arrives here in one Write, which
// the client could not take within one idle period.
func (w *idleWriter) Write(p []byte) (int, error) {
	total := 0
	for {
		w.watch.armWrite()
		n, err := w.ResponseWriter.Write(p[:min(len(p), sendChunk)])
		total += n
		p = p[n:]
		if err != nil {
			if isDeadlineExceeded(err) {
				w.watch.writeStalled.Store(true)
			}
			return total, err
		}
		if len(p) == 0 {
			return total, nil
		}
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *idleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
