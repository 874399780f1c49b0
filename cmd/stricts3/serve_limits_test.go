package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
)

// A bound every blocking read in these tests is given, far above the
// configured timeouts, so a regression fails instead of hanging.
const readBound = 10 * time.Second

func TestParseServe_Limits_DefaultsFlagsAndEnvironment(t *testing.T) {
	cfg, err := parseServe(nil, io.Discard, envMap(nil))
	require.NoError(t, err)
	assert.Equal(t, serveLimits{
		readHeaderTimeout: 30 * time.Second, idleTimeout: 2 * time.Minute,
		readIdleTimeout: 20 * time.Second, writeIdleTimeout: 20 * time.Second, maxConnections: 1024, maxHeaderBytes: 1 << 20, busyIdleTimeout: time.Second,
	}, cfg.limits)

	cfg, err = parseServe([]string{"--read-idle-timeout", "5s", "--max-connections", "10"}, io.Discard, envMap(map[string]string{
		"STRICTS3_READ_IDLE_TIMEOUT": "9s", "STRICTS3_WRITE_IDLE_TIMEOUT": "7s", "STRICTS3_READ_HEADER_TIMEOUT": "3s",
		"STRICTS3_IDLE_TIMEOUT": "4s", "STRICTS3_MAX_CONNECTIONS": "99", "STRICTS3_MAX_HEADER_BYTES": "16384", "STRICTS3_BUSY_IDLE_TIMEOUT": "2s",
	}))
	require.NoError(t, err)
	assert.Equal(t, serveLimits{
		readHeaderTimeout: 3 * time.Second, idleTimeout: 4 * time.Second,
		readIdleTimeout: 5 * time.Second, writeIdleTimeout: 7 * time.Second, maxConnections: 10, maxHeaderBytes: 16384, busyIdleTimeout: 2 * time.Second,
	}, cfg.limits)
}

func TestParseServe_Limits_NonPositiveIsUsageError(t *testing.T) {
	for _, args := range [][]string{
		{"--read-idle-timeout", "0s"},
		{"--write-idle-timeout", "-1s"},
		{"--read-header-timeout", "0s"},
		{"--idle-timeout", "0s"},
		{"--max-connections", "0"},
		{"--max-header-bytes", "0"},
		{"--busy-idle-timeout", "0s"},
	} {
		_, err := parseServe(args, io.Discard, envMap(nil))
		require.Error(t, err, args)
		assert.Equal(t, exitUsage, exitCode(err), args)
		assert.Contains(t, err.Error(), args[0], "the message names the flag")
	}
}

func TestConnectionBudget_NeverAboveWhatTheOpenFileLimitServes(t *testing.T) {
	soft, err := raiseOpenFileLimit()
	require.NoError(t, err)
	if soft == 0 || soft > 1<<30 {
		t.Skip("no finite open-file limit here")
	}
	logs := &s3test.LockedBuffer{}
	logger := newLogger(&serveConfig{logFormat: "text", logLevel: "info"}, logs)
	fit := int((soft - reservedFiles) / filesPerConnection)
	assert.Equal(t, fit, connectionBudget(int(soft)*2, logger))
	assert.Contains(t, logs.String(), "--max-connections lowered")
	assert.Equal(t, 5, connectionBudget(5, logger), "a bound that fits is kept")
}

