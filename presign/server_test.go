package presign_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/presign"
)

// send performs a pre-signed request with plain net/http, as curl would.
func send(t *testing.T, ts *emulator.TestServer, p *presign.Request, body string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r, err := http.NewRequest(p.Method, p.URL, rd)
	require.NoError(t, err)
	for k, v := range p.Header {
		if k == "Content-Length" {
			n, err := strconv.ParseInt(v[0], 10, 64)
			require.NoError(t, err)
			r.ContentLength = n
			continue
		}
		r.Header[k] = v
	}
	resp, err := ts.HTTPClient.Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestPresign_AgainstTheEmulator_ObjectLifecycle(t *testing.T) {
	ts := emulator.NewTestServer(t)
	ctx := context.Background()
	_, err := ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	s := presign.New(ts.Client, presign.WithSigningTime(ts.Clock.Now()))

	put, err := s.PutObject(ctx, bucket, "dir/cat 1.txt", time.Hour, presign.PutOptions{ContentType: "text/plain", ContentLength: 4,
		Metadata: map[string]string{"owner": "alice"}})
	require.NoError(t, err)
	resp, body := send(t, ts, put, "meow")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)

	get, err := s.GetObject(ctx, bucket, "dir/cat 1.txt", time.Hour)
	require.NoError(t, err)
	resp, body = send(t, ts, get, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "meow", body)
	assert.Equal(t, "text/plain", resp.Header.Get("Content-Type"))
	assert.Equal(t, "alice", resp.Header.Get("X-Amz-Meta-Owner"), "metadata hoisted into the query is applied")

	head, err := s.HeadObject(ctx, bucket, "dir/cat 1.txt", time.Hour)
	require.NoError(t, err)
	resp, _ = send(t, ts, head, "")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "4", resp.Header.Get("Content-Length"))

	list, err := s.ListObjectsV2(ctx, bucket, time.Hour, func(in *s3.ListObjectsV2Input) { in.Prefix = aws.String("dir/") })
	require.NoError(t, err)
	resp, body = send(t, ts, list, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "<Key>dir/cat 1.txt</Key>")

	del, err := s.DeleteObject(ctx, bucket, "dir/cat 1.txt", time.Hour)
	require.NoError(t, err)
	resp, body = send(t, ts, del, "")
	assert.Equal(t, http.StatusNoContent, resp.StatusCode, body)

	resp, _ = send(t, ts, get, "")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	ts.Clock.Advance(time.Hour + time.Second)
	resp, body = send(t, ts, put, "meow")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "<Message>Request has expired</Message>")
}

func TestPresign_AgainstTheEmulator_SignedHeadersMustBeSent(t *testing.T) {
	ts := emulator.NewTestServer(t)
	ctx := context.Background()
	_, err := ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	s := presign.New(ts.Client, presign.WithSigningTime(ts.Clock.Now()))
	put, err := s.PutObject(ctx, bucket, "k", time.Hour, presign.PutOptions{ContentType: "image/png"})
	require.NoError(t, err)
	put.Header.Set("Content-Type", "image/gif")
	resp, body := send(t, ts, put, "gif")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "<Code>SignatureDoesNotMatch</Code>")
	assert.NotEmpty(t, resp.Header.Get("X-Stricts3-Diagnosis"))
}
