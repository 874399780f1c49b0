package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

// inspectorResult is what inspector.mjs reports.
type inspectorResult struct {
	browserRun
	RowsBefore int    `json:"rowsBefore"`
	BadStatus  int    `json:"badStatus"`
	RequestID  string `json:"requestId"`
	Row        struct {
		ClassName string   `json:"className"`
		Cells     []string `json:"cells"`
	} `json:"row"`
	Detail struct {
		Title            string   `json:"title"`
		Fields           string   `json:"fields"`
		Diagnosis        string   `json:"diagnosis"`
		Causes           []string `json:"causes"`
		CanonicalRequest string   `json:"canonicalRequest"`
		StringToSign     string   `json:"stringToSign"`
	} `json:"detail"`
	RejectedOnlyRows int `json:"rejectedOnlyRows"`
}

// The inspector page in headless Chromium: loaded first, it shows a bad
// request made afterwards (an expired pre-signed URL) within a few polls,
// with its S3 code and cause; opened, the request shows its canonical
// request and string to sign; "rejected only" hides the accepted ones.
func TestBrowser_Inspector_ShowsABadRequestLiveWithCodeCausesAndSigningSteps(t *testing.T) {
	node := requireNodeModules(t)
	chromium := requireChromium(t)
	ts := emulator.NewTestServer(t)
	const bucket = "e2e-inspector"
	createBucket(t, ts, bucket)
	_, err := ts.Client.PutObject(ctxT(t, 30*time.Second), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	bad, err := ts.Presign.PresignGetObject(ctxT(t, 30*time.Second), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")}, s3.WithPresignExpires(time.Minute))
	require.NoError(t, err)
	ts.Clock.Advance(2 * time.Minute)

	var res inspectorResult
	runBrowserScript(t, node, chromium, "inspector.mjs", map[string]any{
		"page":   ts.URL + emulator.ControlPrefix,
		"badUrl": bad.URL,
	}, &res)
	require.Empty(t, res.Error)

	assert.Equal(t, 2, res.RowsBefore, "CreateBucket and PutObject; the page's own polls are not recorded")
	assert.Equal(t, 403, res.BadStatus)
	require.NotEmpty(t, res.RequestID)
	assert.Equal(t, "rejected", res.Row.ClassName)
	// time, method, path, operation, auth, access key, status, S3 code, causes
	require.Len(t, res.Row.Cells, 9)
	assert.Equal(t, "GET", res.Row.Cells[1])
	assert.True(t, strings.HasPrefix(res.Row.Cells[2], "/"+bucket+"/k?"), res.Row.Cells[2])
	assert.Equal(t, "GetObject", res.Row.Cells[3])
	assert.Equal(t, "sigv4-query", res.Row.Cells[4])
	assert.Equal(t, ts.AccessKeyID, res.Row.Cells[5])
	assert.Equal(t, "403", res.Row.Cells[6])
	assert.Equal(t, "AccessDenied", res.Row.Cells[7])
	assert.Equal(t, "expired", res.Row.Cells[8])

	assert.Contains(t, res.Detail.Fields, res.RequestID)
	assert.Contains(t, res.Detail.Fields, "AccessDenied: Request has expired")
	assert.Equal(t, []string{"expired"}, res.Detail.Causes)
	assert.NotEmpty(t, res.Detail.Diagnosis)
	assert.True(t, strings.HasPrefix(res.Detail.CanonicalRequest, "GET\n/"+bucket+"/k\n"), res.Detail.CanonicalRequest)
	assert.True(t, strings.HasPrefix(res.Detail.StringToSign, "AWS4-HMAC-SHA256\n"), res.Detail.StringToSign)
	assert.Equal(t, 1, res.RejectedOnlyRows)
}
