package emulator

import (
	"io"
	"net/http"
)

// sendChunk is how many bytes idleWriter hands the connection per call,
// re-arming the write deadline before each: a client must take this much
// per write idle timeout (1 MiB per 20 s by default, about 52 KB/s) or be
// dropped. It is small enough for that floor to spare any working client,
// large enough that the calls (for a file, two seeks and a sendfile each)
// cost nothing next to the bytes.
const sendChunk = 1 << 20

// ReadFrom keeps net/http's ReaderFrom path, and with it sendfile(2) for a
// directory-store object, when the write idle deadline is on: io.Copy to a
// writer without ReadFrom would copy through a 32 KiB buffer instead. src
// is handed on in chunks of sendChunk, each as an *io.LimitedReader over
// what src reads from (the *os.File of an *io.LimitedReader src), the
// shape net's sendfile unwraps; a client that stops reading still trips
// the deadline inside a chunk.
func (w *idleWriter) ReadFrom(src io.Reader) (int64, error) {
	rf, ok := w.ResponseWriter.(io.ReaderFrom)
	if !ok {
		return io.Copy(writeOnly{w}, src)
	}
	inner, left := src, int64(-1) // -1: read src to EOF
	if lr, ok := src.(*io.LimitedReader); ok {
		inner, left = lr.R, lr.N
		defer func() { lr.N = left }()
	}
	var total int64
	for left != 0 {
		chunk := &io.LimitedReader{R: inner, N: sendChunk}
		if left > 0 {
			chunk.N = min(left, sendChunk)
		}
		w.watch.armWrite()
		n, err := rf.ReadFrom(chunk)
		total += n
		if left > 0 {
			left -= n
		}
		if err != nil {
			if isDeadlineExceeded(err) {
				w.watch.writeStalled.Store(true)
			}
			return total, err
		}
		if chunk.N > 0 {
			return total, nil // src ended before the chunk did
		}
	}
	return total, nil
}

// writeOnly hides everything but Write, so io.Copy does not come back to
// idleWriter.ReadFrom.
type writeOnly struct{ io.Writer }

var _ io.ReaderFrom = (*idleWriter)(nil)
var _ http.ResponseWriter = (*idleWriter)(nil)
