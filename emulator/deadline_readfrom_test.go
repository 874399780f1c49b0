package emulator

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readerFromRecorder is a ResponseWriter with net/http's ReadFrom: it
// records what each call was handed, as net's sendfile would see it, and
// can fail a call with an error (a write deadline).
type readerFromRecorder struct {
	*httptest.ResponseRecorder
	fileChunks []int64 // N of each *io.LimitedReader over an *os.File
	other      int     // calls with any other reader
	failWith   error
}

func (r *readerFromRecorder) ReadFrom(src io.Reader) (int64, error) {
	if lr, ok := src.(*io.LimitedReader); ok {
		if _, isFile := lr.R.(*os.File); isFile {
			r.fileChunks = append(r.fileChunks, lr.N)
		}
	} else {
		r.other++
	}
	if r.failWith != nil {
		n, _ := io.CopyN(r.Body, src, 10)
		return n, r.failWith
	}
	return io.Copy(r.Body, src)
}

func newIdleWriter(w http.ResponseWriter) *idleWriter {
	wa := &watch{rc: *http.NewResponseController(w), idleTimeouts: idleTimeouts{write: time.Second}}
	wa.writer = &idleWriter{ResponseWriter: w, watch: wa}
	return wa.writer
}

func TestIdleWriter_ReadFrom_HandsTheFileOnInBoundedChunks(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), (5*sendChunk)/16)
	path := filepath.Join(t.TempDir(), "object")
	require.NoError(t, os.WriteFile(path, data, 0o600))

	for _, tc := range []struct {
		name          string
		start, length int64
		wantChunks    []int64
	}{
		{"empty range", 3, 0, nil},
		{"under one chunk", 7, 100, []int64{100}},
		{"exactly two chunks", 0, 2 * sendChunk, []int64{sendChunk, sendChunk}},
		{"two and a half chunks from an offset", 11, 2*sendChunk + sendChunk/2, []int64{sendChunk, sendChunk, sendChunk / 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			_, err = f.Seek(tc.start, io.SeekStart)
			require.NoError(t, err)
			src := &io.LimitedReader{R: f, N: tc.length}
			rec := &readerFromRecorder{ResponseRecorder: httptest.NewRecorder()}

			n, err := io.Copy(newIdleWriter(rec), src)
			require.NoError(t, err)
			assert.Equal(t, tc.length, n)
			assert.Equal(t, tc.wantChunks, rec.fileChunks, "every chunk is a LimitedReader over the file, as sendfile needs")
			assert.Zero(t, rec.other)
			assert.Zero(t, src.N, "the source is consumed")
			assert.True(t, bytes.Equal(data[tc.start:tc.start+tc.length], rec.Body.Bytes()), "the bytes of the range, in order")
		})
	}
}

func TestIdleWriter_ReadFrom_ReaderWithoutLimit_IsSentToEOF(t *testing.T) {
	data := strings.Repeat("x", sendChunk+5)
	rec := &readerFromRecorder{ResponseRecorder: httptest.NewRecorder()}
	n, err := newIdleWriter(rec).ReadFrom(strings.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, int64(len(data)), n)
	assert.Equal(t, data, rec.Body.String())
}

func TestIdleWriter_ReadFrom_DeadlineExceeded_MarksTheWriteStalled(t *testing.T) {
	rec := &readerFromRecorder{ResponseRecorder: httptest.NewRecorder(), failWith: os.ErrDeadlineExceeded}
	w := newIdleWriter(rec)
	n, err := w.ReadFrom(&io.LimitedReader{R: strings.NewReader(strings.Repeat("x", 3*sendChunk)), N: 3 * sendChunk})
	require.ErrorIs(t, err, os.ErrDeadlineExceeded)
	assert.Equal(t, int64(10), n, "what got out before the deadline")
	assert.True(t, w.watch.writeStalled.Load(), "the watch answers RequestTimeout")
}

func TestIdleWriter_ReadFrom_WriterWithoutReadFrom_Copies(t *testing.T) {
	rec := httptest.NewRecorder()
	data := strings.Repeat("y", 2*sendChunk+1)
	n, err := io.Copy(newIdleWriter(rec), &io.LimitedReader{R: strings.NewReader(data), N: int64(len(data))})
	require.NoError(t, err)
	assert.Equal(t, int64(len(data)), n)
	assert.Equal(t, data, rec.Body.String())
}
