package main

import (
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Bound to every interface, the banner said "listening on 127.0.0.1".
func TestListenDescription_WildcardBindSaysEveryInterface(t *testing.T) {
	bound := &net.TCPAddr{IP: net.IPv6unspecified, Port: 9000}
	for configured, want := range map[string]string{
		"0.0.0.0:9000":   "0.0.0.0:9000 (every interface), endpoint http://127.0.0.1:9000",
		":9000":          "0.0.0.0:9000 (every interface), endpoint http://127.0.0.1:9000",
		"[::]:9000":      "[::]:9000 (every interface), endpoint http://127.0.0.1:9000",
		"127.0.0.1:9000": "http://127.0.0.1:9000",
	} {
		assert.Equal(t, want, listenDescription(configured, bound, "http://127.0.0.1:9000"), configured)
	}
}

// <bucket>.localhost resolves in curl only; the banner must not advertise
// it as if SDKs could use it.
func TestAddressingNote_LocalhostPointsAtPathStyle(t *testing.T) {
	note := addressingNote("http", "localhost", "9000", "http://127.0.0.1:9000")
	assert.True(t, strings.HasPrefix(note, "buckets are addressed path-style (http://127.0.0.1:9000/<bucket>/<key>)"), note)
	assert.Contains(t, note, "curl and browsers only")
	assert.Contains(t, addressingNote("http", "s3.test", "9000", "http://127.0.0.1:9000"), "virtual-hosted buckets: http://<bucket>.s3.test:9000")
}

func TestServe_Banner_ControlAndOldAWSCLILines(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0")
	banner := strings.Join(s.banner, "\n")
	endpoint := s.vars["AWS_ENDPOINT_URL"]
	assert.Contains(t, banner, "control: "+endpoint+"/_stricts3/health")
	assert.Contains(t, banner, "aws CLI v2 before 2.13 ignores AWS_ENDPOINT_URL and goes to real AWS: pass --endpoint-url "+endpoint)
	assert.True(t, strings.HasPrefix(s.banner[len(s.banner)-1], "export "), "the export line stays last")
}
