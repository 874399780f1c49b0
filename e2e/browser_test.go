package e2e

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/presign"
)

// browserResult is what browser.mjs reports.
type browserResult struct {
	browserRun
	Form struct {
		Error    string `json:"error"`
		FinalURL string `json:"finalUrl"`
		Status   int    `json:"status"`
		BodyText string `json:"bodyText"`
	} `json:"form"`
	Put struct {
		Error      string `json:"error"`
		FetchError string `json:"fetchError"`
		Status     int    `json:"status"`
		ETag       string `json:"etag"`
		BodyText   string `json:"bodyText"`
		Origin     string `json:"origin"`
	} `json:"put"`
	Get struct {
		Error      string `json:"error"`
		FetchError string `json:"fetchError"`
		Status     int    `json:"status"`
		BodySha256 string `json:"bodySha256"`
		BodyLength int    `json:"bodyLength"`
	} `json:"get"`
	Blocked struct {
		Error      string `json:"error"`
		FetchError string `json:"fetchError"`
		Status     int    `json:"status"`
		Origin     string `json:"origin"`
	} `json:"blocked"`
	TooLarge struct {
		Error       string `json:"error"`
		FetchError  string `json:"fetchError"`
		Status      int    `json:"status"`
		ContentType string `json:"contentType"`
		BodyText    string `json:"bodyText"`
	} `json:"tooLarge"`
}

