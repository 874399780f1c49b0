package e2e

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

// pyResponse is boto3_e2e.py's summary of a raw HTTP response.
type pyResponse struct {
	Status     int               `json:"status"`
	Headers    map[string]string `json:"headers"`
	BodySha256 string            `json:"bodySha256"`
	BodyLength int               `json:"bodyLength"`
	BodyText   string            `json:"bodyText"`
}

// pyStep is one step of boto3_e2e.py.
type pyStep struct {
	OK               bool       `json:"ok"`
	Error            string     `json:"error"`
	Trace            string     `json:"trace"`
	Status           int        `json:"status"`
	URL              string     `json:"url"`
	Query            []string   `json:"query"`
	Fields           []string   `json:"fields"`
	Key              string     `json:"key"`
	Response         pyResponse `json:"response"`
	UploadedSha256   string     `json:"uploadedSha256"`
	DownloadedSha256 string     `json:"downloadedSha256"`
	ExpectedSha256   string     `json:"expectedSha256"`
	ETag             string     `json:"etag"`
	ContentLength    int64      `json:"contentLength"`
}

func (s pyStep) failure() string {
	return s.Error + "\n" + s.Trace + "\n" + s.Response.Headers["x-stricts3-diagnosis"] + "\n" + s.Response.BodyText
}

func TestBoto3_PresignPutGetUploadFileAndPost(t *testing.T) {
	overHTTPAndTLS(t, testBoto3)
}

