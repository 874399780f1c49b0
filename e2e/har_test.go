package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

// harResult is what har.mjs reports.
type harResult struct {
	browserRun
	Put fetchOutcome `json:"put"`
	Get fetchOutcome `json:"get"`
}

type fetchOutcome struct {
	FetchError string `json:"fetchError"`
	Status     int    `json:"status"`
	BodyText   string `json:"bodyText"`
}

// harFixture is the explain command's HAR fixture; this test writes it
// when STRICTS3_UPDATE_HAR_FIXTURE=1, so the fixture is always a real
// capture rather than a hand-written guess at what a browser sends.
const harFixture = "../cmd/stricts3/testdata/browser-put-content-type.har"

// Headless Chromium PUTs a string to a URL pre-signed for image/png (the
// browser labels it text/plain;charset=UTF-8) and GETs through a valid
// pre-signed URL, while playwright records a HAR; `stricts3 explain --json
// --har` on that file names the changed signed header with both values
// for the PUT and accepts the GET.
func TestExplain_ChromiumHAR_PutWithAnotherContentTypeAndValidGet(t *testing.T) {
	node := requireNodeModules(t)
	chromium := requireChromium(t)
	bin := buildBinary(t)
	ts := emulator.NewTestServer(t)
	const bucket, key, signedType = "uploads", "avatar.png", "image/png"
	createBucket(t, ts, bucket)
	previous := []byte("the avatar uploaded before")
	_, err := ts.Client.PutObject(ctxT(t, 30*time.Second), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: strings.NewReader(string(previous)), ContentType: aws.String(signedType)})
	require.NoError(t, err)

	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// The empty icon keeps a /favicon.ico request out of the HAR.
		_, _ = w.Write([]byte(`<!DOCTYPE html><html><head><title>upload</title><link rel="icon" href="data:,"></head><body>fetch runs here</body></html>`))
	}))
	t.Cleanup(page.Close)
	pageOrigin := strings.Replace(page.URL, "127.0.0.1", "localhost", 1)
	allowOrigin(t, ts, bucket, pageOrigin)

	ctx := ctxT(t, 30*time.Second)
	put, err := ts.Presign.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), ContentType: aws.String(signedType)},
		s3.WithPresignExpires(time.Hour))
	require.NoError(t, err)
	get, err := ts.Presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, s3.WithPresignExpires(time.Hour))
	require.NoError(t, err)

	har := filepath.Join(t.TempDir(), "session.har")
	var res harResult
	runBrowserScript(t, node, chromium, "har.mjs", map[string]any{
		"page": pageOrigin + "/",
		"put":  map[string]string{"url": put.URL, "body": "not a png"},
		"get":  map[string]string{"url": get.URL},
		"har":  har,
	}, &res)
	require.Empty(t, res.Error)

	t.Run("the browser saw S3's answers", func(t *testing.T) {
		require.Empty(t, res.Put.FetchError, "the page could not read the refusal: CORS headers missing on it?")
		assert.Equal(t, http.StatusForbidden, res.Put.Status)
		assert.Contains(t, res.Put.BodyText, "<Code>SignatureDoesNotMatch</Code>")
		require.Empty(t, res.Get.FetchError)
		assert.Equal(t, http.StatusOK, res.Get.Status)
		assert.Equal(t, string(previous), res.Get.BodyText, "the refused PUT left the previous object intact")
	})

	t.Run("explain --har names the cause of each entry", func(t *testing.T) {
		env := clientEnv(t, map[string]string{"AWS_REGION": ts.Region, "AWS_ACCESS_KEY_ID": ts.AccessKeyID, "AWS_SECRET_ACCESS_KEY": ts.SecretAccessKey})
		vs := explainLines(t, bin, env, 1, "--har", har, "--now", ts.Clock.Now().UTC().Format(time.RFC3339))
		require.Len(t, vs, 2, "the page load carries no S3 authentication and is skipped")
		assert.False(t, vs[0].Valid)
		assert.Equal(t, http.StatusForbidden, vs[0].Status)
		assert.Equal(t, "SignatureDoesNotMatch", vs[0].Code)
		require.Len(t, vs[0].Causes, 1)
		assert.Equal(t, "signed-header-changed", vs[0].Causes[0].ID)
		assert.Equal(t, map[string]string{"header": "content-type", "signed": signedType, "sent": "text/plain;charset=UTF-8"}, vs[0].Causes[0].Evidence)
		assert.True(t, vs[1].Valid, "the GET: %+v", vs[1])
		assert.Empty(t, vs[1].Causes)
	})

	if os.Getenv("STRICTS3_UPDATE_HAR_FIXTURE") == "1" && !t.Failed() {
		b, err := os.ReadFile(har)
		require.NoError(t, err)
		// Playwright writes one line; indented, the fixture reads and diffs.
		var indented bytes.Buffer
		require.NoError(t, json.Indent(&indented, b, "", "  "))
		require.NoError(t, os.WriteFile(harFixture, append(indented.Bytes(), '\n'), 0o644))
		t.Logf("wrote %s (signed at %s)", harFixture, ts.Clock.Now().UTC().Format(time.RFC3339))
	}
}
