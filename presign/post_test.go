package presign_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/presign"
	"github.com/stricts3/stricts3/verifier"
)

const (
	region   = "us-east-1"
	bucket   = "photos"
	akid     = "AKIAPRESIGNEXAMPLE"
	secret   = "presign/secret/key"
	tempKey  = "ASIAPRESIGNEXAMPLE"
	tempSec  = "temp-secret"
	tempTok  = "session-token-value"
	endpoint = "http://127.0.0.1:9000"
)

var signedAt = time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC)

// newClient is an S3 client for the local endpoint, path-style, built by
// hand (the machine's AWS_CA_BUNDLE rules out LoadDefaultConfig with a
// custom client).
func newClient(id, sec, token string) *s3.Client {
	return s3.New(s3.Options{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(id, sec, token),
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
	})
}

func newVerifier(clock verifier.Clock) *verifier.Verifier {
	return verifier.New(verifier.Config{
		Region: region,
		Clock:  clock,
		Credentials: verifier.NewStaticCredentials(
			verifier.Credential{AccessKeyID: akid, SecretAccessKey: secret},
			verifier.Credential{AccessKeyID: tempKey, SecretAccessKey: tempSec, SessionToken: tempTok},
		),
	})
}

// upload builds the request a browser sends for form: the fields in order,
// then the file part, then (to prove they are ignored) trailing fields.
func upload(t *testing.T, form *presign.Form, filename, content string, extra ...presign.FormField) *http.Request {
	t.Helper()
	fields := s3test.FieldsOf(append(append([]presign.FormField(nil), form.Fields...), extra...)...)
	return s3test.PostRequest(t, form.URL, fields,
		&s3test.File{Filename: filename, ContentType: "application/octet-stream", Content: content},
		s3test.Field{Name: "x-amz-meta-after", Value: "ignored"})
}

func TestPresignPost_FormsAreAcceptedByTheVerifier(t *testing.T) {
	cases := []struct {
		name       string
		client     *s3.Client
		key        string
		conditions []presign.Condition
		extra      []presign.FormField
		filename   string
		wantKey    string
		wantFields map[string]string
	}{
		{name: "KeyOnly", key: "uploads/cat.png", wantKey: "uploads/cat.png"},
		{name: "FilenamePlaceholder_GetsAPrefixCondition", key: "uploads/${filename}", filename: "dog.png", wantKey: "uploads/dog.png"},
		{name: "StartsWithKey_ReplacesExactKey", key: "uploads/x", conditions: []presign.Condition{presign.StartsWith("$key", "uploads/")},
			extra: nil, wantKey: "uploads/x"},
		{name: "FieldsAreSentAndPinned", key: "k",
			conditions: []presign.Condition{presign.Field("success_action_status", "201"), presign.Field("Content-Type", "image/png"),
				presign.Field("x-amz-meta-owner", "alice"), presign.Field("success_action_redirect", "http://localhost/done")},
			wantKey: "k", wantFields: map[string]string{"success_action_status": "201", "content-type": "image/png",
				"x-amz-meta-owner": "alice", "success_action_redirect": "http://localhost/done"}},
		{name: "EqWithCallerSuppliedField", key: "k", conditions: []presign.Condition{presign.Eq("$Content-Type", "text/plain")},
			extra: []presign.FormField{{Name: "Content-Type", Value: "text/plain"}}, wantKey: "k", wantFields: map[string]string{"content-type": "text/plain"}},
		{name: "StartsWithEmptyPrefix_AllowsAnyValue", key: "k", conditions: []presign.Condition{presign.StartsWith("x-amz-meta-note", "")},
			extra: []presign.FormField{{Name: "x-amz-meta-note", Value: "anything"}}, wantKey: "k"},
		{name: "ContentLengthRangeInBounds", key: "k", conditions: []presign.Condition{presign.ContentLengthRange(1, 4)}, wantKey: "k"},
		{name: "SessionToken_IsAFieldAndACondition", client: newClient(tempKey, tempSec, tempTok), key: "k", wantKey: "k",
			wantFields: map[string]string{"x-amz-security-token": tempTok}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.client
			if c == nil {
				c = newClient(akid, secret, "")
			}
			form, err := presign.New(c, presign.WithSigningTime(signedAt)).PresignPost(context.Background(), bucket, tc.key, time.Hour, tc.conditions...)
			require.NoError(t, err)
			filename := tc.filename
			if filename == "" {
				filename = "file.bin"
			}
			up, err := newVerifier(s3test.NewClock(signedAt.Add(time.Minute))).ReadPost(upload(t, form, filename, "data", tc.extra...), bucket)
			require.NoError(t, err)
			assert.Equal(t, tc.wantKey, up.Key)
			assert.Equal(t, verifier.AuthSigV4Post, up.Identity.Auth)
			for k, v := range tc.wantFields {
				assert.Equal(t, v, up.Fields.Get(k), k)
			}
			assert.False(t, up.Fields.Has("x-amz-meta-after"))
			body, err := io.ReadAll(up.File)
			require.NoError(t, err)
			assert.Equal(t, "data", string(body))
		})
	}
}

