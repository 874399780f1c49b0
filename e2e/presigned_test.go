package e2e

import (
	"bytes"
	"fmt"
	"io"
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
)

// awkwardKeys are keys whose bytes survive a round trip only when presigner
// and verifier agree on URI encoding: a literal '+' is not a space, '%' is
// data, '=' is legal in a path, non-ASCII is UTF-8 percent-encoded, and S3
// keeps '//' (no path cleaning).
var awkwardKeys = []string{
	"with space.txt",
	"plus+sign.txt",
	"equals=sign=.txt",
	"percent%2Fliteral%41.txt",
	"unicodé/日本語/файл.txt",
	"double//slash/file",
	"all of it/a+b=c%20d é//x~y!z(1)'*",
}

// sendPresigned performs a pre-signed request with net/http, adding the
// headers the presigner signed (never Host, which net/http derives).
func sendPresigned(t *testing.T, hc *http.Client, p *v4.PresignedHTTPRequest, body []byte) *http.Response {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctxT(t, 60*time.Second), p.Method, p.URL, r)
	require.NoError(t, err)
	for k, vs := range p.SignedHeader {
		if strings.EqualFold(k, "host") {
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestGoSDK_PresignedPutThenGet_RoundTripsAwkwardKeys(t *testing.T) {
	ts := emulator.NewTestServer(t)
	client := defaultClient(ts)
	presigner := s3.NewPresignClient(client)
	const bucket = "e2e-presigned-keys"
	_, err := client.CreateBucket(ctxT(t, 30*time.Second), &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)

	for i, key := range awkwardKeys {
		t.Run(key, func(t *testing.T) {
			body := randomBytes(64*1024+i, uint64(i))

			put, err := presigner.PresignPutObject(ctxT(t, 10*time.Second), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			require.NoError(t, err)
			resp := sendPresigned(t, ts.HTTPClient, put, body)
			requireStatus(t, resp, http.StatusOK, "presigned PUT %s", put.URL)

			get, err := presigner.PresignGetObject(ctxT(t, 10*time.Second), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			require.NoError(t, err)
			resp = sendPresigned(t, ts.HTTPClient, get, nil)
			requireStatus(t, resp, http.StatusOK, "presigned GET %s", get.URL)
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, sha256Hex(body), sha256Hex(got), "downloaded bytes differ")

			// The key is stored byte for byte, not as the presigner escaped it.
			list, err := client.ListObjectsV2(ctxT(t, 10*time.Second), &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(key)})
			require.NoError(t, err)
			require.Len(t, list.Contents, 1)
			assert.Equal(t, key, aws.ToString(list.Contents[0].Key))
			assert.Equal(t, int64(len(body)), aws.ToInt64(list.Contents[0].Size))
		})
	}
}

func TestGoSDK_PresignedURL_TamperedOrExpired_IsRejected(t *testing.T) {
	ts := emulator.NewTestServer(t)
	client := defaultClient(ts)
	presigner := s3.NewPresignClient(client)
	const bucket, key = "e2e-tamper", "photos/cat one+two.png"
	_, err := client.CreateBucket(ctxT(t, 30*time.Second), &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	original := randomBytes(4096, 7)
	_, err = client.PutObject(ctxT(t, 30*time.Second), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(original)})
	require.NoError(t, err)

	const expires = 15 * time.Minute
	presignGet := func(t *testing.T) *v4.PresignedHTTPRequest {
		p, err := presigner.PresignGetObject(ctxT(t, 10*time.Second), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)},
			s3.WithPresignExpires(expires))
		require.NoError(t, err)
		return p
	}
	presignPut := func(t *testing.T) *v4.PresignedHTTPRequest {
		p, err := presigner.PresignPutObject(ctxT(t, 10*time.Second), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)},
			s3.WithPresignExpires(expires))
		require.NoError(t, err)
		return p
	}
	editQuery := func(raw, name, value string) string {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		q := u.Query()
		q.Set(name, value)
		u.RawQuery = q.Encode()
		return u.String()
	}

	t.Run("edited key in path is SignatureDoesNotMatch", func(t *testing.T) {
		p := presignGet(t)
		p.URL = strings.Replace(p.URL, "cat%20one", "dog%20one", 1)
		require.Contains(t, p.URL, "dog%20one")
		resp := sendPresigned(t, ts.HTTPClient, p, nil)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		e := readS3Error(t, resp)
		assert.Equal(t, "SignatureDoesNotMatch", e.Code)
		assert.Equal(t, "The request signature we calculated does not match the signature you provided. Check your key and signing method.", e.Message)
		assert.Equal(t, ts.AccessKeyID, e.AWSAccessKeyID)
		assert.Equal(t, queryValue(t, p.URL, "X-Amz-Signature"), e.SignatureProvided)
		assert.Contains(t, e.CanonicalRequest, "dog%20one", "CanonicalRequest shows what the server hashed")
	})

	t.Run("longer X-Amz-Expires is SignatureDoesNotMatch", func(t *testing.T) {
		p := presignGet(t)
		p.URL = editQuery(p.URL, "X-Amz-Expires", "604800")
		resp := sendPresigned(t, ts.HTTPClient, p, nil)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Equal(t, "SignatureDoesNotMatch", readS3Error(t, resp).Code)
	})

	t.Run("extra unsigned query parameter is rejected", func(t *testing.T) {
		p := presignGet(t)
		p.URL = editQuery(p.URL, "response-content-type", "text/html")
		resp := sendPresigned(t, ts.HTTPClient, p, nil)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Equal(t, "SignatureDoesNotMatch", readS3Error(t, resp).Code)
	})

	t.Run("PUT URL used with GET is SignatureDoesNotMatch", func(t *testing.T) {
		p := presignPut(t)
		p.Method = http.MethodGet
		resp := sendPresigned(t, ts.HTTPClient, p, nil)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		e := readS3Error(t, resp)
		assert.Equal(t, "SignatureDoesNotMatch", e.Code)
		assert.True(t, strings.HasPrefix(e.CanonicalRequest, "GET\n"), "CanonicalRequest starts with the method used: %q", e.CanonicalRequest)
	})

	t.Run("GET URL used with PUT is SignatureDoesNotMatch and keeps the object", func(t *testing.T) {
		p := presignGet(t)
		p.Method = http.MethodPut
		resp := sendPresigned(t, ts.HTTPClient, p, []byte("overwritten"))
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Equal(t, "SignatureDoesNotMatch", readS3Error(t, resp).Code)
		assert.Equal(t, sha256Hex(original), sha256Hex(stored(t, ts, bucket, key)), "a rejected PUT leaves the object intact")
	})

	// Last: it moves the server's clock.
	t.Run("after X-Amz-Expires the URL has expired", func(t *testing.T) {
		get := presignGet(t)
		put := presignPut(t)
		ts.Clock.Advance(expires + time.Second)

		resp := sendPresigned(t, ts.HTTPClient, get, nil)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		e := readS3Error(t, resp)
		assert.Equal(t, "AccessDenied", e.Code)
		assert.Equal(t, "Request has expired", e.Message)
		assert.Equal(t, "900", e.XAmzExpires)
		signedAt, err := time.Parse("20060102T150405Z", queryValue(t, get.URL, "X-Amz-Date"))
		require.NoError(t, err)
		assert.Equal(t, signedAt.Add(expires).Format(time.RFC3339), e.Expires, "Expires = X-Amz-Date + X-Amz-Expires")
		assert.Equal(t, ts.Clock.Now().UTC().Format(time.RFC3339), e.ServerTime, "ServerTime is the server clock, to the second")

		resp = sendPresigned(t, ts.HTTPClient, put, []byte("too late"))
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Equal(t, "Request has expired", readS3Error(t, resp).Message)
		assert.Equal(t, sha256Hex(original), sha256Hex(stored(t, ts, bucket, key)))
	})
}

// queryValue returns one query parameter of a URL.
func queryValue(t *testing.T, raw, name string) string {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.Query().Get(name)
}

// requireStatus fails the test unless resp has the wanted status, quoting
// the server's diagnosis header and error body (read only on failure, so a
// passing response's body is left for the caller).
func requireStatus(t *testing.T, resp *http.Response, want int, format string, args ...any) {
	t.Helper()
	if resp.StatusCode == want {
		return
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 8192))
	t.Fatalf("%s: got %s, want %d\nX-Stricts3-Diagnosis: %s\n%s", fmt.Sprintf(format, args...), resp.Status, want,
		resp.Header.Get("X-Stricts3-Diagnosis"), b)
}
