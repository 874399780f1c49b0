package emulator

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// S3 authenticates an anonymous request as anonymous, then finds the
// bucket, and only then denies access: a missing bucket is 404 NoSuchBucket
// even without credentials, an existing one 403 AccessDenied.
func TestAnonymousRequest_MissingBucketIsNoSuchBucket_ExistingBucketStaysAccessDenied(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "private")
	s3test.MustPutObject(t, ts.Client, "private", "k", "secret")
	tests := []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"GetObject, missing bucket", http.MethodGet, "/absent/k", http.StatusNotFound, "NoSuchBucket"},
		{"PutObject, missing bucket", http.MethodPut, "/absent/k", http.StatusNotFound, "NoSuchBucket"},
		{"ListObjects, missing bucket", http.MethodGet, "/absent", http.StatusNotFound, "NoSuchBucket"},
		{"DeleteBucket, missing bucket", http.MethodDelete, "/absent", http.StatusNotFound, "NoSuchBucket"},
		{"unimplemented sub-resource, missing bucket", http.MethodGet, "/absent?acl", http.StatusNotFound, "NoSuchBucket"},
		{"GetObject, existing bucket", http.MethodGet, "/private/k", http.StatusForbidden, "AccessDenied"},
		{"GetObject of a missing key, existing bucket", http.MethodGet, "/private/nope", http.StatusForbidden, "AccessDenied"},
		{"ListObjects, existing bucket", http.MethodGet, "/private", http.StatusForbidden, "AccessDenied"},
		{"ListBuckets", http.MethodGet, "/", http.StatusForbidden, "AccessDenied"},
		{"CreateBucket", http.MethodPut, "/newbucket", http.StatusForbidden, "AccessDenied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, ts.URL+tc.path, strings.NewReader(""))
			require.NoError(t, err)
			resp, body := do(t, ts, req)
			require.Equal(t, tc.status, resp.StatusCode)
			e := parseError(t, body)
			assert.Equal(t, tc.code, e.Code)
			if tc.code == "NoSuchBucket" {
				assert.Equal(t, "The specified bucket does not exist", e.Message)
				assert.Equal(t, "absent", e.Elem("BucketName"))
			}
		})
	}
	list, _ := anonymous(t, ts, http.MethodGet, ts.URL+"/", nil)
	assert.Equal(t, "[anonymous] anonymous request: s3:ListAllMyBuckets on arn:aws:s3:::* needs a signed request; no bucket policy applies to it",
		list.Header.Get("X-Stricts3-Diagnosis"))
	req, err := http.NewRequest(http.MethodHead, ts.URL+"/absent", nil)
	require.NoError(t, err)
	resp, _ := do(t, ts, req)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "HeadBucket, missing bucket")

	// The refused anonymous CreateBucket created nothing.
	_, err = ts.Client.HeadBucket(t.Context(), &s3.HeadBucketInput{Bucket: aws.String("newbucket")})
	apiErr(t, err, "NotFound", http.StatusNotFound)
}

// A signed request keeps the order it had: a key not allowed on a missing
// bucket is still AccessDenied, an allowed one still NoSuchBucket.
func TestSignedRequest_MissingBucket_DenialStillComesFirst(t *testing.T) {
	limited := verifier.Credential{AccessKeyID: "AKIALIMITEDEXAMPLE", SecretAccessKey: "limited-secret", Allow: access.Policy{{
		Effect: access.Allow, Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::elsewhere/*"},
	}}.Allow}
	owner := verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}
	ts := NewTestServer(t, WithCredentials(owner, limited))

	resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/absent/k", nil, nil))
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "NoSuchBucket", parseError(t, body).Code)

	ts.AccessKeyID, ts.SecretAccessKey = limited.AccessKeyID, limited.SecretAccessKey
	resp, body = do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/absent/k", nil, nil))
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, "AccessDenied", parseError(t, body).Code)
}
