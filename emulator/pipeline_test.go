package emulator

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

func TestUnimplementedSubresource_Is501AndLeavesObjectUnchanged(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "tagged")
		s3test.MustPutObject(t, c, "tagged", "k", "original bytes")
		_, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("tagged"),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}}})
		apiErr(t, err, "NotImplemented", http.StatusNotImplemented)
		_, err = c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("tagged")})
		apiErr(t, err, "NotImplemented", http.StatusNotImplemented)
		assert.Equal(t, "original bytes", s3test.MustGetBody(t, c, "tagged", "k"))

		_, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String("tagged")})
		apiErr(t, err, "NotImplemented", http.StatusNotImplemented)
		_, err = c.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: aws.String("tagged")})
		apiErr(t, err, "NotImplemented", http.StatusNotImplemented)
		_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("tagged")})
		require.NoError(t, err, "the bucket is untouched")
	})
}

func TestWrongMethod_Is405WithMethodAndResourceType(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "methods")
	tests := []struct {
		method, path, resourceType string
	}{
		{http.MethodPatch, "/methods/k", "OBJECT"},
		{http.MethodPost, "/methods/k", "OBJECT"},
		{http.MethodPatch, "/methods", "BUCKET"},
		{http.MethodPut, "/methods?uploads", "BUCKET"},
		{http.MethodDelete, "/", "SERVICE"},
	}
	for _, tc := range tests {
		resp, body := do(t, ts, signedRequest(t, ts, tc.method, ts.URL+tc.path, nil, nil))
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, "%s %s", tc.method, tc.path)
		e := parseError(t, body)
		assert.Equal(t, "MethodNotAllowed", e.Code)
		assert.Equal(t, tc.method, e.Elem("Method"))
		assert.Equal(t, tc.resourceType, e.Elem("ResourceType"))
	}
}

func TestAnonymousRequest_IsAccessDenied(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "private")
	s3test.MustPutObject(t, ts.Client, "private", "k", "secret")
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/private/k"}, {http.MethodPut, "/private/k2"}, {http.MethodGet, "/"}, {http.MethodGet, "/private"},
	} {
		req, err := http.NewRequest(tc.method, ts.URL+tc.path, strings.NewReader(""))
		require.NoError(t, err)
		resp, body := do(t, ts, req)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, tc.path)
		e := parseError(t, body)
		assert.Equal(t, "AccessDenied", e.Code)
		assert.Equal(t, "Access Denied", e.Message)
	}
}

func TestErrorEnvelope_HasRequestIDAndHostIDMatchingHeaders(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "envelope")
	resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/envelope/missing", nil, nil))
	assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
	assert.True(t, bytes.HasPrefix(body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)))
	e := parseError(t, body)
	assert.Equal(t, "NoSuchKey", e.Code)
	assert.Equal(t, "The specified key does not exist.", e.Message)
	assert.Equal(t, resp.Header.Get("X-Amz-Request-Id"), e.RequestID)
	assert.Equal(t, resp.Header.Get("X-Amz-Id-2"), e.HostID)
	assert.Len(t, e.RequestID, 16)
	assert.NotEmpty(t, e.HostID)

	// Successes carry the ids too, and ids differ per request.
	resp2, _ := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/", nil, nil))
	assert.Equal(t, http.StatusOK, resp2.StatusCode)
	assert.NotEmpty(t, resp2.Header.Get("X-Amz-Request-Id"))
	assert.NotEqual(t, e.RequestID, resp2.Header.Get("X-Amz-Request-Id"))
}

func TestVirtualHostedAddressing_BucketFromHost(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "vhost")
	_, port, _ := strings.Cut(ts.Host(), ":")

	req := signedRequestHost(t, ts, http.MethodPut, "/dir/key.txt", "vhost.localhost:"+port, []byte("virtual"))
	resp, body := do(t, ts, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Equal(t, "virtual", s3test.MustGetBody(t, ts.Client, "vhost", "dir/key.txt"))

	req = signedRequestHost(t, ts, http.MethodGet, "/dir/key.txt", "vhost.localhost:"+port, nil)
	resp, body = do(t, ts, req)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "virtual", string(body))

	req = signedRequestHost(t, ts, http.MethodGet, "/?list-type=2", "vhost.localhost:"+port, nil)
	resp, body = do(t, ts, req)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "<Key>dir/key.txt</Key>")
}

// signedRequestHost sends to the test server's address with another Host.
func signedRequestHost(t *testing.T, ts *TestServer, method, path, host string, body []byte) *http.Request {
	t.Helper()
	req := signedRequestWith(t, ts, method, ts.URL+path, body, func(r *http.Request) { r.Host = host })
	return req
}

func TestPresignedGet_ExpiresWithTheManualClock(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "presigned")
	s3test.MustPutObject(t, ts.Client, "presigned", "k", "shared")
	ps, err := ts.Presign.PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("presigned"), Key: aws.String("k")},
		s3.WithPresignExpires(time.Minute))
	require.NoError(t, err)

	get := func() (*http.Response, []byte) {
		req, err := http.NewRequest(ps.Method, ps.URL, nil)
		require.NoError(t, err)
		return do(t, ts, req)
	}
	resp, body := get()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Equal(t, "shared", string(body))

	ts.Clock.Advance(2 * time.Minute)
	resp, body = get()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	e := parseError(t, body)
	assert.Equal(t, "AccessDenied", e.Code)
	assert.Equal(t, "Request has expired", e.Message)
	assert.Equal(t, "60", e.Elem("X-Amz-Expires"))
}

