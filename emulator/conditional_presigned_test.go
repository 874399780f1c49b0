package emulator_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/presign"
)

// presignWithQuery pre-signs method on bucket/key with extra parameters in
// the signed query string, as a presigner that hoists every header does.
func presignWithQuery(t *testing.T, ts *emulator.TestServer, method, bucket, key string, extra url.Values) *presign.Request {
	t.Helper()
	q := url.Values{"X-Amz-Expires": {"3600"}}
	for k, v := range extra {
		q[k] = v
	}
	u := ts.URL + "/" + bucket + "/" + key + "?" + q.Encode()
	req, err := http.NewRequest(method, u, nil)
	require.NoError(t, err)
	creds := aws.Credentials{AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey}
	signed, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "s3", ts.Region, ts.Clock.Now())
	require.NoError(t, err)
	hdr.Del("Host")
	return &presign.Request{URL: signed, Method: method, Header: hdr}
}

// A pre-signed PUT's conditional header is judged as the header would be,
// whether the client sends it as a signed header (aws-sdk-go-v2's
// presigner) or it rides in the signed query: on an existing key,
// If-None-Match: * is 412 PreconditionFailed naming If-None-Match, and a
// stale If-Match is 412 naming If-Match; the object is left untouched.
func TestPresignedPut_ConditionalHeaders_AreJudgedAsHeaders(t *testing.T) {
	ts := emulator.NewTestServer(t)
	ctx := context.Background()
	const bucket = "cond"
	s3test.MustCreateBucket(t, ts.Client, bucket)
	existing := s3test.MustPutObject(t, ts.Client, bucket, "taken", "first writer")
	signer := presign.New(ts.Client, presign.WithSigningTime(ts.Clock.Now()))

	sdkPut := func(key string, edit func(*s3.PutObjectInput)) *presign.Request {
		in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
		edit(in)
		pr, err := presign.Operation(ctx, signer, (*s3.PresignClient).PresignPutObject, in, time.Hour)
		require.NoError(t, err)
		return pr
	}
	tests := []struct {
		name      string
		req       func(key string) *presign.Request
		key       string
		condition string // "" for success
	}{
		{"SDK presigner, If-None-Match on an existing key", func(k string) *presign.Request {
			return sdkPut(k, func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") })
		}, "taken", "If-None-Match"},
		{"SDK presigner, If-None-Match on a new key", func(k string) *presign.Request {
			return sdkPut(k, func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") })
		}, "sdk-new", ""},
		{"SDK presigner, stale If-Match", func(k string) *presign.Request {
			return sdkPut(k, func(in *s3.PutObjectInput) { in.IfMatch = aws.String(`"0123456789abcdef0123456789abcdef"`) })
		}, "taken", "If-Match"},
		{"signed query If-None-Match on an existing key", func(k string) *presign.Request {
			return presignWithQuery(t, ts, http.MethodPut, bucket, k, url.Values{"If-None-Match": {"*"}})
		}, "taken", "If-None-Match"},
		{"signed query if-none-match (lower case) on an existing key", func(k string) *presign.Request {
			return presignWithQuery(t, ts, http.MethodPut, bucket, k, url.Values{"if-none-match": {"*"}})
		}, "taken", "If-None-Match"},
		{"signed query If-None-Match on a new key", func(k string) *presign.Request {
			return presignWithQuery(t, ts, http.MethodPut, bucket, k, url.Values{"If-None-Match": {"*"}})
		}, "query-new", ""},
		{"signed query stale If-Match", func(k string) *presign.Request {
			return presignWithQuery(t, ts, http.MethodPut, bucket, k, url.Values{"If-Match": {`"0123456789abcdef0123456789abcdef"`}})
		}, "taken", "If-Match"},
		{"signed query current If-Match", func(k string) *presign.Request {
			return presignWithQuery(t, ts, http.MethodPut, bucket, k, url.Values{"If-Match": {aws.ToString(existing.ETag)}})
		}, "taken", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := sendPresigned(t, ts, tc.req(tc.key), "second writer")
			if tc.condition == "" {
				require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)
				assert.Equal(t, "second writer", s3test.MustGetBody(t, ts.Client, bucket, tc.key))
				return
			}
			e := requireS3Error(t, r, http.StatusPreconditionFailed)
			assert.Equal(t, "PreconditionFailed", e.Code)
			assert.Equal(t, "At least one of the pre-conditions you specified did not hold", e.Message)
			assert.Equal(t, tc.condition, e.extra("Condition"))
			assert.Equal(t, "first writer", s3test.MustGetBody(t, ts.Client, bucket, "taken"), "the object is untouched")
		})
	}
}

// The query conditions act on reads too: a pre-signed GET whose signed
// query says If-None-Match: <current ETag> is 304 Not Modified.
func TestPresignedGet_QueryIfNoneMatch_IsNotModified(t *testing.T) {
	ts := emulator.NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "cond")
	put := s3test.MustPutObject(t, ts.Client, "cond", "k", "body")
	r := sendPresigned(t, ts, presignWithQuery(t, ts, http.MethodGet, "cond", "k", url.Values{"If-None-Match": {aws.ToString(put.ETag)}}), "")
	assert.Equal(t, http.StatusNotModified, r.StatusCode)
	r = sendPresigned(t, ts, presignWithQuery(t, ts, http.MethodGet, "cond", "k", url.Values{"If-None-Match": {`"other"`}}), "")
	assert.Equal(t, http.StatusOK, r.StatusCode)
	assert.Equal(t, "body", string(r.Body))
}

// Only pre-signed URLs carry conditions in their query: on a header-signed
// PUT, If-None-Match in the query is left alone (no evidence that S3
// reads it there), so the write goes through.
func TestHeaderSignedPut_QueryIfNoneMatch_IsNotACondition(t *testing.T) {
	ts := emulator.NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "cond")
	s3test.MustPutObject(t, ts.Client, "cond", "k", "first")
	req, err := http.NewRequest(http.MethodPut, ts.URL+"/cond/k?If-None-Match=%2A", strings.NewReader("second"))
	require.NoError(t, err)
	s3test.SignRequest(t, req, []byte("second"), aws.Credentials{AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey}, ts.Region, ts.Clock.Now())
	r := auditSend(t, ts, req)
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.Body)
	assert.Equal(t, "second", s3test.MustGetBody(t, ts.Client, "cond", "k"))
}