func TestPresignPost_ViolationsAreRejectedByTheVerifier(t *testing.T) {
	cases := []struct {
		name       string
		conditions []presign.Condition
		extra      []presign.FormField
		content    string
		advance    time.Duration
		code       string
		message    string
		extraElems []s3err.Element
		atRead     bool
	}{
		{name: "FileOverRange_IsEntityTooLarge", conditions: []presign.Condition{presign.ContentLengthRange(1, 3)}, content: "data",
			code: "EntityTooLarge", message: "Your proposed upload exceeds the maximum allowed size",
			extraElems: []s3err.Element{{Name: "ProposedSize", Value: "4"}, {Name: "MaxSizeAllowed", Value: "3"}}, atRead: true},
		{name: "FileUnderRange_IsEntityTooSmall", conditions: []presign.Condition{presign.ContentLengthRange(5, 9)}, content: "data",
			code: "EntityTooSmall", message: "Your proposed upload is smaller than the minimum allowed size",
			extraElems: []s3err.Element{{Name: "ProposedSize", Value: "4"}, {Name: "MinSizeAllowed", Value: "5"}}, atRead: true},
		{name: "EqFieldMissing_FailsCondition", conditions: []presign.Condition{presign.Eq("$Content-Type", "image/png")}, content: "data",
			code: "AccessDenied", message: `Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/png"]`},
		{name: "UnsignedExtraField_IsExtraInputFields", extra: []presign.FormField{{Name: "acl", Value: "public-read"}}, content: "data",
			code: "AccessDenied", message: "Invalid according to Policy: Extra input fields: acl"},
		{name: "AfterExpiry_IsPolicyExpired", content: "data", advance: time.Hour + time.Second,
			code: "AccessDenied", message: "Invalid according to Policy: Policy expired."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form, err := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt)).
				PresignPost(context.Background(), bucket, "k", time.Hour, tc.conditions...)
			require.NoError(t, err)
			clock := s3test.NewClock(signedAt)
			clock.Advance(tc.advance)
			up, err := newVerifier(clock).ReadPost(upload(t, form, "f", tc.content, tc.extra...), bucket)
			if tc.atRead {
				require.NoError(t, err)
				_, err = io.ReadAll(up.File)
			}
			e, ok := s3err.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, tc.code, string(e.Code))
			assert.Equal(t, tc.message, e.Message)
			assert.Equal(t, tc.extraElems, e.Extra)
		})
	}
}

func TestPresignPost_PathStyleURLKeepsTheBucket(t *testing.T) {
	// aws-sdk-go-v2 issues 2827/2835/2842: with BaseEndpoint and path-style
	// addressing PresignPostObject once returned the endpoint without the
	// bucket, so the form posted to the service root.
	form, err := presign.New(newClient(akid, secret, "")).PresignPost(context.Background(), bucket, "k", time.Minute)
	require.NoError(t, err)
	u, err := url.Parse(form.URL)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:9000", u.Host)
	assert.Equal(t, "/"+bucket, strings.TrimSuffix(u.Path, "/"))
}

func TestPresignPost_VirtualHostedURLNamesTheBucketInTheHost(t *testing.T) {
	c := s3.New(s3.Options{Region: region, Credentials: credentials.NewStaticCredentialsProvider(akid, secret, "")})
	form, err := presign.New(c).PresignPost(context.Background(), bucket, "k", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, "https://photos.s3.us-east-1.amazonaws.com", strings.TrimSuffix(form.URL, "/"))
}

func TestPresignPost_FixedSigningTime_IsReproducible(t *testing.T) {
	s := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt))
	a, err := s.PresignPost(context.Background(), bucket, "k", 90*time.Minute, presign.ContentLengthRange(0, 10))
	require.NoError(t, err)
	b, err := s.PresignPost(context.Background(), bucket, "k", 90*time.Minute, presign.ContentLengthRange(0, 10))
	require.NoError(t, err)
	assert.Equal(t, a, b)

	v := a.Values()
	assert.Equal(t, "20261126T220000Z", v["X-Amz-Date"])
	assert.Equal(t, akid+"/20261126/us-east-1/s3/aws4_request", v["X-Amz-Credential"])
	raw, err := base64.StdEncoding.DecodeString(v["policy"])
	require.NoError(t, err)
	var doc struct {
		Expiration string `json:"expiration"`
		Conditions []any  `json:"conditions"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	assert.Equal(t, "2026-11-26T23:30:00Z", doc.Expiration)
	assert.Contains(t, doc.Conditions, map[string]any{"bucket": bucket})
	assert.Contains(t, doc.Conditions, []any{"content-length-range", float64(0), float64(10)})
}

func TestPresignPost_FieldOrder_KeyFirstSignatureLast(t *testing.T) {
	form, err := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt)).
		PresignPost(context.Background(), bucket, "k", time.Minute, presign.Field("x-amz-meta-a", "1"))
	require.NoError(t, err)
	var names []string
	for _, f := range form.Fields {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"key", "x-amz-meta-a", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "policy", "X-Amz-Signature"}, names)
}

func TestForm_HTML_IsACompleteEscapedUploadPage(t *testing.T) {
	form := &presign.Form{URL: "http://127.0.0.1:9000/photos", Fields: []presign.FormField{
		{Name: "key", Value: "uploads/${filename}"},
		{Name: "x-amz-meta-note", Value: `"><script>alert(1)</script>`},
	}}
	page := form.HTML()
	assert.True(t, strings.HasPrefix(page, "<!DOCTYPE html>"))
	assert.Contains(t, page, `<form action="http://127.0.0.1:9000/photos" method="post" enctype="multipart/form-data">`)
	assert.Contains(t, page, `<input type="hidden" name="key" value="uploads/${filename}">`)
	assert.NotContains(t, page, "<script>")
	assert.Contains(t, page, `value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`)
	fileAt := strings.Index(page, `<input type="file" name="file">`)
	require.Positive(t, fileAt)
	assert.Greater(t, fileAt, strings.LastIndex(page, `type="hidden"`), "the file input comes after every field")
	assert.Greater(t, strings.Index(page, `type="submit"`), fileAt)
	assert.Contains(t, page, "</form>")
}
