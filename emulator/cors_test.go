package emulator

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
)

const corsNotAllowed = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."

const corsVary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

// appRules are a browser app's rules: uploads from its own origin, reads
// from anywhere.
var appRules = []types.CORSRule{
	{
		AllowedOrigins: []string{"https://*.app.example"},
		AllowedMethods: []string{"PUT", "POST", "GET"},
		AllowedHeaders: []string{"x-amz-*", "content-type"},
		ExposeHeaders:  []string{"ETag", "x-amz-request-id"},
		MaxAgeSeconds:  aws.Int32(600),
	},
	{
		AllowedOrigins: []string{"*"},
		AllowedMethods: []string{"GET", "HEAD"},
	},
}

func putCors(t *testing.T, c *s3.Client, bucket string, rules []types.CORSRule) {
	t.Helper()
	_, err := c.PutBucketCors(context.Background(), &s3.PutBucketCorsInput{
		Bucket: aws.String(bucket), CORSConfiguration: &types.CORSConfiguration{CORSRules: rules},
	})
	require.NoError(t, err)
}

// options sends an unsigned OPTIONS request, as a browser does.
func options(t *testing.T, ts *TestServer, path, host string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodOptions, ts.URL+path, nil)
	require.NoError(t, err)
	if host != "" {
		req.Host = host
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return do(t, ts, req)
}

func corsHeadersOf(h http.Header) http.Header {
	out := http.Header{}
	for k, v := range h {
		if strings.HasPrefix(k, "Access-Control-") || k == "Vary" {
			out[k] = v
		}
	}
	return out
}

func TestBucketCors_PutGetDelete_RoundTripsThroughTheSDK(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "pics")

		// Deleting before anything is set is 204 on S3 too.
		_, err := c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: aws.String("pics")})
		require.NoError(t, err)

		_, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("pics")})
		apiErr(t, err, "NoSuchCORSConfiguration", http.StatusNotFound)

		putCors(t, c, "pics", appRules)
		got, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("pics")})
		require.NoError(t, err)
		require.Len(t, got.CORSRules, 2)
		assert.Equal(t, appRules[0].AllowedOrigins, got.CORSRules[0].AllowedOrigins)
		assert.Equal(t, appRules[0].AllowedMethods, got.CORSRules[0].AllowedMethods)
		assert.Equal(t, appRules[0].AllowedHeaders, got.CORSRules[0].AllowedHeaders)
		assert.Equal(t, appRules[0].ExposeHeaders, got.CORSRules[0].ExposeHeaders)
		assert.Equal(t, aws.Int32(600), got.CORSRules[0].MaxAgeSeconds)
		assert.Equal(t, []string{"*"}, got.CORSRules[1].AllowedOrigins)
		assert.Nil(t, got.CORSRules[1].MaxAgeSeconds, "members not set are not returned")
		assert.Empty(t, got.CORSRules[1].AllowedHeaders)

		// A second PUT replaces the whole configuration.
		putCors(t, c, "pics", appRules[1:])
		got, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("pics")})
		require.NoError(t, err)
		require.Len(t, got.CORSRules, 1)

		_, err = c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: aws.String("pics")})
		require.NoError(t, err)
		_, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("pics")})
		apiErr(t, err, "NoSuchCORSConfiguration", http.StatusNotFound)
	})
}

func TestGetBucketCors_NoConfiguration_Is404WithBucketName(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "bare")
	resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/bare?cors", nil, nil))
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	e := parseError(t, body)
	assert.Equal(t, "NoSuchCORSConfiguration", e.Code)
	assert.Equal(t, "The CORS configuration does not exist", e.Message)
	assert.Equal(t, "bare", e.Elem("BucketName"))
}

func TestGetBucketCors_BodyIsTheDocumentInS3Namespace(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "doc")
	putCors(t, ts.Client, "doc", appRules[1:])
	resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/doc?cors", nil, nil))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule>`+
		`<AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedOrigin>*</AllowedOrigin>`+
		`</CORSRule></CORSConfiguration>`, string(body))
}

