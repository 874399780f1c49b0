package emulator

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
)

// boto3 pointed at http://s3.test:9000 (not under --domain) addresses
// virtual-hosted: PUT /x with Host demo.s3.test. Read as path-style that
// created bucket "x"; S3 reads an unknown Host as a bucket name instead.
func TestHostOutsideBaseDomain_IsNoSuchBucketNamingTheDomain(t *testing.T) {
	ts := NewTestServer(t)
	_, port, _ := strings.Cut(ts.Host(), ":")
	for _, method := range []string{http.MethodPut, http.MethodGet} {
		req := signedRequestHost(t, ts, method, "/x", "demo.s3.test:"+port, nil)
		resp, body := do(t, ts, req)
		s3test.RequireError(t, resp, body, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist",
			"BucketName", "demo.s3.test")
		diag := resp.Header.Get("X-Stricts3-Diagnosis")
		assert.Contains(t, diag, `base domain "localhost"`)
		assert.Contains(t, diag, "--domain")
	}
	buckets, err := ts.Server.Store().ListBuckets(context.Background())
	require.NoError(t, err)
	assert.Empty(t, buckets, "nothing may be created through a foreign Host")
}

func TestHostInsideBaseDomain_PathStyleAsBefore(t *testing.T) {
	ts := NewTestServer(t, WithBaseDomain("s3.test"))
	s3test.MustCreateBucket(t, ts.Client, "bkt")
	s3test.MustPutObject(t, ts.Client, "bkt", "k", "v")
	_, port, _ := strings.Cut(ts.Host(), ":")
	for _, host := range []string{
		"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "stricts3:" + port, // IPs and single-label names
		"s3.test:" + port, "s3.s3.test:" + port, "S3.TEST.", // the base domain, s3.<base>, any case, trailing dot
	} {
		resp, body := do(t, ts, signedRequestHost(t, ts, http.MethodGet, "/bkt/k", host, nil))
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", host, body)
		assert.Equal(t, "v", string(body), host)
	}
	resp, body := do(t, ts, signedRequestHost(t, ts, http.MethodGet, "/bkt/k", "s3.example.com:"+port, nil))
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "%s", body)
}

// A rejected request's log line names the key it claimed, so a user can
// tell whose signature failed.
func TestLog_RejectedRequestHasClaimedAccessKeyID(t *testing.T) {
	cs := newControlServer(t, Options{})
	req := mustRequest(t, http.MethodGet, cs.ts.URL+"/")
	wrong := cs.owner()
	wrong.SecretAccessKey = "not-the-secret"
	s3test.SignRequest(t, req, nil, wrong, cs.ts.Region, cs.clock.Now())
	resp, body := do(t, cs.ts, req)
	require.Equal(t, http.StatusForbidden, resp.StatusCode, "%s", body)
	assert.Contains(t, cs.log.String(), "access_key_id="+TestAccessKeyID)
	assert.Contains(t, cs.log.String(), "error=SignatureDoesNotMatch")
}
