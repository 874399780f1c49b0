package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawSignedRequest signs a request with aws-sdk-go-v2's SigV4 signer
// (header auth) at signedAt for body and writes it as a raw HTTP/1.1
// message carrying sent instead, as a script that changes the body after
// signing does.
func rawSignedRequest(t *testing.T, method, target, body, sent string) string {
	t.Helper()
	r, err := http.NewRequest(method, target, strings.NewReader(body))
	require.NoError(t, err)
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	r.Header.Set("X-Amz-Content-Sha256", hash)
	creds := aws.Credentials{AccessKeyID: defaultAccessKey, SecretAccessKey: defaultSecretKey}
	require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, r, hash, "s3", "us-east-1", signedAt))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", r.Method, r.URL.RequestURI(), r.URL.Host)
	names := make([]string, 0, len(r.Header))
	for n := range r.Header {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%s: %s\r\n", n, r.Header.Get(n))
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(sent), sent)
	return b.String()
}

// The causes TestExplainJSON_InputForms_NameTheCause does not reach, each
// built on a request or URL aws-sdk-go-v2 signed (SigV2: as boto3 signs).
func TestExplainJSON_MoreCauses(t *testing.T) {
	now := signedAt.Add(time.Minute).Format(time.RFC3339)
	put := presignCLI(t, "put", "s3://bucket/avatar.png", "--content-type", "image/png", "--expires", "1h")
	get := presignCLI(t, "get", "s3://bucket/report.pdf", "--expires", "1h")
	long, _ := presignWithSDK(t, http.MethodGet, "bucket", "k", 604801*time.Second)
	creds := aws.Credentials{AccessKeyID: defaultAccessKey, SecretAccessKey: defaultSecretKey}
	other, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:9000/bucket/k?X-Amz-Expires=3600", nil)
	require.NoError(t, err)
	otherService, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, other, "UNSIGNED-PAYLOAD", "execute-api", "us-east-1", signedAt)
	require.NoError(t, err)
	tokenCreds := writeFile(t, "creds.json", `[{"accessKeyId": "ASIATEMP", "secretAccessKey": "temp-secret", "sessionToken": "THE-TOKEN"}]`)
	wrongToken, _ := presignWithCreds(t, aws.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp-secret", SessionToken: "OLD-TOKEN"}, http.MethodGet, "bucket", "k", time.Hour)
	skewed := writeFile(t, "skewed.txt", rawSignedRequest(t, "GET", "http://127.0.0.1:9000/bucket/k", "", ""))
	changedBody := writeFile(t, "body.txt", rawSignedRequest(t, "PUT", "http://127.0.0.1:9000/bucket/k", "hello", "HELLO"))
	cases := []struct {
		name     string
		args     []string
		id       string
		evidence map[string]string
	}{
		{name: "not yet valid", id: "not-yet-valid", args: []string{"--now", signedAt.Add(-time.Hour).Format(time.RFC3339), get},
			evidence: map[string]string{"signed_at": "2026-11-26T10:00:00Z"}},
		{name: "expires more than a week", id: "expires-too-long", args: []string{"--now", now, long},
			evidence: map[string]string{"sent": "604801", "max": "604800"}},
		{name: "x-amz header not signed", id: "unsigned-amz-header", args: []string{"--now", now, "--", "curl", get, "-H", "x-amz-meta-owner: me"},
			evidence: map[string]string{"headers": "x-amz-meta-owner"}},
		{name: "signed Content-Type not sent", id: "signed-header-missing", args: []string{"--now", now, "--", "curl", "-X", "PUT", "--data-binary", "x", "-H", "Content-Type:", put},
			evidence: map[string]string{"header": "content-type", "signed": "image/png", "sent": ""}},
		{name: "checksum parameter added", id: "checksum-param-in-url", args: []string{"--now", now, put + "&x-amz-checksum-crc32=NSRBwg%3D%3D", "--method", "PUT", "-H", "Content-Type: image/png"},
			evidence: map[string]string{"param": "x-amz-checksum-crc32"}},
		{name: "signed for another service", id: "service-mismatch", args: []string{"--now", now, otherService},
			evidence: map[string]string{"signed": "execute-api", "server": "s3"}},
		{name: "a stale session token", id: "token-invalid", args: []string{"--now", now, "--credentials", tokenCreds, wrongToken},
			evidence: map[string]string{"access_key": "ASIATEMP"}},
		{name: "header-signed request replayed an hour later", id: "clock-skew", args: []string{"--now", signedAt.Add(time.Hour).Format(time.RFC3339), "--raw", skewed},
			evidence: map[string]string{"request_time": "2026-11-26T10:00:00Z", "server_time": "2026-11-26T11:00:00Z"}},
		{name: "body changed after signing", id: "payload-hash-mismatch", args: []string{"--now", now, "--raw", changedBody},
			evidence: map[string]string{"signed": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}},
		{name: "SigV2 where only SigV4 is accepted", id: "sigv2-used", args: []string{"--now", now, "--region", "eu-central-1",
			sigV2QueryURL("127.0.0.1:9000", "/photos", "photos", "cat.jpg", signedAt.Add(time.Hour))}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs := explainJSON(t, exitRejected, c.args...)
			require.Len(t, vs, 1)
			require.NotEmpty(t, vs[0].Causes, "code %s", vs[0].Code)
			assert.Equal(t, c.id, vs[0].Causes[0].ID, vs[0].Causes[0].Message)
			for k, want := range c.evidence {
				assert.Equal(t, want, vs[0].Causes[0].Evidence[k], "evidence %s: %v", k, vs[0].Causes[0].Evidence)
			}
		})
	}
}

// The README lists every cause id the verifier can name.
func TestReadme_ListsEveryCauseID(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	src, err := os.ReadFile(filepath.Join("..", "..", "verifier", "cause.go"))
	require.NoError(t, err)
	ids := regexp.MustCompile(`Cause\w+\s+= "([a-z0-9-]+)"`).FindAllStringSubmatch(string(src), -1)
	require.NotEmpty(t, ids)
	for _, m := range ids {
		assert.Contains(t, string(readme), "`"+m[1]+"`", "README lists cause %s", m[1])
	}
}

func TestVerify_InputUsageMistakes_ExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"verify"},
		{"verify", "http://h/b/k", "--raw", "-"},
		{"verify", "--raw", "-", "--har", "x.har"},
		{"verify", "--method", "PUT", "--", "curl", "http://h/b/k"},
		{"verify", "-H", "a: b", "--raw", "-"},
		{"verify", "--entry", "2", "http://h/b/k"},
		{"verify", "--max-input", "0", "http://h/b/k"},
		{"verify", "http://h/b/k", "--", "curl", "http://h/"},
		{"verify", "--har", "/nonexistent.har"},
	} {
		_, _, code := runCmd(t, nil, args...)
		assert.Equal(t, exitUsage, code, "%v", args)
	}
}