func TestPutBucketCors_InvalidConfigurations_AreRefusedAndLeaveTheOldOne(t *testing.T) {
	tests := []struct {
		name    string
		rules   []types.CORSRule
		code    string
		message string
	}{
		{"unsupported method", []types.CORSRule{{AllowedOrigins: []string{"*", "https://test.com"}, AllowedMethods: []string{"GET", "PUT", "HEAD", "MYMETHOD"}}},
			"InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD"},
		{"no rules", []types.CORSRule{}, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"},
		{"origin with two wildcards", []types.CORSRule{{AllowedOrigins: []string{"*example*.com"}, AllowedMethods: []string{"GET"}}},
			"InvalidRequest", `AllowedOrigin "*example*.com" can not have more than one wildcard.`},
	}
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "strict")
	putCors(t, ts.Client, "strict", appRules[1:])
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ts.Client.PutBucketCors(context.Background(), &s3.PutBucketCorsInput{
				Bucket: aws.String("strict"), CORSConfiguration: &types.CORSConfiguration{CORSRules: tt.rules},
			})
			apiErr(t, err, tt.code, http.StatusBadRequest)
			assert.Contains(t, err.Error(), tt.message)

			got, err := ts.Client.GetBucketCors(context.Background(), &s3.GetBucketCorsInput{Bucket: aws.String("strict")})
			require.NoError(t, err)
			require.Len(t, got.CORSRules, 1)
			assert.Equal(t, []string{"*"}, got.CORSRules[0].AllowedOrigins)
		})
	}
}

func TestPutBucketCors_WithoutContentMD5OrChecksum_IsInvalidRequest(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "md5")
	doc := []byte(`<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`)

	resp, body := do(t, ts, signedRequest(t, ts, http.MethodPut, ts.URL+"/md5?cors", doc, nil))
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	e := parseError(t, body)
	assert.Equal(t, "InvalidRequest", e.Code)
	assert.Equal(t, "Missing required header for this request: Content-MD5", e.Message)

	sum := md5.Sum(doc)
	resp, body = do(t, ts, signedRequest(t, ts, http.MethodPut, ts.URL+"/md5?cors", doc,
		map[string]string{"Content-MD5": base64.StdEncoding.EncodeToString(sum[:])}))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Empty(t, body)
}

func TestPutBucketCors_MissingBucket_IsNoSuchBucket(t *testing.T) {
	ts := NewTestServer(t)
	_, err := ts.Client.PutBucketCors(context.Background(), &s3.PutBucketCorsInput{
		Bucket: aws.String("nope"), CORSConfiguration: &types.CORSConfiguration{CORSRules: appRules},
	})
	apiErr(t, err, "NoSuchBucket", http.StatusNotFound)
}