// A web page on one origin (http://localhost:<port>) uploading to strictS3
// on another (http://127.0.0.1:<port>), in headless Chromium:
//   - the presign package's HTML form, submitted with a real file, redirects
//     back to the page with bucket, key and ETag (success_action_redirect);
//   - fetch() PUTs to a pre-signed URL (preflight + actual request through
//     the bucket's CORS rules) and GETs it back;
//   - fetch() POSTs a file over the policy's content-length-range and can
//     read the EntityTooLarge XML, because the error carries CORS headers;
//   - a page on an origin no rule allows cannot read the same GET.
func TestBrowser_FormUploadFetchPutAndEntityTooLargeAcrossOrigins(t *testing.T) {
	node := requireNodeModules(t)
	chromium := requireChromium(t)
	ts := emulator.NewTestServer(t)
	const bucket = "e2e-browser"
	createBucket(t, ts, bucket)

	redirects := make(chan url.Values, 1)
	var formHTML string
	mux := http.NewServeMux()
	mux.HandleFunc("/form", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(formHTML))
	})
	mux.HandleFunc("/blank", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>page</title></head><body>fetch runs here</body></html>"))
	})
	mux.HandleFunc("/done", func(w http.ResponseWriter, r *http.Request) {
		select {
		case redirects <- r.URL.Query():
		default:
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html><html><body>uploaded</body></html>"))
	})
	// The page server starts only once the form is rendered (its redirect
	// names the page origin, known from the listener before Start).
	pageServer := httptest.NewUnstartedServer(mux)
	t.Cleanup(pageServer.Close)
	pageOrigin := "http://" + strings.Replace(pageServer.Listener.Addr().String(), "127.0.0.1", "localhost", 1)
	require.NotEqual(t, pageOrigin, ts.URL)

	allowOrigin(t, ts, bucket, pageOrigin)

	signer := presign.New(ts.Client)
	ctx := ctxT(t, 30*time.Second)
	form, err := signer.PresignPost(ctx, bucket, "browser/${filename}", 10*time.Minute,
		presign.ContentLengthRange(0, 1<<20),
		presign.Field("success_action_redirect", pageOrigin+"/done"))
	require.NoError(t, err)
	formHTML = form.HTML()
	pageServer.Start()
	formFile := randomBytes(48*1024+3, 50)

	putBody := randomBytes(200*1024+9, 51)
	const putKey = "browser/fetch put+1.bin"
	put, err := signer.PutObject(ctx, bucket, putKey, 10*time.Minute, presign.PutOptions{})
	require.NoError(t, err)
	get, err := signer.GetObject(ctx, bucket, putKey, 10*time.Minute)
	require.NoError(t, err)

	const limit, tooMuch = 1024, 4096
	small, err := signer.PresignPost(ctx, bucket, "browser/too-large.bin", 10*time.Minute, presign.ContentLengthRange(0, limit))
	require.NoError(t, err)

	var res browserResult
	runBrowserScript(t, node, chromium, "browser.mjs", map[string]any{
		"formPage":  pageOrigin + "/form",
		"formFile":  map[string]string{"name": "photo.png", "mimeType": "image/png", "base64": base64.StdEncoding.EncodeToString(formFile)},
		"fetchPage": pageOrigin + "/blank",
		"put":       map[string]string{"url": put.URL, "base64": base64.StdEncoding.EncodeToString(putBody), "contentType": "application/octet-stream"},
		"get":       map[string]string{"url": get.URL},
		"tooLarge":  map[string]any{"url": small.URL, "fields": small.Values(), "size": tooMuch},
		// Same page server, reached as 127.0.0.1: an origin no rule allows.
		"blockedPage": "http://" + pageServer.Listener.Addr().String() + "/blank",
	}, &res)

	t.Run("HTML form with a real file redirects back and stores the file", func(t *testing.T) {
		require.Empty(t, res.Form.Error)
		assert.True(t, strings.HasPrefix(res.Form.FinalURL, pageOrigin+"/done?"), "browser ended at %s (status %d):\n%s",
			res.Form.FinalURL, res.Form.Status, res.Form.BodyText)
		var q url.Values
		select {
		case q = <-redirects:
		default:
			t.Fatalf("the page server never saw the success_action_redirect")
		}
		assert.Equal(t, bucket, q.Get("bucket"))
		assert.Equal(t, "browser/photo.png", q.Get("key"), "${filename} is the chosen file's name")
		assert.NotEmpty(t, q.Get("etag"))
		assert.Equal(t, sha256Hex(formFile), sha256Hex(stored(t, ts, bucket, "browser/photo.png")))
	})

	t.Run("fetch PUT to a pre-signed URL across origins", func(t *testing.T) {
		require.Empty(t, res.Put.Error)
		require.Empty(t, res.Put.FetchError, "the browser blocked the request (CORS?)")
		assert.Equal(t, pageOrigin, res.Put.Origin)
		require.Equal(t, 200, res.Put.Status, res.Put.BodyText)
		assert.NotEmpty(t, res.Put.ETag, "ETag is readable because the rule exposes it")
		assert.Equal(t, sha256Hex(putBody), sha256Hex(stored(t, ts, bucket, putKey)))
	})

	t.Run("fetch GET of a pre-signed URL across origins", func(t *testing.T) {
		require.Empty(t, res.Get.Error)
		require.Empty(t, res.Get.FetchError, "the browser blocked the response (CORS?)")
		require.Equal(t, 200, res.Get.Status)
		assert.Equal(t, sha256Hex(putBody), res.Get.BodySha256)
	})

	t.Run("fetch GET from an origin no CORS rule allows is blocked by the browser", func(t *testing.T) {
		require.Empty(t, res.Blocked.Error)
		assert.NotEqual(t, pageOrigin, res.Blocked.Origin)
		assert.Contains(t, res.Blocked.FetchError, "Failed to fetch", "S3 serves the request but sends no Access-Control-Allow-Origin")
		assert.Zero(t, res.Blocked.Status)
	})

	t.Run("fetch POST over content-length-range reads EntityTooLarge", func(t *testing.T) {
		require.Empty(t, res.TooLarge.Error)
		require.Empty(t, res.TooLarge.FetchError, "the page could not read the error: CORS headers missing on it?")
		require.Equal(t, 400, res.TooLarge.Status, res.TooLarge.BodyText)
		e := parseS3Error(t, res.TooLarge.ContentType, []byte(res.TooLarge.BodyText))
		assert.Equal(t, "EntityTooLarge", e.Code)
		assert.Equal(t, "Your proposed upload exceeds the maximum allowed size", e.Message)
		assert.Equal(t, "4096", e.ProposedSize)
		assert.Equal(t, "1024", e.MaxSizeAllowed)
		_, err := ts.Server.Store().HeadObject(ctxT(t, 10*time.Second), bucket, "browser/too-large.bin")
		assert.Error(t, err, "a rejected upload leaves no object")
	})
}
