package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// signedAt is when the fixture URLs are signed; --now is set relative to it.
var signedAt = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// presignWithSDK signs a GET or PUT for bucket/key with aws-sdk-go-v2's own
// presigner at signedAt, so verify is judged against a real client's URL.
func presignWithSDK(t *testing.T, method, bucket, key string, expires time.Duration) (string, http.Header) {
	t.Helper()
	return presignWithCreds(t, aws.Credentials{AccessKeyID: defaultAccessKey, SecretAccessKey: defaultSecretKey}, method, bucket, key, expires)
}

// presignWithCreds is presignWithSDK signing with creds (a session token
// included).
func presignWithCreds(t *testing.T, creds aws.Credentials, method, bucket, key string, expires time.Duration) (string, http.Header) {
	t.Helper()
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken),
		BaseEndpoint: aws.String("http://127.0.0.1:9000"),
		UsePathStyle: true,
	})
	pc := s3.NewPresignClient(client, func(o *s3.PresignOptions) {
		o.Expires = expires
		o.Presigner = fixedTimeSigner{signer: v4.NewSigner(), at: signedAt}
	})
	var req *v4.PresignedHTTPRequest
	var err error
	switch method {
	case http.MethodGet:
		req, err = pc.PresignGetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	case http.MethodPut:
		req, err = pc.PresignPutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), ContentType: aws.String("text/plain")})
	default:
		t.Fatalf("unsupported method %s", method)
	}
	require.NoError(t, err)
	return req.URL, req.SignedHeader
}

// fixedTimeSigner signs as if the wall clock read at, so expiry is tested
// with --now instead of waiting.
type fixedTimeSigner struct {
	signer *v4.Signer
	at     time.Time
}

func (f fixedTimeSigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return f.signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, f.at, optFns...)
}

func TestVerify_ValidPresignedGet_ExitsZeroWithIdentity(t *testing.T) {
	u, _ := presignWithSDK(t, http.MethodGet, "bucket", "dir/file.txt", 15*time.Minute)
	stdout, stderr, code := runCmd(t, nil, "verify", u, "--now", signedAt.Add(time.Minute).Format(time.RFC3339))
	assert.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
	assert.Contains(t, stdout, "OK")
	assert.Contains(t, stdout, defaultAccessKey)
}

func TestVerify_ValidPresignedPut_WithSignedHeader_ExitsZero(t *testing.T) {
	u, signed := presignWithSDK(t, http.MethodPut, "bucket", "up.txt", time.Hour)
	args := []string{"verify", u, "--method", "PUT", "--now", signedAt.Format(time.RFC3339)}
	for name, vals := range signed {
		if strings.EqualFold(name, "Host") {
			continue
		}
		for _, v := range vals {
			args = append(args, "-H", name+": "+v)
		}
	}
	stdout, stderr, code := runCmd(t, nil, args...)
	assert.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
}

func TestVerify_Rejections_ExitOneWithS3ErrorAndDiagnosis(t *testing.T) {
	valid, _ := presignWithSDK(t, http.MethodGet, "bucket", "file.txt", 15*time.Minute)
	in := signedAt.Add(time.Minute).Format(time.RFC3339)
	cases := []struct {
		name     string
		args     []string
		wantCode string
		wantText []string
	}{
		{
			name:     "tampered key is SignatureDoesNotMatch",
			args:     []string{strings.Replace(valid, "/bucket/file.txt", "/bucket/other.txt", 1), "--now", in},
			wantCode: "403 SignatureDoesNotMatch",
			wantText: []string{"StringToSign", "Diagnosis:"},
		},
		{
			name:     "wrong secret is SignatureDoesNotMatch",
			args:     []string{valid, "--now", in, "--secret-key", "not-the-secret"},
			wantCode: "403 SignatureDoesNotMatch",
			wantText: []string{"Diagnosis:"},
		},
		{
			name:     "method changed is SignatureDoesNotMatch",
			args:     []string{valid, "--now", in, "--method", "DELETE"},
			wantCode: "403 SignatureDoesNotMatch",
		},
		{
			name:     "after expiry is AccessDenied Request has expired",
			args:     []string{valid, "--now", signedAt.Add(16 * time.Minute).Format(time.RFC3339)},
			wantCode: "403 AccessDenied",
			wantText: []string{"Request has expired", "X-Amz-Expires: 900", "ServerTime: 2026-11-26T10:16:00Z"},
		},
		{
			name:     "unknown access key is InvalidAccessKeyId",
			args:     []string{valid, "--now", in, "--access-key", "AKIDSOMEONEELSE"},
			wantCode: "403 InvalidAccessKeyId",
		},
		{
			name:     "unsigned x-amz header is AccessDenied with HeadersNotSigned",
			args:     []string{valid, "--now", in, "-H", "x-amz-meta-extra: 1"},
			wantCode: "403 AccessDenied",
			wantText: []string{"HeadersNotSigned: x-amz-meta-extra"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, nil, append([]string{"verify"}, c.args...)...)
			assert.Equal(t, exitRejected, code, "stderr %s", stderr)
			assert.Contains(t, stdout, "REJECTED: "+c.wantCode)
			for _, want := range c.wantText {
				assert.Contains(t, stdout, want)
			}
		})
	}
}

