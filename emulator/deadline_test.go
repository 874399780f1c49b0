package emulator

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
)

// testIdle is the idle timeout these tests configure: short enough to keep
// the suite fast, long enough that a loaded machine does not trip it while
// the test is still sending.
const testIdle = 300 * time.Millisecond

// waitBound bounds every blocking read here, far above testIdle, so a
// regression fails instead of hanging.
const waitBound = 10 * time.Second

// requestLog is a slog.Handler that hands each request's operation and
// error code to the test as the server logs them.
type requestLog chan [2]string

func (l requestLog) Enabled(context.Context, slog.Level) bool { return true }
func (l requestLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l requestLog) WithGroup(string) slog.Handler            { return l }
func (l requestLog) Handle(_ context.Context, r slog.Record) error {
	var op, code string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "operation":
			op = a.Value.String()
		case "error":
			code = a.Value.String()
		}
		return true
	})
	select {
	case l <- [2]string{op, code}:
	default:
	}
	return nil
}

// awaitLogged returns the error code logged for the next request of op.
func (l requestLog) awaitLogged(t *testing.T, op string) string {
	t.Helper()
	timeout := time.After(waitBound)
	for {
		select {
		case rec := <-l:
			if rec[0] == op {
				return rec[1]
			}
		case <-timeout:
			t.Fatalf("no %s request was logged within %s", op, waitBound)
		}
	}
}

// sendHead writes req's request line and headers on a fresh connection to
// ts, then the first bytes of a body of declared length, and nothing more.
func sendHead(t *testing.T, ts *TestServer, req *http.Request, declared int64, first string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", ts.Host())
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", req.Method, req.URL.RequestURI(), req.Host, declared)
	require.NoError(t, req.Header.Write(&head))
	head.WriteString("\r\n" + first)
	_, err = conn.Write(head.Bytes())
	require.NoError(t, err)
	return conn
}

// readAnswer reads the server's response on conn, then asserts the server
// closed the connection after it.
func readAnswer(t *testing.T, conn net.Conn) (*http.Response, []byte) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(waitBound)))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err, "the server answers a stalled request instead of waiting for it")
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_, err = br.ReadByte()
	assert.True(t, errors.Is(err, io.EOF) || isConnReset(err), "the server closes the connection after the answer, got %v", err)
	return resp, body
}

func isConnReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !op.Timeout()
}

func TestIdleTimeout_StalledPutBody_IsRequestTimeoutAndStoresNothing(t *testing.T) {
	ts := NewTestServer(t, WithIdleTimeouts(testIdle, testIdle))
	s3test.MustCreateBucket(t, ts.Client, "stall")
	s3test.MustPutObject(t, ts.Client, "stall", "kept", "the previous object")

	// Signed with UNSIGNED-PAYLOAD: a valid request that declares 5 GiB
	// and sends 10 bytes, the shape that held connections forever.
	req := signedRequest(t, ts, http.MethodPut, ts.URL+"/stall/kept", nil, map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"})
	conn := sendHead(t, ts, req, 5<<30, "0123456789")
	resp, body := readAnswer(t, conn)

	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	e := parseError(t, body)
	assert.Equal(t, "RequestTimeout", e.Code)
	assert.Equal(t, "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.", e.Message)
	assert.True(t, resp.Close, "the answer says Connection: close")
	assert.Equal(t, "the previous object", s3test.MustGetBody(t, ts.Client, "stall", "kept"), "a timed-out upload leaves the previous object intact")
}

func TestIdleTimeout_SlowButSteadyBody_IsNotCutOff(t *testing.T) {
	ts := NewTestServer(t, WithIdleTimeouts(testIdle, testIdle))
	s3test.MustCreateBucket(t, ts.Client, "steady")

	// Each piece arrives only after the server asked for the previous one
	// (it answered 100 Continue), so the whole upload lasts longer than
	// one idle period without any single gap reaching it.
	const pieces = 4
	req := signedRequest(t, ts, http.MethodPut, ts.URL+"/steady/k", nil, map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"})
	conn := sendHead(t, ts, req, pieces, "")
	for i := 0; i < pieces; i++ {
		// A read the server cannot answer yet, bounded by a fraction of
		// the idle timeout: the pause between pieces is real, no sleep.
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(testIdle/2)))
		_, err := conn.Read(make([]byte, 1))
		var ne net.Error
		require.True(t, errors.As(err, &ne) && ne.Timeout(), "nothing is answered before the body is complete, got %v", err)
		_, err = conn.Write([]byte{'a' + byte(i)})
		require.NoError(t, err)
	}
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(waitBound)))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "abcd", s3test.MustGetBody(t, ts.Client, "steady", "k"))
}

func TestIdleTimeout_StalledAnonymousPost_IsAnsweredAndClosed(t *testing.T) {
	ts := NewTestServer(t, WithIdleTimeouts(testIdle, testIdle))
	s3test.MustCreateBucket(t, ts.Client, "posted")

	// No credentials at all: the form's first field, then silence.
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/posted", nil)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=xyz")
	conn := sendHead(t, ts, req, 100000, "--xyz\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nuploads/")
	resp, body := readAnswer(t, conn)

	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "RequestTimeout", parseError(t, body).Code)
}

// TestIdleTimeout_GetReaderThatNeverReads_IsDisconnected holds for both
// stores: the memory store's bytes reach the connection by Write, the
// directory store's by ReadFrom (sendfile), a chunk per deadline.
func TestIdleTimeout_GetReaderThatNeverReads_IsDisconnected(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store func(t *testing.T) store.Store
	}{
		{"memory", func(*testing.T) store.Store { return store.NewMemory() }},
		{"dir", func(t *testing.T) store.Store {
			d, err := store.NewDir(t.TempDir())
			require.NoError(t, err)
			t.Cleanup(func() { d.Close() })
			return d
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := make(requestLog, 64)
			ts := NewTestServer(t, WithStore(tc.store(t)), WithIdleTimeouts(testIdle, testIdle), WithLogger(slog.New(log)))
			s3test.MustCreateBucket(t, ts.Client, "big")
			// Far more than loopback socket buffers hold, so the server's
			// writes block on a client that takes nothing.
			const size = 64 << 20
			s3test.MustPutObject(t, ts.Client, "big", "k", strings.Repeat("x", size))

			req := signedRequest(t, ts, http.MethodGet, ts.URL+"/big/k", nil, nil)
			conn := sendHead(t, ts, req, 0, "")
			assert.Equal(t, "RequestTimeout", log.awaitLogged(t, "GetObject"), "the server gives up on the reader and says why in its log")

			// Only now does the client read: it gets what the buffers
			// held, then the end of a connection the server dropped.
			require.NoError(t, conn.SetReadDeadline(time.Now().Add(waitBound)))
			got, err := io.Copy(io.Discard, conn)
			assert.True(t, err == nil || isConnReset(err), "the connection ends, it does not time out on the client: %v", err)
			assert.Less(t, got, int64(size), "the response was cut off")
		})
	}
}