func TestPreflight_Answers(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "site")
	s3test.MustCreateBucket(t, ts.Client, "nocors")
	putCors(t, ts.Client, "site", appRules)
	_, port, _ := strings.Cut(ts.Host(), ":")

	type extra struct{ method, resourceType string }
	tests := []struct {
		name    string
		path    string
		host    string
		hdr     map[string]string
		status  int
		code    string
		message string
		extra   *extra
		want    http.Header
	}{
		{
			name:   "allowed upload preflight echoes origin, lists the rule's methods, lower-cases headers",
			path:   "/site/photos/cat.jpg",
			hdr:    map[string]string{"Origin": "https://www.app.example", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "Content-Type,X-Amz-Meta-Owner"},
			status: http.StatusOK,
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://www.app.example"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"PUT, POST, GET"},
				"Access-Control-Allow-Headers":     {"content-type, x-amz-meta-owner"},
				"Access-Control-Expose-Headers":    {"ETag, x-amz-request-id"},
				"Access-Control-Max-Age":           {"600"},
				"Vary":                             {corsVary},
			},
		},
		{
			name:   "browser POST upload preflight on the bucket URL",
			path:   "/site",
			hdr:    map[string]string{"Origin": "https://www.app.example", "Access-Control-Request-Method": "POST"},
			status: http.StatusOK,
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://www.app.example"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"PUT, POST, GET"},
				"Access-Control-Expose-Headers":    {"ETag, x-amz-request-id"},
				"Access-Control-Max-Age":           {"600"},
				"Vary":                             {corsVary},
			},
		},
		{
			name: "virtual-hosted object preflight, any origin reading: *",
			path: "/photos/cat.jpg", host: "site.localhost:" + port,
			hdr:    map[string]string{"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"},
			status: http.StatusOK,
			want: http.Header{
				"Access-Control-Allow-Origin":  {"*"},
				"Access-Control-Allow-Methods": {"GET, HEAD"},
				"Vary":                         {corsVary},
			},
		},
		{
			name: "no Origin is 400 BadRequest", path: "/site/photos/cat.jpg",
			hdr:    map[string]string{"Access-Control-Request-Method": "GET"},
			status: http.StatusBadRequest, code: "BadRequest", message: "Insufficient information. Origin request header needed.",
		},
		{
			name: "no Origin on a missing bucket is still 400", path: "/ghost/k",
			status: http.StatusBadRequest, code: "BadRequest", message: "Insufficient information. Origin request header needed.",
		},
		{
			name: "missing bucket", path: "/ghost/k",
			hdr:    map[string]string{"Origin": "whatever"},
			status: http.StatusForbidden, code: "AccessForbidden", message: "CORSResponse: Bucket not found",
			extra: &extra{"OPTIONS", "BUCKET"},
		},
		{
			name: "bucket without configuration, object URL: ResourceType is still BUCKET", path: "/nocors/k",
			hdr:    map[string]string{"Origin": "whatever", "Access-Control-Request-Method": "PUT"},
			status: http.StatusForbidden, code: "AccessForbidden", message: "CORSResponse: CORS is not enabled for this bucket.",
			extra: &extra{"PUT", "BUCKET"},
		},
		{
			name: "bucket without configuration, no method: Method is OPTIONS", path: "/nocors/k",
			hdr:    map[string]string{"Origin": "whatever"},
			status: http.StatusForbidden, code: "AccessForbidden", message: "CORSResponse: CORS is not enabled for this bucket.",
			extra: &extra{"OPTIONS", "BUCKET"},
		},
		{
			name: "configured bucket, no Access-Control-Request-Method", path: "/site/k",
			hdr:    map[string]string{"Origin": "https://www.app.example"},
			status: http.StatusBadRequest, code: "BadRequest", message: "Invalid Access-Control-Request-Method: null",
		},
		{
			name: "origin not allowed to upload, object URL", path: "/site/k",
			hdr:    map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"},
			status: http.StatusForbidden, code: "AccessForbidden", message: corsNotAllowed,
			extra: &extra{"PUT", "OBJECT"},
		},
		{
			name: "requested header not allowed, bucket URL", path: "/site/",
			hdr:    map[string]string{"Origin": "https://www.app.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"},
			status: http.StatusForbidden, code: "AccessForbidden", message: corsNotAllowed,
			extra: &extra{"POST", "BUCKET"},
		},
		{
			name: "a bogus Authorization header is ignored: preflights are never authenticated", path: "/site/k",
			hdr:    map[string]string{"Origin": "https://x.app.example", "Access-Control-Request-Method": "GET", "Authorization": "AWS4-HMAC-SHA256 nonsense"},
			status: http.StatusOK,
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://x.app.example"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"PUT, POST, GET"},
				"Access-Control-Expose-Headers":    {"ETag, x-amz-request-id"},
				"Access-Control-Max-Age":           {"600"},
				"Vary":                             {corsVary},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := options(t, ts, tt.path, tt.host, tt.hdr)
			require.Equal(t, tt.status, resp.StatusCode, "%s", body)
			assert.NotEmpty(t, resp.Header.Get("X-Amz-Request-Id"))
			if tt.status == http.StatusOK {
				assert.Empty(t, body)
				assert.Empty(t, resp.Header.Get("Content-Type"))
				assert.Equal(t, tt.want, corsHeadersOf(resp.Header))
				return
			}
			assert.Empty(t, corsHeadersOf(resp.Header), "a refused preflight carries no CORS headers")
			e := parseError(t, body)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.message, e.Message)
			if tt.extra != nil {
				assert.Equal(t, tt.extra.method, e.Elem("Method"))
				assert.Equal(t, tt.extra.resourceType, e.Elem("ResourceType"))
				assert.Regexp(t, `^<Code>AccessForbidden</Code><Message>[^<]*</Message><Method>[A-Z]+</Method><ResourceType>[A-Z]+</ResourceType><RequestId>`, string(e.Inner))
			}
		})
	}
}