func TestExplain_ValidURL_PrintsSigningStepsAndMatchingSignatures(t *testing.T) {
	u, _ := presignWithSDK(t, http.MethodGet, "bucket", "file.txt", 15*time.Minute)
	stdout, _, code := runCmd(t, nil, "explain", u, "--now", signedAt.Format(time.RFC3339))
	assert.Equal(t, 0, code, stdout)
	sig := u[strings.Index(u, "X-Amz-Signature=")+len("X-Amz-Signature="):]
	for _, want := range []string{
		"== CanonicalRequest\nGET\n/bucket/file.txt\n", "\nhost\nUNSIGNED-PAYLOAD\n",
		"== StringToSign\nAWS4-HMAC-SHA256\n20261126T100000Z\n20261126/us-east-1/s3/aws4_request\n",
		"Expected: " + sig + "\n", "Provided: " + sig + "\n", "Signatures match.",
	} {
		assert.Contains(t, stdout, want)
	}
	assert.Contains(t, stdout, "OK: sigv4-query request signed by "+defaultAccessKey)
}

func TestExplain_TamperedURL_PrintsBothSignaturesAndDiagnosis(t *testing.T) {
	u, _ := presignWithSDK(t, http.MethodGet, "bucket", "file.txt", 15*time.Minute)
	tampered := strings.Replace(u, "/bucket/file.txt", "/bucket/FILE.txt", 1)
	stdout, _, code := runCmd(t, nil, "explain", tampered, "--now", signedAt.Format(time.RFC3339))
	assert.Equal(t, exitRejected, code, stdout)
	sig := u[strings.Index(u, "X-Amz-Signature=")+len("X-Amz-Signature="):]
	assert.Contains(t, stdout, "/bucket/FILE.txt\n", "the canonical request shows the path as received")
	assert.Contains(t, stdout, "Provided: "+sig+"\n", "the provided signature is shown")
	assert.Regexp(t, `Expected: [0-9a-f]{64}\n`, stdout)
	assert.NotContains(t, stdout, "Expected: "+sig)
	assert.Contains(t, stdout, "Signatures differ.")
	assert.Equal(t, 1, strings.Count(stdout, "== CanonicalRequest"), "the canonical request is printed once")
	assert.Contains(t, stdout, "REJECTED: 403 SignatureDoesNotMatch")
	assert.Contains(t, stdout, "Diagnosis:")
}

func TestVerify_UsageErrors_ExitTwo(t *testing.T) {
	cases := [][]string{
		{"verify"},
		{"verify", "not a url"},
		{"verify", "/relative/path"},
		{"explain", "http://h/b/k", "--method", "G E T"},
	}
	for _, args := range cases {
		_, _, code := runCmd(t, nil, args...)
		assert.Equal(t, exitUsage, code, "%q", args)
	}
}

