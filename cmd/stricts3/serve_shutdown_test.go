package main

import (
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A client that opens a connection and sends nothing, or half a request
// line, must not hold SIGINT forever: net/http's Shutdown only gives up on
// such connections after 5 s, so run cuts them off at --shutdown-timeout.
func TestServe_SilentConnections_AreCutOffAtTheShutdownTimeout(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--shutdown-timeout", "200ms")
	addr := strings.TrimPrefix(s.vars["AWS_ENDPOINT_URL"], "http://")
	silent, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer silent.Close()
	halfLine, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer halfLine.Close()
	_, err = io.WriteString(halfLine, "PUT /b/k HTTP/1.1\r\nHost: x\r\n")
	require.NoError(t, err)
	// The listener accepts in order: once a later request is answered, both
	// connections above are the server's.
	_, err = sdkClient(t, s.vars).ListBuckets(t.Context(), &s3.ListBucketsInput{MaxBuckets: aws.Int32(1)})
	require.NoError(t, err)

	start := time.Now()
	err = s.stop()
	elapsed := time.Since(start)
	assert.NoError(t, err, "stopping on request is a clean exit even when connections had to be cut off")
	// stderr is copied by a goroutine that may trail run's return.
	assert.Eventually(t, func() bool {
		return strings.Contains(s.stderr.String(), "closed connections still open after the shutdown timeout")
	}, 5*time.Second, 10*time.Millisecond, "the cut-off is logged: %s", s.stderr.String())
	assert.Less(t, elapsed, 4*time.Second, "bounded by --shutdown-timeout, not net/http's 5 s idle rule")

	for name, c := range map[string]net.Conn{"silent": silent, "half a request": halfLine} {
		// A deadline far past the shutdown, so a regression fails instead
		// of hanging; the read returns as soon as the server closes.
		require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
		_, err := c.Read(make([]byte, 1))
		assert.True(t, errors.Is(err, io.EOF) || isReset(err), "%s connection: closed by the server, got %v", name, err)
	}
}

func isReset(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne) && !ne.Timeout()
}