func TestActualRequests_CarryCORSHeadersOnlyForAllowedOrigins(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "site")
	s3test.MustPutObject(t, ts.Client, "site", "index.html", "<h1>hi</h1>")
	putCors(t, ts.Client, "site", []types.CORSRule{{
		AllowedOrigins: []string{"https://localhost:4200"},
		AllowedMethods: []string{"GET", "PUT"},
		AllowedHeaders: []string{"*"},
		MaxAgeSeconds:  aws.Int32(3000),
	}})
	allowed := http.Header{
		"Access-Control-Allow-Origin":      {"https://localhost:4200"},
		"Access-Control-Allow-Credentials": {"true"},
		"Access-Control-Allow-Methods":     {"GET, PUT"},
		"Access-Control-Max-Age":           {"3000"},
		"Vary":                             {corsVary},
	}
	tests := []struct {
		name   string
		method string
		path   string
		body   []byte
		hdr    map[string]string
		status int
		want   http.Header
	}{
		{"GET from the allowed origin", http.MethodGet, "/site/index.html", nil, map[string]string{"Origin": "https://localhost:4200"}, http.StatusOK, allowed},
		{"PUT from the allowed origin", http.MethodPut, "/site/new.txt", []byte("x"), map[string]string{"Origin": "https://localhost:4200"}, http.StatusOK, allowed},
		{"GET without Origin: no CORS headers", http.MethodGet, "/site/index.html", nil, nil, http.StatusOK, http.Header{}},
		{"GET from another origin: served, without CORS headers", http.MethodGet, "/site/index.html", nil, map[string]string{"Origin": "http://localhost:4200"}, http.StatusOK, http.Header{}},
		{"DELETE from the allowed origin, method not in the rule: served, without CORS headers", http.MethodDelete, "/site/gone.txt", nil, map[string]string{"Origin": "https://localhost:4200"}, http.StatusNoContent, http.Header{}},
		{"GET carrying Access-Control-Request-Method: DELETE is matched as DELETE, so no CORS headers", http.MethodGet, "/site/index.html", nil,
			map[string]string{"Origin": "https://localhost:4200", "Access-Control-Request-Method": "DELETE"}, http.StatusOK, http.Header{}},
		{"an error (NoSuchKey) carries the CORS headers so the page can read it", http.MethodGet, "/site/missing", nil, map[string]string{"Origin": "https://localhost:4200"}, http.StatusNotFound, allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, ts, signedRequest(t, ts, tt.method, ts.URL+tt.path, tt.body, tt.hdr))
			require.Equal(t, tt.status, resp.StatusCode, "%s", body)
			assert.Equal(t, tt.want, corsHeadersOf(resp.Header))
		})
	}
}

func TestActualRequest_SignatureDoesNotMatch_StillCarriesCORSHeaders(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "site")
	putCors(t, ts.Client, "site", []types.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PUT"}, ExposeHeaders: []string{"x-amz-request-id"}}})

	req := signedRequest(t, ts, http.MethodPut, ts.URL+"/site/upload.bin", []byte("payload"), map[string]string{"Origin": "https://app.example"})
	// Tamper after signing: the signature no longer covers what is sent.
	auth := req.Header.Get("Authorization")
	flipped := "0"
	if strings.HasSuffix(auth, "0") {
		flipped = "1"
	}
	req.Header.Set("Authorization", auth[:len(auth)-1]+flipped)
	resp, body := do(t, ts, req)
	require.Equal(t, http.StatusForbidden, resp.StatusCode, "%s", body)
	assert.Equal(t, "SignatureDoesNotMatch", parseError(t, body).Code)
	assert.Equal(t, http.Header{
		"Access-Control-Allow-Origin":   {"*"},
		"Access-Control-Allow-Methods":  {"PUT"},
		"Access-Control-Expose-Headers": {"x-amz-request-id"},
		"Vary":                          {corsVary},
	}, corsHeadersOf(resp.Header))
}