func TestPresignThenVerify_SameCredentials_ValidUntilExpiry(t *testing.T) {
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKIDROUNDTRIP", "AWS_SECRET_ACCESS_KEY": "round/trip+secret", "AWS_REGION": "eu-west-3"}
	stdout, stderr, code := runCmd(t, env, "presign", "get", "s3://bucket/a key/with spaces.txt", "--expires", "10m", "--now", signedAt.Format(time.RFC3339))
	require.Equal(t, 0, code, stderr)
	u := strings.TrimSpace(stdout)
	assert.Contains(t, u, "/bucket/a%20key/with%20spaces.txt?")
	assert.Contains(t, u, "X-Amz-Credential=AKIDROUNDTRIP%2F20261126%2Feu-west-3%2Fs3%2Faws4_request")

	cases := []struct {
		at   time.Duration
		code int
		want string
	}{
		{0, 0, "OK: sigv4-query request signed by AKIDROUNDTRIP"},
		{10 * time.Minute, 0, "OK"},
		{10*time.Minute + time.Second, exitRejected, "Request has expired"},
	}
	for _, c := range cases {
		out, _, code := runCmd(t, env, "verify", u, "--now", signedAt.Add(c.at).Format(time.RFC3339))
		assert.Equal(t, c.code, code, "at +%s: %s", c.at, out)
		assert.Contains(t, out, c.want)
	}

	out, _, code := runCmd(t, nil, "verify", u, "--now", signedAt.Format(time.RFC3339), "--region", "eu-west-3")
	assert.Equal(t, exitRejected, code, "another access key is unknown to the verifier: %s", out)
	assert.Contains(t, out, "InvalidAccessKeyId")
}

// sigV2QueryURL signs a GET the way boto3 does by default in us-east-1
// (spec §12): HMAC-SHA1 over "GET\n\n\n<Expires>\n/<bucket>/<key>".
func sigV2QueryURL(host, pathPrefix, bucket, key string, expires time.Time) string {
	sts := "GET\n\n\n" + strconv.FormatInt(expires.Unix(), 10) + "\n/" + bucket + "/" + key
	m := hmac.New(sha1.New, []byte(defaultSecretKey))
	m.Write([]byte(sts))
	q := url.Values{
		"AWSAccessKeyId": {defaultAccessKey},
		"Expires":        {strconv.FormatInt(expires.Unix(), 10)},
		"Signature":      {base64.StdEncoding.EncodeToString(m.Sum(nil))},
	}
	return "http://" + host + pathPrefix + "/" + key + "?" + q.Encode()
}

func TestVerify_SigV2QueryURL_PathAndVirtualHosted(t *testing.T) {
	expires := signedAt.Add(time.Hour)
	in := signedAt.Format(time.RFC3339)
	cases := []struct {
		name string
		url  string
		args []string
		code int
		want string
	}{
		{"path-style", sigV2QueryURL("127.0.0.1:9000", "/photos", "photos", "cat.jpg", expires), nil, 0, "OK: sigv2-query request signed by " + defaultAccessKey},
		{"virtual-hosted under the default domain", sigV2QueryURL("photos.localhost:9000", "", "photos", "cat.jpg", expires), nil, 0, "OK: sigv2-query"},
		{"virtual-hosted under --domain", sigV2QueryURL("photos.s3.test:9000", "", "photos", "cat.jpg", expires), []string{"--domain", "s3.test"}, 0, "OK: sigv2-query"},
		{"virtual-hosted under an unknown domain signs another resource", sigV2QueryURL("photos.s3.test:9000", "", "photos", "cat.jpg", expires), nil, exitRejected, "SignatureDoesNotMatch"},
		{"after Expires", sigV2QueryURL("127.0.0.1:9000", "/photos", "photos", "cat.jpg", signedAt.Add(-time.Second)), nil, exitRejected, "Request has expired"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, _, code := runCmd(t, nil, append([]string{"verify", c.url, "--now", in}, c.args...)...)
			assert.Equal(t, c.code, code, out)
			assert.Contains(t, out, c.want)
		})
	}
}

func TestPresignVirtualHosted_VerifiesUnderDomain(t *testing.T) {
	stdout, stderr, code := runCmd(t, nil, "presign", "get", "s3://photos/cat.jpg", "--path-style=false",
		"--endpoint", "http://s3.test:9000", "--now", signedAt.Format(time.RFC3339))
	require.Equal(t, 0, code, stderr)
	u := strings.TrimSpace(stdout)
	assert.True(t, strings.HasPrefix(u, "http://photos.s3.test:9000/cat.jpg?"), u)

	out, _, code := runCmd(t, nil, "verify", u, "--domain", "s3.test", "--now", signedAt.Format(time.RFC3339))
	assert.Equal(t, 0, code, out)
}
