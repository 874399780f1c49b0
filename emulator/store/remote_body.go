package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// errBodySize is a body that yielded another length than it declared.
var errBodySize = errors.New("store: body length differs from its declared size")

// heldBody streams a request body to the backend but keeps its last byte
// back until the body has returned io.EOF with the declared length: a body
// that fails at its end (a verification failure surfaces there) aborts
// the backend request one byte short, so the backend commits nothing.
type heldBody struct {
	src   io.Reader
	want  int64
	read  int64
	space []byte
	buf   []byte // unsent bytes, the last of which is held back
	done  bool   // src returned io.EOF with the declared length
	err   error
	// beforeLast runs once src has ended well, before the last byte goes:
	// the metadata a caller fills in while the body is read is final then.
	// Its error aborts the backend request.
	beforeLast func() error
}

func newHeldBody(src io.Reader, size int64) *heldBody {
	return &heldBody{src: src, want: size, space: make([]byte, 32<<10)}
}

func (h *heldBody) Read(p []byte) (int, error) {
	for {
		if h.err != nil {
			// Withhold whatever is buffered: bytes past the declared
			// length would complete the backend request.
			return 0, h.err
		}
		if len(h.buf) > 1 || (h.done && len(h.buf) == 1) {
			end := len(h.buf)
			if !h.done {
				end--
			}
			n := copy(p, h.buf[:end])
			h.buf = h.buf[n:]
			return n, nil
		}
		if h.done {
			return 0, io.EOF
		}
		held := copy(h.space, h.buf)
		n, err := h.src.Read(h.space[held:])
		h.buf = h.space[:held+n]
		h.read += int64(n)
		switch {
		case h.read > h.want:
			h.err = errBodySize
		case err == io.EOF && h.read != h.want:
			h.err = errBodySize
		case err == io.EOF:
			h.err = h.runBeforeLast()
			h.done = h.err == nil
		case err != nil:
			h.err = err
		}
	}
}

func (h *heldBody) runBeforeLast() error {
	if h.beforeLast == nil {
		return nil
	}
	return h.beforeLast()
}

// drainEmpty reads a body declared empty to its end before anything is
// sent: with no byte to hold back, a failure must be seen first.
func (h *heldBody) drainEmpty() error {
	if h.want != 0 {
		return nil
	}
	var one [1]byte
	for h.err == nil && !h.done {
		if _, err := h.Read(one[:]); err != nil && err != io.EOF {
			return err
		} else if err == io.EOF {
			h.done = true
		}
	}
	return h.err
}

// failure is why the body ended early, for the caller to return instead of
// the backend's complaint about a short request.
func (h *heldBody) failure() error { return h.err }

// idleCancel cancels a backend call's context when the bytes it moves
// pause for longer than timeout; each Read of the body it watches resets
// the wait.
type idleCancel struct {
	timer *time.Timer
	d     time.Duration
	mu    sync.Mutex
	fired bool
}

func withIdleCancel(ctx context.Context, d time.Duration) (context.Context, *idleCancel, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	ic := &idleCancel{d: d}
	ic.timer = time.AfterFunc(d, func() {
		ic.mu.Lock()
		ic.fired = true
		ic.mu.Unlock()
		cancel(context.DeadlineExceeded)
	})
	return ctx, ic, func() { ic.timer.Stop(); cancel(nil) }
}

func (ic *idleCancel) touch() { ic.timer.Reset(ic.d) }

func (ic *idleCancel) timedOut() bool {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	return ic.fired
}

// touchingReader resets ic on every Read.
type touchingReader struct {
	r  io.Reader
	ic *idleCancel
}

func (t touchingReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.ic.touch()
	return n, err
}

// sizedUpload is a body ready to send: its reader and its exact length.
type sizedUpload struct {
	body io.Reader
	size int64
	held *heldBody
	// cleanup removes a spool file.
	cleanup func()
}

// prepareBody returns src, the bytes of body (teed into a hash), with a
// length the backend can be told. A SizedBody (every verified request
// body) streams through a heldBody; a body of unknown length is first
// spooled to a file in dir, read to its end, so a failing body sends
// nothing at all.
func prepareBody(body, src io.Reader, dir string) (sizedUpload, error) {
	if sb, ok := body.(SizedBody); ok && sb.ExpectedSize() >= 0 {
		h := newHeldBody(src, sb.ExpectedSize())
		return sizedUpload{body: h, size: sb.ExpectedSize(), held: h, cleanup: func() {}}, nil
	}
	f, err := os.CreateTemp(dir, "stricts3-spool-*")
	if err != nil {
		return sizedUpload{}, fmt.Errorf("store: spool a body of unknown length: %w", err)
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	n, err := io.Copy(f, src)
	if err != nil {
		cleanup()
		return sizedUpload{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return sizedUpload{}, err
	}
	return sizedUpload{body: io.LimitReader(f, n), size: n, cleanup: cleanup}, nil
}
