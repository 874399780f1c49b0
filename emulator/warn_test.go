package emulator_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/presign"
	"github.com/stricts3/stricts3/verifier"
)

var warnReader = verifier.Credential{AccessKeyID: "AKIAWARNREADER", SecretAccessKey: "reader-secret", Allow: access.Policy{{
	Effect: "Allow", Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::uploads/*"},
}}.Allow}

// warnServer is a warn-mode server with the owner key, a read-only key
// and the bucket "uploads" holding "existing".
func warnServer(t *testing.T) (*emulator.TestServer, *presign.Signer) {
	t.Helper()
	ts, forms := postServer(t,
		emulator.WithCredentials(permOwner, warnReader),
		emulator.WithOptions(func(o *emulator.Options) { o.Enforce = emulator.EnforceWarn }))
	s3test.MustPutObject(t, ts.Client, postBucket, "existing", "hello")
	return ts, forms
}

// signedPut is a PUT of body to key signed by creds at the server's time;
// edit changes the request after signing.
func signedPut(t *testing.T, ts *emulator.TestServer, key, body string, creds aws.Credentials, edit func(*http.Request)) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, ts.URL+"/"+postBucket+"/"+key, strings.NewReader(body))
	require.NoError(t, err)
	s3test.SignRequest(t, req, []byte(body), creds, ts.Region, ts.Clock.Now())
	if edit != nil {
		edit(req)
	}
	return req
}

func TestWarnMode_KnownBadRequestsAreServedAndReported(t *testing.T) {
	owner := aws.Credentials{AccessKeyID: permOwner.AccessKeyID, SecretAccessKey: permOwner.SecretAccessKey}
	reader := aws.Credentials{AccessKeyID: warnReader.AccessKeyID, SecretAccessKey: warnReader.SecretAccessKey}
	cases := []struct {
		name string
		// send makes the request and returns the response; storedKey, when
		// set, must hold storedBody afterwards.
		send       func(t *testing.T, ts *emulator.TestServer, forms *presign.Signer) *http.Response
		code       string
		cause      string
		storedKey  string
		storedBody string
	}{
		{name: "bad signature", code: "SignatureDoesNotMatch", cause: verifier.CauseWrongSecret, storedKey: "badsig", storedBody: "one",
			send: func(t *testing.T, ts *emulator.TestServer, _ *presign.Signer) *http.Response {
				return send(t, ts, signedPut(t, ts, "badsig", "one", aws.Credentials{AccessKeyID: owner.AccessKeyID, SecretAccessKey: "wrong"}, nil))
			}},
		{name: "unknown access key", code: "InvalidAccessKeyId", storedKey: "unknownkey", storedBody: "two",
			send: func(t *testing.T, ts *emulator.TestServer, _ *presign.Signer) *http.Response {
				return send(t, ts, signedPut(t, ts, "unknownkey", "two", aws.Credentials{AccessKeyID: "AKIANOBODY", SecretAccessKey: "x"}, nil))
			}},
		{name: "expired URL", code: "AccessDenied", cause: verifier.CauseExpired,
			send: func(t *testing.T, ts *emulator.TestServer, _ *presign.Signer) *http.Response {
				u, err := ts.Presign.PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(postBucket), Key: aws.String("existing")},
					s3.WithPresignExpires(time.Minute))
				require.NoError(t, err)
				ts.Clock.Advance(2 * time.Minute)
				return getExisting(t, ts, u.URL)
			}},
		{name: "unsigned header", code: "AccessDenied", cause: verifier.CauseUnsignedAmzHeader, storedKey: "unsigned", storedBody: "three",
			send: func(t *testing.T, ts *emulator.TestServer, _ *presign.Signer) *http.Response {
				return send(t, ts, signedPut(t, ts, "unsigned", "three", owner, func(r *http.Request) { r.Header.Set("X-Amz-Meta-Late", "added") }))
			}},
		{name: "anonymous", code: "AccessDenied", cause: verifier.CauseAnonymous,
			send: func(t *testing.T, ts *emulator.TestServer, _ *presign.Signer) *http.Response {
				return getExisting(t, ts, ts.URL+"/"+postBucket+"/existing")
			}},
		{name: "access denied", code: "AccessDenied", cause: verifier.CauseAccessDenied, storedKey: "byreader", storedBody: "four",
			send: func(t *testing.T, ts *emulator.TestServer, _ *presign.Signer) *http.Response {
				return send(t, ts, signedPut(t, ts, "byreader", "four", reader, nil))
			}},
		{name: "checksum mismatch", code: "BadDigest", storedKey: "badsum", storedBody: "five",
			send: func(t *testing.T, ts *emulator.TestServer, _ *presign.Signer) *http.Response {
				req, err := http.NewRequest(http.MethodPut, ts.URL+"/"+postBucket+"/badsum", strings.NewReader("five"))
				require.NoError(t, err)
				req.Header.Set("X-Amz-Checksum-Crc32", "AAAAAA==")
				s3test.SignRequest(t, req, []byte("five"), owner, ts.Region, ts.Clock.Now())
				return send(t, ts, req)
			}},
		{name: "POST policy violation", code: "AccessDenied", storedKey: "in/photo.png", storedBody: "six",
			send: func(t *testing.T, ts *emulator.TestServer, forms *presign.Signer) *http.Response {
				form, err := forms.PresignPost(context.Background(), postBucket, "in/${filename}", time.Hour)
				require.NoError(t, err)
				return sendForm(t, ts, form, "six", presign.FormField{Name: "x-amz-meta-uncovered", Value: "no condition"})
			}},
		{name: "POST bad signature", code: "SignatureDoesNotMatch", storedKey: "sig/photo.png", storedBody: "seven",
			send: func(t *testing.T, ts *emulator.TestServer, forms *presign.Signer) *http.Response {
				form, err := forms.PresignPost(context.Background(), postBucket, "sig/${filename}", time.Hour)
				require.NoError(t, err)
				for i, f := range form.Fields {
					if strings.EqualFold(f.Name, "x-amz-signature") {
						form.Fields[i].Value = strings.Repeat("0", 64)
					}
				}
				return sendForm(t, ts, form, "seven")
			}},
		{name: "POST over content-length-range", code: "EntityTooLarge", storedKey: "big/photo.png", storedBody: "eight bytes and more",
			send: func(t *testing.T, ts *emulator.TestServer, forms *presign.Signer) *http.Response {
				form, err := forms.PresignPost(context.Background(), postBucket, "big/${filename}", time.Hour, presign.ContentLengthRange(1, 8))
				require.NoError(t, err)
				return sendForm(t, ts, form, "eight bytes and more")
			}},
	}
	ts, forms := warnServer(t)
	ids := map[string]string{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := tc.send(t, ts, forms)
			assert.Less(t, resp.StatusCode, 300, "served as a lax emulator would")
			warning := resp.Header.Get(emulator.WarningHeader)
			assert.True(t, strings.HasPrefix(warning, tc.code), "%s header %q", emulator.WarningHeader, warning)
			if tc.cause != "" {
				assert.Contains(t, warning, tc.cause)
			}
			if tc.storedKey != "" {
				assert.Equal(t, tc.storedBody, s3test.MustGetBody(t, ts.Client, postBucket, tc.storedKey))
			}
			ids[resp.Header.Get("X-Amz-Request-Id")] = tc.code
		})
	}

	var report emulator.Report
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/_stricts3/report", nil)
	require.NoError(t, err)
	resp := send(t, ts, req)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&report))
	assert.Equal(t, emulator.EnforceWarn, report.Enforce)
	assert.Equal(t, len(cases), report.Warned)
	wantByCode := map[string]int{}
	for _, tc := range cases {
		wantByCode[tc.code]++
	}
	assert.Equal(t, wantByCode, report.ByCode)
	assert.Equal(t, 1, report.ByCause[verifier.CauseExpired])
	got := map[string]string{}
	for _, r := range report.Requests {
		assert.True(t, r.Warned)
		got[r.ID] = r.Code
	}
	assert.Equal(t, ids, got)
	assert.Equal(t, report, ts.Server.Report())
}

func TestWarnMode_ServerProtectingChecksStillRefuse(t *testing.T) {
	ts, _ := warnServer(t)
	owner := aws.Credentials{AccessKeyID: permOwner.AccessKeyID, SecretAccessKey: permOwner.SecretAccessKey}
	// An aws-chunked body whose framing cannot be parsed.
	req := signedPut(t, ts, "framing", "zz;garbage\r\n", owner, nil)
	req.Header.Set("X-Amz-Content-Sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Decoded-Content-Length", "5")
	s3test.SignRequest(t, req, nil, owner, ts.Region, ts.Clock.Now())
	resp := send(t, ts, req)
	assert.GreaterOrEqual(t, resp.StatusCode, 400)
	_, err := ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(postBucket), Key: aws.String("framing")})
	assert.Error(t, err, "nothing stored")
	assert.Equal(t, 0, ts.Server.Report().Warned)
}

func TestWarnMode_StrictIsTheDefault_NoWarningHeader(t *testing.T) {
	ts := emulator.NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "strict")
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/strict/x", nil)
	require.NoError(t, err)
	resp := send(t, ts, req)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Empty(t, resp.Header.Get(emulator.WarningHeader))
	assert.Equal(t, emulator.Report{Enforce: emulator.EnforceStrict, ByCode: map[string]int{}, ByCause: map[string]int{}, Requests: []emulator.InspectedRequest{}}, ts.Server.Report())
}

func send(t *testing.T, ts *emulator.TestServer, req *http.Request) *http.Response {
	t.Helper()
	resp, err := ts.HTTPClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// getExisting GETs url, which must answer warnServer's "existing".
func getExisting(t *testing.T, ts *emulator.TestServer, url string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	resp := send(t, ts, req)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(b))
	return resp
}