func testBoto3(t *testing.T, opts ...emulator.TestOption) {
	py := requireBoto3(t)
	ts := emulator.NewTestServer(t, opts...)
	const bucket = "e2e-boto3"
	big := randomBytes(20<<20, 20)
	env := map[string]string{
		"AWS_ENDPOINT_URL":      ts.URL,
		"AWS_ACCESS_KEY_ID":     ts.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": ts.SecretAccessKey,
		"AWS_DEFAULT_REGION":    ts.Region,
		"E2E_BUCKET":            bucket,
		"E2E_BIG_FILE":          writeTemp(t, "big.bin", big),
	}
	if strings.HasPrefix(ts.URL, "https:") {
		env["AWS_CA_BUNDLE"] = caBundle(t, ts)
	}
	var res map[string]any
	err := runJSON(t, 4*time.Minute, pyDir(t), clientEnv(t, env), &res, py, "boto3_e2e.py")
	require.NoError(t, err)
	steps := decodeSteps(t, res)
	t.Logf("boto3 %v, region %v", res["boto3"], res["region"])

	step := func(t *testing.T, name string) pyStep {
		t.Helper()
		s, ok := steps[name]
		require.True(t, ok, "step %s missing", name)
		require.True(t, s.OK, "boto3 step %s failed: %s", name, s.failure())
		return s
	}

	t.Run("create_bucket", func(t *testing.T) { assert.Equal(t, 200, step(t, "create_bucket").Status) })
	t.Run("put_object then get_object", func(t *testing.T) {
		s := step(t, "put_get")
		assert.Equal(t, s.UploadedSha256, s.DownloadedSha256)
	})
	for _, name := range []string{"presign_get_default", "presign_get_s3v4"} {
		t.Run(name, func(t *testing.T) {
			s := step(t, name)
			if name == "presign_get_default" {
				// boto3 pre-signs with SigV2 in us-east-1 unless told otherwise (spec §12).
				if ts.Region == "us-east-1" {
					assert.Equal(t, []string{"AWSAccessKeyId", "Expires", "Signature"}, s.Query)
				}
			} else {
				assert.Contains(t, s.Query, "X-Amz-Signature")
			}
			require.Equal(t, 200, s.Response.Status, "GET %s: %s", s.URL, s.failure())
			assert.Equal(t, s.ExpectedSha256, s.Response.BodySha256)
		})
	}
	for _, name := range []string{"presign_put_default", "presign_put_s3v4"} {
		t.Run(name, func(t *testing.T) {
			s := step(t, name)
			require.Equal(t, 200, s.Response.Status, "PUT %s: %s", s.URL, s.failure())
			assert.Equal(t, s.UploadedSha256, sha256Hex(stored(t, ts, bucket, s.Key)))
		})
	}
	t.Run("upload_file 20 MiB is multipart", func(t *testing.T) {
		s := step(t, "upload_file")
		assert.Equal(t, sha256Hex(big), s.UploadedSha256)
		assert.Equal(t, s.UploadedSha256, s.DownloadedSha256)
		assert.Equal(t, int64(len(big)), s.ContentLength)
		assert.Regexp(t, `^"[0-9a-f]{32}-[0-9]+"$`, s.ETag, "a multipart ETag ends in -<parts>")
		assert.Equal(t, sha256Hex(big), sha256Hex(stored(t, ts, bucket, "big/upload_file.bin")))
	})
	for _, name := range []string{"presigned_post_default", "presigned_post_s3v4"} {
		t.Run(name, func(t *testing.T) {
			s := step(t, name)
			if name == "presigned_post_default" && ts.Region == "us-east-1" {
				assert.Contains(t, s.Fields, "AWSAccessKeyId", "boto3's default POST form is SigV2")
			} else {
				assert.Contains(t, s.Fields, "x-amz-signature")
			}
			require.Equal(t, 201, s.Response.Status, "POST %s: %s", s.URL, s.failure())
			var pr postResponse
			parsePostResponse(t, s.Response.BodyText, &pr)
			assert.Equal(t, s.Key, pr.Key)
			assert.Equal(t, bucket, pr.Bucket)
			assert.Equal(t, s.UploadedSha256, sha256Hex(stored(t, ts, bucket, s.Key)))
		})
	}

	// boto3's own SigV2 URL, edited and then expired (runs last: it moves
	// the server's clock).
	t.Run("SigV2 URL from boto3, tampered then expired", func(t *testing.T) {
		s := step(t, "presign_get_default")
		if ts.Region != "us-east-1" {
			t.Skip("boto3 pre-signs with SigV4 outside us-east-1")
		}
		fetch := func(t *testing.T, raw string) *http.Response {
			req, err := http.NewRequestWithContext(ctxT(t, 30*time.Second), http.MethodGet, raw, nil)
			require.NoError(t, err)
			resp, err := ts.HTTPClient.Do(req)
			require.NoError(t, err)
			t.Cleanup(func() { resp.Body.Close() })
			return resp
		}
		u, err := url.Parse(s.URL)
		require.NoError(t, err)
		q := u.Query()
		expires, err := strconv.ParseInt(q.Get("Expires"), 10, 64)
		require.NoError(t, err)

		longer := *u
		q.Set("Expires", strconv.FormatInt(expires+3600, 10))
		longer.RawQuery = q.Encode()
		resp := fetch(t, longer.String())
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		e := readS3Error(t, resp)
		assert.Equal(t, "SignatureDoesNotMatch", e.Code)
		assert.Empty(t, e.CanonicalRequest, "SigV2 errors carry no CanonicalRequest")
		assert.Equal(t, "GET\n\n\n"+strconv.FormatInt(expires+3600, 10)+"\n/"+bucket+"/small%20object.bin", e.StringToSign)

		ts.Clock.Set(time.Unix(expires+1, 0))
		resp = fetch(t, s.URL)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		e = readS3Error(t, resp)
		assert.Equal(t, "AccessDenied", e.Code)
		assert.Equal(t, "Request has expired", e.Message)
		assert.Empty(t, e.XAmzExpires, "SigV2 expiry has no X-Amz-Expires")
		assert.Equal(t, time.Unix(expires, 0).UTC().Format(time.RFC3339), e.Expires)
		assert.Equal(t, time.Unix(expires+1, 0).UTC().Format(time.RFC3339), e.ServerTime)
	})
}

// decodeSteps re-decodes the step members of the script's document.
func decodeSteps(t *testing.T, doc map[string]any) map[string]pyStep {
	t.Helper()
	out := map[string]pyStep{}
	for k, v := range doc {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		var s pyStep
		remarshal(t, m, &s)
		out[k] = s
	}
	return out
}
