package emulator

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
)

// transports runs f against a plain HTTP and a TLS test server, each with
// ts.Client at the SDK defaults: over HTTP a CRC32 header, over TLS an
// aws-chunked body with a CRC32 trailer.
func transports(t *testing.T, f func(t *testing.T, ts *TestServer, c *s3.Client)) {
	t.Run("http", func(t *testing.T) {
		ts := NewTestServer(t)
		f(t, ts, ts.Client)
	})
	t.Run("tls", func(t *testing.T) {
		ts := NewTestServer(t, WithTLS())
		f(t, ts, ts.Client)
	})
}

// apiErr asserts err is an S3 API error with code and, when status is not
// zero, that HTTP status.
func apiErr(t *testing.T, err error, code string, status int) {
	t.Helper()
	require.Error(t, err)
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "not an API error: %v", err)
	assert.Equal(t, code, ae.ErrorCode(), "error: %v", err)
	if status != 0 {
		var re *smithyhttp.ResponseError
		require.True(t, errors.As(err, &re), "no HTTP response: %v", err)
		assert.Equal(t, status, re.HTTPStatusCode(), "status of %v", err)
	}
}

func httpStatus(t *testing.T, err error) int {
	t.Helper()
	var re *smithyhttp.ResponseError
	require.True(t, errors.As(err, &re), "no HTTP response: %v", err)
	return re.HTTPStatusCode()
}

// signedRequest builds a raw request to url signed with ts's key (SigV4
// header auth, payload hash of body), for what the SDK cannot send.
func signedRequest(t *testing.T, ts *TestServer, method, url string, body []byte, hdr map[string]string) *http.Request {
	t.Helper()
	return signedRequestWith(t, ts, method, url, body, func(r *http.Request) {
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
	})
}

// signedRequestWith lets edit adjust the request before it is signed.
func signedRequestWith(t *testing.T, ts *TestServer, method, url string, body []byte, edit func(*http.Request)) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	require.NoError(t, err)
	if body == nil {
		req.Body = http.NoBody
	}
	edit(req)
	// A hash edit set (e.g. UNSIGNED-PAYLOAD) is signed as set.
	s3test.SignRequest(t, req, body, testCreds(ts), ts.Region, time.Now())
	return req
}

// testCreds are ts's access key and secret as SDK credentials.
func testCreds(ts *TestServer) aws.Credentials {
	return aws.Credentials{AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey}
}

func do(t *testing.T, ts *TestServer, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := ts.HTTPClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// errorDoc is S3's error envelope as s3test.ParseError reads it (Code,
// Message, extra elements in order), plus RequestId, HostId and the raw
// XML inside <Error> for asserting the exact element sequence.
type errorDoc struct {
	s3test.WireError
	RequestID, HostID string
	Inner             []byte
}

// parseError checks body is S3's error document (s3test.ParseError: XML
// declaration, flat <Error>, Code and Message first, RequestId and HostId
// last) and returns it.
func parseError(t *testing.T, body []byte) errorDoc {
	t.Helper()
	var raw struct {
		RequestID string `xml:"RequestId"`
		HostID    string `xml:"HostId"`
		Inner     []byte `xml:",innerxml"`
	}
	require.NoError(t, xml.Unmarshal(body, &raw), "body: %s", body)
	return errorDoc{WireError: s3test.ParseError(t, body), RequestID: raw.RequestID, HostID: raw.HostID, Inner: raw.Inner}
}

// everyStore makes a fresh store of each kind, for tests that must hold
// for the memory store, the directory store and a gofakes3 backend alike.
var everyStore = map[string]func(t *testing.T) store.Store{
	"memory":         func(*testing.T) store.Store { return store.NewMemory() },
	"gofakes3-s3mem": func(*testing.T) store.Store { return store.FromGofakes3(s3mem.New()) },
	"dir": func(t *testing.T) store.Store {
		d, err := store.NewDir(t.TempDir())
		require.NoError(t, err)
		return d
	},
}
