package e2e

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

// fetchResult is lib.mjs's summary of a fetch Response.
type fetchResult struct {
	Status     int               `json:"status"`
	Headers    map[string]string `json:"headers"`
	BodyText   string            `json:"bodyText"`
	BodySha256 string            `json:"bodySha256"`
	BodyLength int               `json:"bodyLength"`
}

// scriptError is what a script prints when it throws.
type scriptError struct {
	Error      string `json:"error"`
	ErrorName  string `json:"errorName"`
	HTTPStatus int    `json:"httpStatus"`
}

func jsEnv(t *testing.T, ts *emulator.TestServer, bucket string, extra map[string]string) []string {
	t.Helper()
	env := map[string]string{
		"S3_ENDPOINT":           ts.URL,
		"AWS_REGION":            ts.Region,
		"AWS_ACCESS_KEY_ID":     ts.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": ts.SecretAccessKey,
		"S3_BUCKET":             bucket,
	}
	for k, v := range extra {
		env[k] = v
	}
	return clientEnv(t, env)
}

// The code from the talk: getSignedUrl for PUT and GET at the SDK's default
// settings, fetch up and down, and createPresignedPost with FormData.
func TestJSSDK_TalkCode_PresignedPutGetAndPost(t *testing.T) {
	node := requireNodeModules(t)
	ts := emulator.NewTestServer(t)
	const bucket = "e2e-js-talk"
	createBucket(t, ts, bucket)

	var res struct {
		scriptError
		Key            string            `json:"key"`
		PutURL         string            `json:"putUrl"`
		Put            fetchResult       `json:"put"`
		UploadedSha256 string            `json:"uploadedSha256"`
		UploadedLength int               `json:"uploadedLength"`
		Get            fetchResult       `json:"get"`
		PostFields     map[string]string `json:"postFields"`
		Post           fetchResult       `json:"post"`
		PostedSha256   string            `json:"postedSha256"`
		PostedLength   int               `json:"postedLength"`
	}
	err := runJSON(t, 2*time.Minute, jsDir(t), jsEnv(t, ts, bucket, map[string]string{
		"S3_KEY":      "uploads/talk photo+1.png",
		"S3_POST_KEY": "uploads/posted-${filename}",
	}), &res, node, "presign.mjs")
	require.NoError(t, err, "presign.mjs: %s", res.Error)

	// SDK ≥ 3.729 adds the CRC32 of an empty body to a PUT URL (spec §12); the
	// upload of a non-empty body must still be accepted, as S3 does.
	q, err := url.Parse(res.PutURL)
	require.NoError(t, err)
	assert.Equal(t, "AAAAAA==", q.Query().Get("x-amz-checksum-crc32"), "the SDK's default PUT URL shape")
	assert.Equal(t, "CRC32", q.Query().Get("x-amz-sdk-checksum-algorithm"))

	require.Equal(t, 200, res.Put.Status, "presigned PUT: %s %s", res.Put.Headers["x-stricts3-diagnosis"], res.Put.BodyText)
	require.Equal(t, 200, res.Get.Status, "presigned GET: %s %s", res.Get.Headers["x-stricts3-diagnosis"], res.Get.BodyText)
	assert.Equal(t, res.UploadedSha256, res.Get.BodySha256, "fetch download equals the upload")
	assert.Equal(t, res.UploadedSha256, sha256Hex(stored(t, ts, bucket, res.Key)), "stored bytes equal the upload")

	require.Equal(t, 201, res.Post.Status, "POST: %s %s", res.Post.Headers["x-stricts3-diagnosis"], res.Post.BodyText)
	var pr postResponse
	parsePostResponse(t, res.Post.BodyText, &pr)
	assert.Equal(t, bucket, pr.Bucket)
	assert.Equal(t, "uploads/posted-cat.png", pr.Key, "${filename} is replaced by the file's name")
	assert.Equal(t, res.Post.Headers["etag"], pr.ETag)
	assert.NotEmpty(t, pr.Location)
	assert.Equal(t, res.PostedSha256, sha256Hex(stored(t, ts, bucket, "uploads/posted-cat.png")))
}

// Issue #3: S3Client.send(PutObjectCommand) with a stream body of known
// length (the SDK sends it aws-chunked with a trailing checksum).
func TestJSSDK_PutObjectStreamOfKnownLength_IsStoredWhole(t *testing.T) {
	overHTTPAndTLS(t, testJSPutStream)
}

func testJSPutStream(t *testing.T, opts ...emulator.TestOption) {
	node := requireNodeModules(t)
	ts := emulator.NewTestServer(t, opts...)
	const bucket = "e2e-js-stream"
	createBucket(t, ts, bucket)

	var res struct {
		scriptError
		Key              string `json:"key"`
		UploadedSha256   string `json:"uploadedSha256"`
		UploadedLength   int64  `json:"uploadedLength"`
		PutChecksumCRC32 string `json:"putChecksumCRC32"`
		GetContentLength int64  `json:"getContentLength"`
		DownloadedSha256 string `json:"downloadedSha256"`
	}
	var extra map[string]string
	if strings.HasPrefix(ts.URL, "https:") {
		extra = map[string]string{"NODE_EXTRA_CA_CERTS": caBundle(t, ts)}
	}
	err := runJSON(t, 2*time.Minute, jsDir(t), jsEnv(t, ts, bucket, extra), &res, node, "putstream.mjs")
	require.NoError(t, err, "putstream.mjs: %s (%s, HTTP %d)", res.Error, res.ErrorName, res.HTTPStatus)
	assert.Equal(t, res.UploadedLength, res.GetContentLength)
	assert.Equal(t, res.UploadedSha256, res.DownloadedSha256)
	assert.NotEmpty(t, res.PutChecksumCRC32, "the server answers the checksum the SDK sent")
	assert.Equal(t, res.UploadedSha256, sha256Hex(stored(t, ts, bucket, res.Key)))
}