func TestActualRequest_VirtualHosted_CarriesCORSHeaders(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "vsite")
	s3test.MustPutObject(t, ts.Client, "vsite", "a.txt", "a")
	putCors(t, ts.Client, "vsite", []types.CORSRule{{AllowedOrigins: []string{"http://*.example.com"}, AllowedMethods: []string{"GET"}}})
	_, port, _ := strings.Cut(ts.Host(), ":")

	req := signedRequestWith(t, ts, http.MethodGet, ts.URL+"/a.txt", nil, func(r *http.Request) {
		r.Host = "vsite.localhost:" + port
		r.Header.Set("Origin", "http://shop.example.com")
	})
	resp, body := do(t, ts, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Equal(t, "a", string(body))
	assert.Equal(t, "http://shop.example.com", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, corsVary, resp.Header.Get("Vary"))
}

// A browser form upload is answered by the POST handler, which
// authenticates the form itself; its answers (EntityTooLarge, a policy
// failure, the 204) must carry the CORS headers too, or the page cannot
// read them. The status is whatever the POST handler answers.
func TestPostObjectResponse_CarriesCORSHeaders(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "uploads")
	putCors(t, ts.Client, "uploads", []types.CORSRule{{AllowedOrigins: []string{"https://app.example"}, AllowedMethods: []string{"POST"}, ExposeHeaders: []string{"ETag"}}})

	req, err := http.NewRequest(http.MethodPost, ts.URL+"/uploads", strings.NewReader("not a form"))
	require.NoError(t, err)
	req.Header.Set("Origin", "https://app.example")
	req.Header.Set("Content-Type", "text/plain")
	resp, body := do(t, ts, req)
	require.GreaterOrEqual(t, resp.StatusCode, 400, "%s", body)
	assert.Equal(t, http.Header{
		"Access-Control-Allow-Origin":      {"https://app.example"},
		"Access-Control-Allow-Credentials": {"true"},
		"Access-Control-Allow-Methods":     {"POST"},
		"Access-Control-Expose-Headers":    {"ETag"},
		"Vary":                             {corsVary},
	}, corsHeadersOf(resp.Header))
}

func TestHasIntegrityCheck_ContentMD5OrAChecksumHeaderOrTrailer(t *testing.T) {
	tests := []struct {
		name string
		hdr  http.Header
		want bool
	}{
		{"Content-MD5", http.Header{"Content-Md5": {"1B2M2Y8AsgTpgAmY7PhCfg=="}}, true},
		{"x-amz-checksum-crc32 header (SDK over HTTP)", http.Header{"X-Amz-Checksum-Crc32": {"AAAAAA=="}}, true},
		{"x-amz-checksum-sha256 header", http.Header{"X-Amz-Checksum-Sha256": {"x"}}, true},
		{"checksum announced as a trailer (aws-chunked)", http.Header{"X-Amz-Trailer": {"x-amz-checksum-crc64nvme"}}, true},
		{"only the algorithm, no value", http.Header{"X-Amz-Sdk-Checksum-Algorithm": {"CRC32"}}, false},
		{"x-amz-checksum-algorithm, no value", http.Header{"X-Amz-Checksum-Algorithm": {"CRC32"}}, false},
		{"x-amz-checksum-type, no value", http.Header{"X-Amz-Checksum-Type": {"FULL_OBJECT"}}, false},
		{"a trailer that is not a checksum", http.Header{"X-Amz-Trailer": {"x-amz-meta-foo"}}, false},
		{"nothing", http.Header{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, hasIntegrityCheck(tt.hdr))
		})
	}
}
