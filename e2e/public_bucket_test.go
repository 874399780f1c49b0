package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
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

	"github.com/stricts3/stricts3/emulator"
)

type imgResult struct {
	scriptError
	Public, Private struct {
		Complete      bool `json:"complete"`
		Width, Height int
	}
	Fetch struct {
		FetchError string `json:"fetchError"`
		Status     int    `json:"status"`
		Length     int    `json:"length"`
	} `json:"fetch"`
}

// A page on another origin shows a public-read bucket's image with a plain
// <img> (no signature, no credentials) and fetches it across origins; the
// image the policy keeps private does not load.
func TestBrowser_PublicReadPolicy_ImgLoadsAnonymously_PrivateDoesNot(t *testing.T) {
	node := requireNodeModules(t)
	chromium := requireChromium(t)
	ts := emulator.NewTestServer(t)
	const bucket = "e2e-public-site"
	createBucket(t, ts, bucket)
	ctx := ctxT(t, 30*time.Second)

	var pic bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	require.NoError(t, png.Encode(&pic, img))
	for _, key := range []string{"img/logo.png", "private/logo.png"} {
		_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
			Body: bytes.NewReader(pic.Bytes()), ContentType: aws.String("image/png")})
		require.NoError(t, err)
	}
	_, err := ts.Client.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	_, err = ts.Client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(fmt.Sprintf(`{
		"Version": "2012-10-17",
		"Statement": [{"Sid": "PublicImages", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/img/*"}]}`, bucket))})
	require.NoError(t, err)

	pageServer := httptest.NewUnstartedServer(nil)
	t.Cleanup(pageServer.Close)
	pageOrigin := "http://" + strings.Replace(pageServer.Listener.Addr().String(), "127.0.0.1", "localhost", 1)
	_, err = ts.Client.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String(bucket),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{{AllowedOrigins: []string{pageOrigin}, AllowedMethods: []string{"GET"}}}}})
	require.NoError(t, err)
	page := fmt.Sprintf(`<!DOCTYPE html><html><body><img id="public" src="%[1]s/%[2]s/img/logo.png"><img id="private" src="%[1]s/%[2]s/private/logo.png"></body></html>`, ts.URL, bucket)
	pageServer.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	})
	pageServer.Start()

	plan, err := json.Marshal(map[string]any{"chromium": chromium, "page": pageOrigin + "/"})
	require.NoError(t, err)
	var res imgResult
	runErr := runJSON(t, 2*time.Minute, jsDir(t), clientEnv(t, map[string]string{"E2E_PLAN_FILE": writeTemp(t, "plan.json", plan)}), &res, node, "public_img.mjs")
	require.NoError(t, runErr, "public_img.mjs: %s", res.Error)

	assert.True(t, res.Public.Complete)
	assert.Equal(t, 3, res.Public.Width, "the public image decoded")
	assert.Equal(t, 2, res.Public.Height)
	assert.Zero(t, res.Private.Width, "the private image is 403 and does not render")
	require.Empty(t, res.Fetch.FetchError, "the anonymous cross-origin GET carries CORS headers")
	assert.Equal(t, http.StatusOK, res.Fetch.Status)
	assert.Equal(t, pic.Len(), res.Fetch.Length)
}

// curl with no credentials reads what a public-read policy serves, through
// the virtual-hosted name too, and is refused the rest with S3's 403 and
// the diagnosis naming why.
func TestCurl_PublicReadPolicy_AnonymousGetAndRefusedPut(t *testing.T) {
	curl := requireTool(t, "curl", "apt-get install -y curl")
	ts := emulator.NewTestServer(t)
	const bucket = "e2e-curl-public"
	createBucket(t, ts, bucket)
	ctx := ctxT(t, 30*time.Second)
	_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("hello.txt"), Body: strings.NewReader("hello, world")})
	require.NoError(t, err)
	_, err = ts.Client.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	_, err = ts.Client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(fmt.Sprintf(`{
		"Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*"}]}`, bucket))})
	require.NoError(t, err)

	port := ts.URL[strings.LastIndex(ts.URL, ":")+1:]
	for _, u := range []string{ts.URL + "/" + bucket + "/hello.txt", "http://" + bucket + ".localhost:" + port + "/hello.txt"} {
		out, err := run(t, 30*time.Second, t.TempDir(), nil, curl, "-sS", "--resolve", bucket+".localhost:"+port+":127.0.0.1", u)
		require.NoError(t, err, "%s: %s", u, out)
		assert.Equal(t, "hello, world", string(out), u)
	}
	out, err := run(t, 30*time.Second, t.TempDir(), nil, curl, "-sS", "-D", "-", "-X", "PUT", "--data-binary", "x", ts.URL+"/"+bucket+"/defaced.txt")
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "HTTP/1.1 403")
	assert.Contains(t, string(out), "<Code>AccessDenied</Code><Message>Access Denied</Message>")
	assert.Contains(t, string(out), `statement "PublicRead" names this principal but does not allow s3:PutObject`)
}
