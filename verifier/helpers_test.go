package verifier

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
)

const testRegion = "us-east-1"

// signTime is when the test requests are signed.
var signTime = time.Date(2026, 2, 21, 10, 30, 0, 0, time.UTC)

var (
	keyMain = Credential{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	// keyOdd has a secret with characters that break naive signers.
	keyOdd = Credential{AccessKeyID: "AKIDODDSECRET", SecretAccessKey: "a b+c=d%2F/é//"}
	keyTmp = Credential{AccessKeyID: "ASIATEMPORARYKEY", SecretAccessKey: "tmpsecret", SessionToken: "FwoGZXIvYXdzEXAMPLETOKEN",
		Expires: signTime.Add(time.Hour)}
)

func newTestVerifier(t testing.TB, region string) (*Verifier, *s3test.Clock) {
	t.Helper()
	clk := s3test.NewClock(signTime.Add(30 * time.Second))
	v := New(Config{Region: region, Credentials: NewStaticCredentials(keyMain, keyOdd, keyTmp), Clock: clk})
	return v, clk
}

func awsCreds(c Credential) aws.Credentials {
	return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
}

// clientRequest builds the request a client would send; target is an
// absolute URL whose path is already escaped the way S3 clients escape it.
func clientRequest(t testing.TB, method, target string, body string, headers map[string]string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	require.NoError(t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return req
}

// serverRequest turns a signed client request into what a server receives:
// request line, Host and headers as sent.
func serverRequest(t testing.TB, c *http.Request, body string) *http.Request {
	t.Helper()
	target := c.URL.RequestURI()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(c.Method, target, rd)
	r.Host = c.Host
	if r.Host == "" {
		r.Host = c.URL.Host
	}
	for k, vs := range c.Header {
		r.Header[k] = append([]string(nil), vs...)
	}
	if c.ContentLength > 0 {
		r.Header.Set("Content-Length", strconv.FormatInt(c.ContentLength, 10))
		r.ContentLength = c.ContentLength
	}
	return r
}

// signedHeaderRequest signs with the SDK's SigV4 signer (header auth).
func signedHeaderRequest(t testing.TB, cred Credential, method, target, body string, headers map[string]string) *http.Request {
	t.Helper()
	c := clientRequest(t, method, target, body, headers)
	s3test.SignRequest(t, c, []byte(body), awsCreds(cred), testRegion, signTime)
	return serverRequest(t, c, body)
}

// presignedURL pre-signs with the SDK's signer, as the S3 presign client
// does (UNSIGNED-PAYLOAD), and returns the URL and the headers to send.
func presignedURL(t testing.TB, cred Credential, region, method, target string, expires time.Duration, headers map[string]string) (string, http.Header) {
	t.Helper()
	c := clientRequest(t, method, target, "", headers)
	q := c.URL.Query()
	q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
	c.URL.RawQuery = q.Encode()
	u, h, err := s3test.Signer().PresignHTTP(context.Background(), awsCreds(cred), c, unsignedPayload, "s3", region, signTime)
	require.NoError(t, err)
	return u, h
}

// presignedRequest is what the server receives for a pre-signed URL.
func presignedRequest(t testing.TB, method, signedURL string, headers http.Header) *http.Request {
	t.Helper()
	u, err := url.Parse(signedURL)
	require.NoError(t, err)
	r := httptest.NewRequest(method, u.RequestURI(), nil)
	r.Host = u.Host
	for k, vs := range headers {
		if strings.EqualFold(k, "Host") {
			continue
		}
		r.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	return r
}

// wantErr asserts an *s3err.Error by status, code, message and the extra
// element names in wire order; values are checked by the caller.
func wantErr(t testing.TB, err error, status int, code s3err.Code, msg string, elems ...string) *s3err.Error {
	t.Helper()
	require.Error(t, err)
	e, ok := s3err.As(err)
	require.True(t, ok, "error %T is not an *s3err.Error", err)
	require.Equal(t, code, e.Code, "code (message %q, diagnosis %q)", e.Message, e.Diagnosis)
	require.Equal(t, status, e.Status)
	require.Equal(t, msg, e.Message)
	names := make([]string, 0, len(e.Extra))
	for _, el := range e.Extra {
		names = append(names, el.Name)
	}
	if elems == nil {
		elems = []string{}
	}
	require.Equal(t, elems, names, "extra elements in wire order")
	return e
}

func elem(t testing.TB, e *s3err.Error, name string) string {
	t.Helper()
	v, ok := e.Get(name)
	require.True(t, ok, "element %s missing", name)
	return v
}
