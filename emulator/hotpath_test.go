package emulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/verifier"
)

func TestRequestIDs_SameFormatAsBefore(t *testing.T) {
	for _, tc := range []struct{ prefix, n uint32 }{{0, 0}, {0xDEADBEEF, 41}, {0xFFFFFFFF, 0xFFFFFFFE}, {0x0000ABCD, 0x00100000}} {
		g := &requestIDs{prefix: tc.prefix}
		g.n.Store(tc.n)
		id, host := g.next()
		want := fmt.Sprintf("%08X%08X", tc.prefix, tc.n+1)
		sum := sha256.Sum256([]byte("stricts3-host/" + want))
		assert.Equal(t, want, id)
		assert.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), host)
	}
}

// levelLog records which levels the server asked about and what it logged.
type levelLog struct {
	min     slog.Level
	mu      sync.Mutex
	asked   []slog.Level
	records []slog.Record
}

func (l *levelLog) Enabled(_ context.Context, lv slog.Level) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked = append(l.asked, lv)
	return lv >= l.min
}
func (l *levelLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *levelLog) WithGroup(string) slog.Handler      { return l }
func (l *levelLog) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r)
	return nil
}

func TestServer_LogLineIsSkippedWhenItsLevelIsOff(t *testing.T) {
	for _, tc := range []struct {
		name     string
		min      slog.Level
		wantLogs int
	}{
		{"info on", slog.LevelInfo, 1},
		{"info off", slog.LevelWarn, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &levelLog{min: tc.min}
			s, err := New(Options{Credentials: verifier.NewStaticCredentials(), Logger: slog.New(h)})
			require.NoError(t, err)
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9000/", nil)) // anonymous: AccessDenied, logged at info
			assert.Equal(t, http.StatusForbidden, w.Code)
			require.NotEmpty(t, h.asked)
			assert.Equal(t, slog.LevelInfo, h.asked[0])
			if tc.wantLogs == 0 {
				// Asked once, by finish: slog itself was never called.
				assert.Len(t, h.asked, 1)
			}
			assert.Len(t, h.records, tc.wantLogs)
		})
	}
}

func TestServer_ResponseHeadersOfEveryAnswer(t *testing.T) {
	s, err := New(Options{Credentials: verifier.NewStaticCredentials()})
	require.NoError(t, err)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	h := w.Header()
	assert.Len(t, h.Get("X-Amz-Request-Id"), 16)
	assert.Len(t, h.Get("X-Amz-Id-2"), 44)
	assert.Equal(t, "AmazonS3", h.Get("Server"))
	// Each value is its own slice: appending to one leaves the others be.
	h.Add("X-Amz-Request-Id", "second")
	assert.Equal(t, "AmazonS3", h.Get("Server"))
	assert.Len(t, h.Values("X-Amz-Id-2"), 1)
}

// readFromRecorder is a ResponseWriter that says whether ReadFrom was used.
type readFromRecorder struct {
	*httptest.ResponseRecorder
	usedReadFrom bool
}

func (r *readFromRecorder) ReadFrom(src io.Reader) (int64, error) {
	r.usedReadFrom = true
	return io.Copy(r.ResponseRecorder, src)
}

func TestStatusWriter_CopiesThroughTheServersReadFrom(t *testing.T) {
	rec := &readFromRecorder{ResponseRecorder: httptest.NewRecorder()}
	w := &statusWriter{ResponseWriter: rec}
	// A reader without WriteTo, as io.Copy would otherwise use that.
	n, err := io.Copy(w, struct{ io.Reader }{strings.NewReader("body")})
	require.NoError(t, err)
	assert.EqualValues(t, 4, n)
	assert.True(t, rec.usedReadFrom)
	assert.Equal(t, http.StatusOK, w.statusOr200())
	assert.Equal(t, "body", rec.Body.String())

	plain := httptest.NewRecorder() // no ReadFrom of its own
	w = &statusWriter{ResponseWriter: plain}
	_, err = io.Copy(w, struct{ io.Reader }{strings.NewReader("body")})
	require.NoError(t, err)
	assert.Equal(t, "body", plain.Body.String())
	assert.Equal(t, http.StatusOK, w.status)
}

func TestServer_QueryHeadersLeaveTheCallersRequestAlone(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	_, err := ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("replay")})
	require.NoError(t, err)
	_, err = ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("replay"), Key: aws.String("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	// Unsigned x-amz-* query values act as headers of this request only.
	req, err := ts.Presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("replay"), Key: aws.String("k")})
	require.NoError(t, err)
	require.Contains(t, req.URL, "X-Amz-Checksum-Mode=ENABLED", "the SDK pre-signs checksum mode into the query")
	r := httptest.NewRequest(http.MethodGet, req.URL, nil)
	for range 2 { // the same request twice, as a caller may replay it
		w := httptest.NewRecorder()
		ts.Server.ServeHTTP(w, r)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	}
	assert.Empty(t, r.Header.Get("X-Amz-Checksum-Mode"), "the caller's headers are not the server's to change")
}

// countingWriter is a ResponseWriter that counts Write calls.
type countingWriter struct {
	*httptest.ResponseRecorder
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.ResponseRecorder.Write(p)
}

func TestStatusWriter_LargeBodiesGoOutInLargeChunks(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 4*copyBufferSize/16)
	pool := &sync.Pool{New: newCopyBuffer}
	rec := &countingWriter{ResponseRecorder: httptest.NewRecorder()}
	w := &statusWriter{ResponseWriter: rec, buffers: pool}
	// A reader that cannot write itself, as a store's may be.
	n, err := io.Copy(w, struct{ io.Reader }{bytes.NewReader(body)})
	require.NoError(t, err)
	assert.EqualValues(t, len(body), n)
	assert.Equal(t, body, rec.Body.Bytes())
	assert.Equal(t, 4, rec.writes, "one write per %d bytes, not per 32 KiB", copyBufferSize)
	assert.Equal(t, http.StatusOK, w.status)
}
