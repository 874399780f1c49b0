package emulator_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/internal/s3test"
)

// The spec audit tests (spec_audit_*_test.go) drive the emulator with raw
// net/http requests, so every answer is checked as bytes on the wire: the
// status, the error envelope of spec §1 and the extra elements in order.

const (
	auditBucket  = "audit"
	auditKey     = "obj"
	auditContent = "hello, audit"
)

// auditServer starts a server holding auditBucket/auditKey.
func auditServer(t *testing.T, opts ...emulator.TestOption) *emulator.TestServer {
	t.Helper()
	ts := emulator.NewTestServer(t, opts...)
	s3test.MustCreateBucket(t, ts.Client, auditBucket)
	s3test.MustPutObject(t, ts.Client, auditBucket, auditKey, auditContent)
	return ts
}

// auditResp is one answer, body read.
type auditResp struct {
	*http.Response
	Body []byte
}

// auditSend sends req without following redirects.
func auditSend(t *testing.T, ts *emulator.TestServer, req *http.Request) auditResp {
	t.Helper()
	client := *ts.HTTPClient
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return auditResp{resp, b}
}

func auditRequest(t *testing.T, method, target string, body []byte, hdr map[string]string) *http.Request {
	t.Helper()
	var rd io.Reader = http.NoBody
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return req
}

// wireError is an S3 error body: Code, Message and the extra elements as
// name, value pairs in wire order (s3test.WireError, kept local so tables
// can spell it positionally).
type wireError struct {
	Code    string
	Message string
	Extra   []string
}

// requireS3Error checks the envelope of spec §1 with s3test.RequireEnvelope
// (status, application/xml, XML declaration, Code and Message first,
// RequestId and HostId last and equal to the x-amz-request-id and
// x-amz-id-2 headers) and returns the error with its extra elements in
// order.
func requireS3Error(t *testing.T, r auditResp, status int) wireError {
	t.Helper()
	return wireError(s3test.RequireEnvelope(t, r.Response, r.Body, status))
}

// extra returns the value of the extra element called name.
func (e wireError) extra(name string) string { return s3test.WireError(e).Elem(name) }

// names lists the extra elements' names in order.
func (e wireError) names() []string { return s3test.WireError(e).Names() }

func auditCreds(ts *emulator.TestServer) aws.Credentials {
	return aws.Credentials{AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey}
}

// presignV4 pre-signs method target (absolute URL) with aws-sdk-go-v2's
// signer at signedAt for expires; hdr are headers signed with it.
func presignV4(t *testing.T, ts *emulator.TestServer, method, target string, hdr map[string]string, signedAt time.Time, expires time.Duration) string {
	t.Helper()
	return presignV4With(t, ts, method, target, hdr, signedAt, expires, auditCreds(ts))
}

// presignV4With is presignV4 with explicit credentials. Headers in hdr are
// signed as headers (never hoisted into the query).
func presignV4With(t *testing.T, ts *emulator.TestServer, method, target string, hdr map[string]string, signedAt time.Time, expires time.Duration, creds aws.Credentials) string {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	q := u.Query()
	q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
	u.RawQuery = q.Encode()
	req := auditRequest(t, method, u.String(), nil, hdr)
	signer := s3test.Signer(func(o *v4.SignerOptions) { o.DisableHeaderHoisting = true })
	signed, _, err := signer.PresignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "s3", ts.Region, signedAt)
	require.NoError(t, err)
	return signed
}

// signV4Header signs req in its Authorization header at signedAt, with the
// payload hash of body.
func signV4Header(t *testing.T, ts *emulator.TestServer, req *http.Request, body []byte, signedAt time.Time) *http.Request {
	t.Helper()
	s3test.SignRequest(t, req, body, auditCreds(ts), ts.Region, signedAt)
	return req
}

// presignV2 builds a SigV2 query-string URL: path is "/bucket/key", query
// the extra parameters (signed as sub-resources when S3 signs them) and
// amz the canonical x-amz-* lines of the string to sign.
func presignV2(ts *emulator.TestServer, method, path, query, contentType, amz string, expires int64) string {
	resource := path
	if query != "" {
		// Every parameter the tests pass (response-*, sub-resources) is
		// part of SigV2's resource, sorted, values unescaped.
		vals, _ := url.ParseQuery(query)
		var keys []string
		for k := range vals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			if strings.HasPrefix(k, "x-amz-") {
				continue
			}
			parts = append(parts, k+"="+vals.Get(k))
		}
		if len(parts) > 0 {
			resource += "?" + strings.Join(parts, "&")
		}
	}
	sts := method + "\n\n" + contentType + "\n" + strconv.FormatInt(expires, 10) + "\n" + amz + resource
	mac := hmac.New(sha1.New, []byte(ts.SecretAccessKey))
	mac.Write([]byte(sts))
	sig := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	u := ts.URL + path + "?"
	if query != "" {
		u += query + "&"
	}
	return u + "AWSAccessKeyId=" + ts.AccessKeyID + "&Expires=" + strconv.FormatInt(expires, 10) + "&Signature=" + url.QueryEscape(sig)
}

// objectURL is the path-style URL of bucket/key on ts.
func objectURL(ts *emulator.TestServer, key string) string {
	return ts.URL + "/" + auditBucket + "/" + key
}
