package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServe_Pprof_RefusesAddressesBeyondLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:6060", ":6060", "[::]:6060", "192.0.2.1:6060", "example.com:6060", "6060", "127.0.0.1"} {
		t.Run(addr, func(t *testing.T) {
			var stderr bytes.Buffer
			err := run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--pprof", addr}, io.Discard, &stderr, envMap(nil))
			require.Error(t, err)
			assert.Equal(t, exitUsage, exitCode(err))
			assert.Contains(t, err.Error(), "--pprof")
		})
	}
}

func TestServe_PprofHeaderTimeout_MustBePositive(t *testing.T) {
	for _, v := range []string{"0s", "-1s"} {
		_, err := parseServe([]string{"--pprof", "127.0.0.1:0", "--pprof-header-timeout", v}, io.Discard, envMap(nil))
		require.Error(t, err, v)
		assert.Equal(t, exitUsage, exitCode(err), v)
	}
	c, err := parseServe([]string{"--pprof", "127.0.0.1:0"}, io.Discard, envMap(map[string]string{"STRICTS3_PPROF_HEADER_TIMEOUT": "3s"}))
	require.NoError(t, err)
	assert.Equal(t, 3*time.Second, c.pprofHeaderTimeout)
}

func TestServe_Pprof_AcceptsLoopbackAddresses(t *testing.T) {
	for _, addr := range []string{"", "127.0.0.1:6060", "127.0.0.2:0", "[::1]:6060", "localhost:6060"} {
		assert.NoError(t, checkPprofAddr(addr), addr)
	}
}

// pprofURL finds the profiler's address in serve's banner.
func pprofURL(s *served) string {
	for _, line := range s.banner {
		if u, ok := strings.CutPrefix(line, "pprof on "); ok {
			return u
		}
	}
	return ""
}

func TestServe_Pprof_ServesTheProfilerOnItsOwnListenerOnly(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--pprof", "127.0.0.1:0")
	prof := pprofURL(s)
	require.NotEmpty(t, prof, "banner %q", s.banner)
	endpoint := s.vars["AWS_ENDPOINT_URL"]
	assert.NotContains(t, prof, strings.TrimPrefix(endpoint, "http://"), "never the S3 port")

	resp, err := http.Get(prof + "goroutine?debug=1")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "goroutine profile:")

	// The S3 port does not serve the profiler: its path is an S3 bucket
	// (one that does not exist, which S3 tells even an anonymous caller).
	resp, err = http.Get(endpoint + "/debug/pprof/goroutine?debug=1")
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, string(body), "<Code>NoSuchBucket</Code>")
	assert.NotContains(t, string(body), "goroutine profile:")

	require.NoError(t, s.stop())
	_, err = http.Get(prof)
	assert.Error(t, err, "the profiler stops with the server")
}

func TestServe_Pprof_OffByDefault(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0")
	assert.Empty(t, pprofURL(s), "banner %q", s.banner)
}

func TestServe_Pprof_ClosesAStalledConnection(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--pprof", "127.0.0.1:0", "--pprof-header-timeout", "200ms")
	prof := pprofURL(s)
	require.NotEmpty(t, prof)
	conn, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(prof, "http://"), "/debug/pprof/"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("GET /debug/pprof/ HTTP/1.1\r\n")) // and never the rest
	require.NoError(t, err)
	// The server closes it after the header timeout; this test's own bound
	// is much longer, so a server that never closes fails instead of hanging.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, err = io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the profiler kept a connection whose headers never arrived")
	}
}