// With --max-connections 2 and both connections stalled mid-request (one
// silent, one anonymous POST that stopped sending), a new client waits in
// the accept queue rather than failing, and is served as soon as the idle
// timeouts free a slot. Meanwhile the stalled POST is answered 400
// RequestTimeout and the silent connection closed.
func TestServe_MaxConnections_StalledClientsTimeOutThenTheNextClientIsServed(t *testing.T) {
	const idle = "300ms"
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--max-connections", "2",
		"--read-header-timeout", idle, "--idle-timeout", idle, "--read-idle-timeout", idle, "--write-idle-timeout", idle)
	addr := strings.TrimPrefix(s.vars["AWS_ENDPOINT_URL"], "http://")
	// Its keep-alive connection is the one the stalled POST takes the slot
	// of: the limit logs then.
	s3test.MustCreateBucket(t, sdkClient(t, s.vars), "queued")

	silent, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer silent.Close()
	post := stalledPost(t, addr, "queued")
	awaitLine(t, s, "connection limit reached")

	// A fresh client, so no pooled connection: it is accepted only once a
	// slot frees.
	_, err = sdkClient(t, s.vars).ListBuckets(t.Context(), &s3.ListBucketsInput{})
	require.NoError(t, err, "the next client is served once the stalled ones time out")

	resp, body := readResponse(t, post)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "<Code>RequestTimeout</Code>")

	require.NoError(t, silent.SetReadDeadline(time.Now().Add(readBound)))
	_, err = silent.Read(make([]byte, 1))
	assert.True(t, errors.Is(err, io.EOF) || isReset(err), "the silent connection is closed by the server, got %v", err)
}

// At the bound, a keep-alive connection waiting for its next request gives
// its slot to a new client after --busy-idle-timeout instead of holding it
// for --idle-timeout.
func TestServe_MaxConnections_IdleKeepAliveYieldsItsSlotToANewClient(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--max-connections", "1", "--idle-timeout", "1m", "--busy-idle-timeout", "100ms")
	first := sdkClient(t, s.vars)
	s3test.MustCreateBucket(t, first, "shared") // first's connection now idles in its pool

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := sdkClient(t, s.vars).ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err, "served long before the minute the idle connection could hold the slot")
	_, err = first.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err, "the first client reconnects")
	awaitLine(t, s, "connection limit reached")
}

// With timeouts of a minute, a stalled upload holding the last slot is
// timed out after --busy-idle-timeout once a new client waits: the upload
// is answered 400 RequestTimeout and the new client served.
func TestServe_MaxConnections_StalledUploadYieldsItsSlotToAWaitingClient(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--max-connections", "2", "--busy-idle-timeout", "200ms",
		"--read-header-timeout", "1m", "--idle-timeout", "1m", "--read-idle-timeout", "1m", "--write-idle-timeout", "1m")
	addr := strings.TrimPrefix(s.vars["AWS_ENDPOINT_URL"], "http://")
	// Both slots taken: the stalled upload, and after it a keep-alive
	// connection that has moved bytes more recently, so the upload is the
	// stalest connection waiting on its client.
	post := stalledPost(t, addr, "pressed")
	_, err := sdkClient(t, s.vars).ListBuckets(t.Context(), &s3.ListBucketsInput{})
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err = sdkClient(t, s.vars).ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err, "served long before any minute-long timeout")

	resp, body := readResponse(t, post)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "<Code>RequestTimeout</Code>")
}

// stalledPost opens a connection that sends an anonymous POST upload's
// headers and the start of its form, then nothing.
func stalledPost(t *testing.T, addr, bucket string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	_, err = io.WriteString(c, "POST /"+bucket+" HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 100000\r\n\r\n"+
		"--xyz\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nuploads/")
	require.NoError(t, err)
	return c
}

// readResponse reads one response from c, bounded by readBound.
func readResponse(t *testing.T, c net.Conn) (*http.Response, string) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(readBound)))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// awaitLine waits for a server log line containing want.
func awaitLine(t *testing.T, s *served, want string) {
	t.Helper()
	timeout := time.After(readBound)
	for {
		select {
		case line := <-s.stderrLines:
			if strings.Contains(line, want) {
				return
			}
		case <-timeout:
			t.Fatalf("no log line with %q: %s", want, s.stderr.String())
		}
	}
}

func TestServe_MaxHeaderBytes_LargerHeadersAre431(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--max-header-bytes", "1024")
	req, err := http.NewRequest(http.MethodGet, s.vars["AWS_ENDPOINT_URL"]+"/", nil)
	require.NoError(t, err)
	// net/http allows 4 KiB over the configured bound; 64 KiB is well past.
	req.Header.Set("X-Padding", strings.Repeat("p", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
}