func TestPresignedPut_StoresObject(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "presigned")
	ps, err := ts.Presign.PresignPutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("presigned"), Key: aws.String("up")})
	require.NoError(t, err)
	req, err := http.NewRequest(ps.Method, ps.URL, strings.NewReader("uploaded"))
	require.NoError(t, err)
	for k, v := range ps.SignedHeader {
		if !strings.EqualFold(k, "host") {
			req.Header[k] = v
		}
	}
	resp, body := do(t, ts, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Empty(t, body)
	assert.Equal(t, "uploaded", s3test.MustGetBody(t, ts.Client, "presigned", "up"))
}

func TestAuthorization_CredentialAllowIsCheckedPerAction(t *testing.T) {
	readOnly := verifier.Credential{AccessKeyID: "AKIAREADONLYEXAMPLE1", SecretAccessKey: "readonly-secret",
		Allow: func(action, bucket, key string) bool {
			return action == "s3:GetObject" || action == "s3:ListBucket" || action == "s3:ListAllMyBuckets"
		}}
	admin := verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}
	ts := NewTestServer(t, WithCredentials(readOnly, admin))
	ctx := context.Background()
	adminClient := s3.New(ts.Client.Options(), func(o *s3.Options) {
		o.Credentials = aws.NewCredentialsCache(staticCreds(admin))
	})
	s3test.MustCreateBucket(t, adminClient, "guarded")
	s3test.MustPutObject(t, adminClient, "guarded", "k", "v")

	assert.Equal(t, "v", s3test.MustGetBody(t, ts.Client, "guarded", "k"))
	_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("guarded"), Key: aws.String("k"), Body: strings.NewReader("x")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	_, err = ts.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("guarded"), Key: aws.String("k")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)

	out, err := ts.Client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("guarded"),
		Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k")}}}})
	require.NoError(t, err)
	require.Len(t, out.Errors, 1)
	assert.Equal(t, "AccessDenied", aws.ToString(out.Errors[0].Code))
	assert.Equal(t, "v", s3test.MustGetBody(t, adminClient, "guarded", "k"))
}

type staticCreds verifier.Credential

func (c staticCreds) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey}, nil
}

// panicStore panics on every call: the embedded interface is nil.
type panicStore struct{ store.Store }

func TestPanicInHandler_IsInternalErrorNotACrash(t *testing.T) {
	ts := NewTestServer(t, WithStore(panicStore{}))
	_, err := ts.Client.ListBuckets(context.Background(), &s3.ListBucketsInput{})
	apiErr(t, err, "InternalError", http.StatusInternalServerError)
}

func TestLogLine_OnePerRequestWithoutSecrets(t *testing.T) {
	var buf bytes.Buffer
	creds := verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey})
	srv, err := New(Options{Credentials: creds, Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	ts := &TestServer{URL: hs.URL, Region: "us-east-1", AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey, HTTPClient: hs.Client()}

	resp, _ := do(t, ts, signedRequest(t, ts, http.MethodGet, hs.URL+"/nobucket/k", nil, nil))
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	bad := signedRequest(t, ts, http.MethodGet, hs.URL+"/", nil, nil)
	bad.Header.Set("Authorization", strings.Replace(bad.Header.Get("Authorization"), "Signature=", "Signature=00", 1))
	resp, _ = do(t, ts, bad)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], `"operation":"GetObject"`)
	assert.Contains(t, lines[0], `"status":404`)
	assert.Contains(t, lines[0], `"error":"NoSuchBucket"`)
	assert.Contains(t, lines[0], `"access_key_id":"`+TestAccessKeyID+`"`)
	assert.Contains(t, lines[1], `"error":"SignatureDoesNotMatch"`)
	assert.NotContains(t, buf.String(), TestSecretAccessKey)
}

func TestPresignedPut_QueryXAmzValuesApplyAsHeaders(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "hoisted")
	req, err := http.NewRequest(http.MethodPut, ts.URL+"/hoisted/k?x-amz-meta-color=red&x-amz-storage-class=STANDARD_IA&X-Amz-Expires=900", strings.NewReader("q"))
	require.NoError(t, err)
	url := s3test.PresignURL(t, req, testCreds(ts), ts.Region, time.Now())
	put, err := http.NewRequest(http.MethodPut, url, strings.NewReader("q"))
	require.NoError(t, err)
	resp, body := do(t, ts, put)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)

	head, err := ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("hoisted"), Key: aws.String("k")})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"color": "red"}, head.Metadata)
	assert.Equal(t, types.StorageClassStandardIa, head.StorageClass)
}

func TestVirtualHostedAddressing_CustomBaseDomain(t *testing.T) {
	ts := NewTestServer(t, WithBaseDomain("s3.test"))
	s3test.MustCreateBucket(t, ts.Client, "custom")
	s3test.MustPutObject(t, ts.Client, "custom", "k", "v")
	_, port, _ := strings.Cut(ts.Host(), ":")
	for _, host := range []string{"custom.s3.test:" + port, "custom.s3.s3.test:" + port} {
		resp, body := do(t, ts, signedRequestHost(t, ts, http.MethodGet, "/k", host, nil))
		assert.Equal(t, http.StatusOK, resp.StatusCode, host)
		assert.Equal(t, "v", string(body), host)
	}
}
