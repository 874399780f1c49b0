package emulator_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/internal/s3test"
)

// S3 reads ';' in a query as an ordinary character. Go's url.ParseQuery
// silently drops any pair holding one, and aws-sdk-go-v2's signer parses
// the query with it, so these tests sign with ';' escaped as %3B (the
// canonical query is the same either way) and send it raw afterwards.

// semicolonRequest signs method target in its Authorization header, then
// puts every %3B of the query back as a raw ';'.
func semicolonRequest(t *testing.T, ts *emulator.TestServer, method, target string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	require.NoError(t, err)
	creds := aws.Credentials{AccessKeyID: ts.AccessKeyID, SecretAccessKey: ts.SecretAccessKey}
	s3test.SignRequest(t, req, body, creds, ts.Region, ts.Clock.Now())
	require.Contains(t, req.URL.RawQuery, "%3B", "the signer must have kept the parameter")
	req.URL.RawQuery = strings.ReplaceAll(req.URL.RawQuery, "%3B", ";")
	return req
}

func semicolonSend(t *testing.T, ts *emulator.TestServer, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := ts.HTTPClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func semicolonServer(t *testing.T) *emulator.TestServer {
	ts := emulator.NewTestServer(t)
	ctx := context.Background()
	_, err := ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("semi")})
	require.NoError(t, err)
	_, err = ts.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("semi"), Key: aws.String("a;b"), Body: strings.NewReader("original"),
	})
	require.NoError(t, err)
	return ts
}

func TestQuerySemicolon_PresignedGet_OverrideWithSemicolonIsSignedAndApplied(t *testing.T) {
	ts := semicolonServer(t)
	out, err := ts.Presign.PresignGetObject(context.Background(), &s3.GetObjectInput{
		Bucket: aws.String("semi"), Key: aws.String("a;b"),
		ResponseContentDisposition: aws.String("attachment;filename=x.txt"),
	})
	require.NoError(t, err)
	// The SDK escapes ';' in the key path and the value; a browser or curl
	// may not. Both spellings sign the same canonical request.
	raw := strings.ReplaceAll(out.URL, "%3B", ";")
	require.Contains(t, raw, "response-content-disposition=attachment;filename")
	req, err := http.NewRequest(http.MethodGet, raw, nil)
	require.NoError(t, err)
	resp, body := semicolonSend(t, ts, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "original", body)
	assert.Equal(t, "attachment;filename=x.txt", resp.Header.Get("Content-Disposition"),
		"a parameter with ';' must neither be dropped nor left unsigned")
}

func TestQuerySemicolon_RoutingSeesTheParametersTheSignatureCovers(t *testing.T) {
	tests := []struct {
		name, method, query string
		status              int
		code                string
	}{
		// Go's parser would drop "acl=;" and serve the object.
		{"sub-resource with a semicolon value is not GetObject", http.MethodGet, "torrent=%3B", http.StatusNotImplemented, "NotImplemented"},
		// The bucket has no Object Lock: GetObjectRetention's answer.
		{"retention with a semicolon value is GetObjectRetention, not GetObject", http.MethodGet, "retention=x%3By", http.StatusBadRequest, "InvalidRequest"},
		// Go's parser would drop uploadId and overwrite the object with a
		// plain PutObject.
		{"uploadId with a semicolon is UploadPart, never PutObject", http.MethodPut, "partNumber=1&uploadId=u%3Bv", http.StatusNotFound, "NoSuchUpload"},
		// "acl;" is a parameter named "acl;", which selects nothing: the
		// request is the GetObject it looks like, signed with that name.
		{"a name ending in a semicolon is an ordinary parameter", http.MethodGet, "acl%3B", http.StatusOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := semicolonServer(t)
			var body []byte
			if tc.method == http.MethodPut {
				body = []byte("overwritten")
			}
			req := semicolonRequest(t, ts, tc.method, ts.URL+"/semi/a%3Bb?"+tc.query, body)
			resp, got := semicolonSend(t, ts, req)
			require.Equal(t, tc.status, resp.StatusCode, got)
			if tc.code != "" {
				assert.Contains(t, got, "<Code>"+tc.code+"</Code>")
			} else {
				assert.Equal(t, "original", got)
			}
			obj, err := ts.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("semi"), Key: aws.String("a;b")})
			require.NoError(t, err)
			defer obj.Body.Close()
			b, _ := io.ReadAll(obj.Body)
			assert.Equal(t, "original", string(b), "the object must be untouched")
		})
	}
}
