package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonVerdict is the documented --json object, decoded as a script would.
type jsonVerdict struct {
	Valid  bool   `json:"valid"`
	Status int    `json:"status"`
	Code   string `json:"code"`
	Causes []struct {
		ID       string            `json:"id"`
		Message  string            `json:"message"`
		Evidence map[string]string `json:"evidence"`
	} `json:"causes"`
	CanonicalRequest       string `json:"canonical_request"`
	StringToSign           string `json:"string_to_sign"`
	SignedCanonicalRequest string `json:"signed_canonical_request"`
}

// explainJSON runs `explain --json` and decodes one object per line.
func explainJSON(t *testing.T, wantExit int, args ...string) []jsonVerdict {
	t.Helper()
	stdout, stderr, code := runCmd(t, nil, append([]string{"explain", "--json"}, args...)...)
	require.Equal(t, wantExit, code, "stdout %s\nstderr %s", stdout, stderr)
	var out []jsonVerdict
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var v jsonVerdict
		require.NoError(t, json.Unmarshal([]byte(line), &v), line)
		out = append(out, v)
	}
	return out
}

// presignCLI runs `stricts3 presign` (aws-sdk-go-v2's presigner) at signedAt.
func presignCLI(t *testing.T, args ...string) string {
	t.Helper()
	return strings.TrimSpace(presignOut(t, nil, append(args, "--now", signedAt.Format(time.RFC3339))...))
}

// Each input form, with a mistake made on a URL or form the real
// presigner produced; the JSON names the cause and its evidence.
func TestExplainJSON_InputForms_NameTheCause(t *testing.T) {
	now := signedAt.Add(time.Minute).Format(time.RFC3339)
	put := presignCLI(t, "put", "s3://bucket/avatar.png", "--content-type", "image/png", "--expires", "1h")
	get := presignCLI(t, "get", "s3://bucket/report.pdf", "--expires", "1h")
	photo := writeFile(t, "photo.png", "not really a png")
	rawPath := writeFile(t, "req.txt", "PUT "+requestTarget(put)+" HTTP/1.1\nHost: 127.0.0.1:9000\nContent-Type: image/png\nContent-Length: 5\n\nhello")
	rawGet := writeFile(t, "get.txt", "> GET "+requestTarget(get)+" HTTP/1.1\n> Host: localhost:9000\n> User-Agent: curl/8.5.0\n>\n")
	cases := []struct {
		name     string
		args     []string
		exit     int
		id       string
		evidence map[string]string
	}{
		{name: "curl -T with another Content-Type", exit: 1, id: "signed-header-changed",
			args:     []string{"--now", now, "--", "curl", "-T", photo, "-H", "Content-Type: application/octet-stream", put},
			evidence: map[string]string{"header": "content-type", "signed": "image/png", "sent": "application/octet-stream"}},
		{name: "curl pasted as one string, method left GET", exit: 1, id: "method-mismatch",
			args:     []string{"--now", now, "--", "curl '" + put + "' -H 'Content-Type: image/png'"},
			evidence: map[string]string{"signed": "PUT", "sent": "GET"}},
		{name: "curl with the URL's space re-encoded", exit: 1, id: "key-encoding",
			args:     []string{"--now", now, "--", "curl", strings.Replace(presignCLI(t, "get", "s3://bucket/a b.txt"), "a%20b", "a%2520b", 1)},
			evidence: map[string]string{"blame": "re-encoded after signing"}},
		{name: "raw request as a proxy logged it", exit: 0, args: []string{"--now", now, "--raw", rawPath}},
		{name: "curl -v output sent to localhost instead of 127.0.0.1", exit: 1, id: "host-mismatch",
			args:     []string{"--now", now, "--raw", rawGet},
			evidence: map[string]string{"signed": "127.0.0.1:9000", "sent": "localhost:9000"}},
		{name: "expired", exit: 1, id: "expired", args: []string{"--now", signedAt.Add(2 * time.Hour).Format(time.RFC3339), get},
			evidence: map[string]string{"expired_at": "2026-11-26T11:00:00Z"}},
		{name: "query parameter added", exit: 1, id: "query-param-added", args: []string{"--now", now, get + "&response-content-type=text%2Fplain"},
			evidence: map[string]string{"param": "response-content-type", "value": "text/plain"}},
		{name: "X-Amz-Expires edited", exit: 1, id: "query-param-edited", args: []string{"--now", now, strings.Replace(get, "X-Amz-Expires=3600", "X-Amz-Expires=7200", 1)},
			evidence: map[string]string{"param": "X-Amz-Expires", "signed": "3600", "sent": "7200"}},
		{name: "truncated", exit: 1, id: "signature-malformed", args: []string{"--now", now, get[:len(get)-10]}},
		{name: "unknown key", exit: 1, id: "unknown-access-key", args: []string{"--now", now, "--access-key", "AKIAOTHER", get}},
		{name: "secret with a trailing newline", exit: 1, id: "wrong-secret", args: []string{"--now", now, "--secret-key", defaultSecretKey + "\n", get},
			evidence: map[string]string{"access_key": defaultAccessKey}},
		{name: "region", exit: 1, id: "region-mismatch", args: []string{"--now", now, "--region", "eu-west-1", get},
			evidence: map[string]string{"signed": "us-east-1", "server": "eu-west-1"}},
		{name: "anonymous", exit: 1, id: "anonymous", args: []string{"--now", now, "http://127.0.0.1:9000/bucket/report.pdf"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs := explainJSON(t, c.exit, c.args...)
			require.Len(t, vs, 1)
			v := vs[0]
			if c.id == "" {
				assert.True(t, v.Valid)
				assert.Equal(t, http.StatusOK, v.Status)
				assert.Empty(t, v.Causes)
				assert.NotEmpty(t, v.CanonicalRequest)
				return
			}
			assert.False(t, v.Valid)
			assert.True(t, v.Status >= 400 && v.Status < 500, "a 4xx answer, got %d", v.Status)
			require.NotEmpty(t, v.Causes, "code %s", v.Code)
			assert.Equal(t, c.id, v.Causes[0].ID, v.Causes[0].Message)
			assert.NotEmpty(t, v.Causes[0].Message)
			for k, want := range c.evidence {
				assert.Equal(t, want, v.Causes[0].Evidence[k], "evidence %s: %v", k, v.Causes[0].Evidence)
			}
		})
	}
}

// The fixture is a real capture: e2e's
// TestExplain_ChromiumHAR_PutWithAnotherContentTypeAndValidGet, run with
// STRICTS3_UPDATE_HAR_FIXTURE=1, has headless Chromium (playwright-core's
// recordHar) load a page, fetch() a PUT of a string to a URL pre-signed
// for image/png (the browser labels it text/plain;charset=UTF-8) and GET
// through a valid pre-signed URL, and writes the HAR here indented.
func TestExplainJSON_HAR_EveryAuthenticatedEntryOrOne(t *testing.T) {
	har := filepath.Join("testdata", "browser-put-content-type.har")
	now := harSignedAt(t, har).Add(30 * time.Second).Format(time.RFC3339)
	vs := explainJSON(t, 1, "--now", now, "--har", har)
	require.Len(t, vs, 2, "the page load carries no S3 authentication and is skipped")
	assert.False(t, vs[0].Valid)
	require.Len(t, vs[0].Causes, 1)
	assert.Equal(t, "signed-header-changed", vs[0].Causes[0].ID)
	assert.Equal(t, map[string]string{"header": "content-type", "signed": "image/png", "sent": "text/plain;charset=UTF-8"}, vs[0].Causes[0].Evidence)
	assert.Contains(t, vs[0].SignedCanonicalRequest, "\ncontent-type:image/png\n")
	assert.Contains(t, vs[0].CanonicalRequest, "\ncontent-type:text/plain;charset=UTF-8\n")
	assert.True(t, vs[1].Valid)

	one := explainJSON(t, 0, "--now", now, "--har", har, "--entry", "3")
	require.Len(t, one, 1)
	assert.True(t, one[0].Valid)
	page := explainJSON(t, 1, "--now", now, "--har", har, "--entry", "1")
	assert.Equal(t, "anonymous", page[0].Causes[0].ID)
}

// harSignedAt is the X-Amz-Date of the first pre-signed URL in the HAR at
// path: a recaptured fixture carries a new one.
func harSignedAt(t *testing.T, path string) time.Time {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	m := regexp.MustCompile(`X-Amz-Date=(\d{8}T\d{6}Z)`).FindSubmatch(b)
	require.NotNil(t, m, "%s holds no pre-signed URL", path)
	at, err := time.Parse("20060102T150405Z", string(m[1]))
	require.NoError(t, err)
	return at
}

// --credentials judges as `serve --credentials` would: the key's policy,
// its session token and its expiry; several keys name whose secret signed.
func TestExplainJSON_Credentials_JudgeAsTheServer(t *testing.T) {
	creds := writeFile(t, "creds.json", `[
	  {"accessKeyId": "AKIAOWNER", "secretAccessKey": "owner-secret"},
	  {"accessKeyId": "AKIAREADER", "secretAccessKey": "reader-secret",
	   "policy": [{"effect": "Allow", "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::bucket/*"]}]},
	  {"accessKeyId": "ASIATEMP", "secretAccessKey": "temp-secret", "sessionToken": "TOKEN", "expires": "2026-11-26T10:30:00Z"}
	]`)
	now := signedAt.Add(time.Minute).Format(time.RFC3339)
	as := func(key, secret, op, target string, extra ...string) string {
		args := append([]string{op, target, "--access-key", key, "--secret-key", secret, "--expires", "1h"}, extra...)
		return presignCLI(t, args...)
	}
	tempURL, _ := presignWithCreds(t, aws.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp-secret", SessionToken: "TOKEN"},
		http.MethodGet, "bucket", "k", time.Hour)
	cases := []struct {
		name, url, now string
		method         string
		exit           int
		id             string
		evidence       map[string]string
	}{
		{name: "reader may GET", url: as("AKIAREADER", "reader-secret", "get", "s3://bucket/k"), exit: 0},
		{name: "reader may not PUT", url: as("AKIAREADER", "reader-secret", "put", "s3://bucket/k"), method: "PUT", exit: 1, id: "access-denied",
			evidence: map[string]string{"access_key": "AKIAREADER", "action": "s3:PutObject", "resource": "arn:aws:s3:::bucket/k"}},
		{name: "reader's id with the owner's secret", url: as("AKIAREADER", "owner-secret", "get", "s3://bucket/k"), exit: 1, id: "wrong-secret",
			evidence: map[string]string{"access_key": "AKIAREADER", "signed_with_secret_of": "AKIAOWNER"}},
		{name: "temporary key without its token", url: as("ASIATEMP", "temp-secret", "get", "s3://bucket/k"), exit: 1, id: "token-missing",
			evidence: map[string]string{"access_key": "ASIATEMP"}},
		{name: "temporary key after its expiry", url: tempURL,
			now: "2026-11-26T10:45:00Z", exit: 1, id: "token-expired", evidence: map[string]string{"expired_at": "2026-11-26T10:30:00Z"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			at := now
			if c.now != "" {
				at = c.now
			}
			args := []string{"--credentials", creds, "--now", at, c.url}
			if c.method != "" {
				args = append(args, "--method", c.method)
			}
			v := explainJSON(t, c.exit, args...)[0]
			if c.id == "" {
				assert.True(t, v.Valid)
				return
			}
			require.NotEmpty(t, v.Causes, v.Code)
			assert.Equal(t, c.id, v.Causes[0].ID, v.Causes[0].Message)
			for k, want := range c.evidence {
				assert.Equal(t, want, v.Causes[0].Evidence[k], "evidence %s: %v", k, v.Causes[0].Evidence)
			}
		})
	}
}

// A pre-signed POST form, as curl -F sends it, is judged with its policy
// and its signature; the form comes from `presign post` (aws-sdk-go-v2's
// PresignPostObject).
func TestExplainJSON_PostFormFromCurl(t *testing.T) {
	curl := func(form postForm, content string, extra ...string) []string {
		names := make([]string, 0, len(form.Fields))
		for n := range form.Fields {
			names = append(names, n)
		}
		sort.Strings(names)
		args := append(extra, "--", "curl", form.URL)
		for _, n := range names {
			args = append(args, "-F", n+"="+form.Fields[n])
		}
		return append(args, "-F", "file=@"+writeFile(t, "up.txt", content))
	}
	presignForm := func(extra ...string) postForm {
		var form postForm
		require.NoError(t, json.Unmarshal([]byte(presignCLI(t, append([]string{"post", "s3://bucket/up.txt", "--max-size", "10"}, extra...)...)), &form))
		return form
	}
	form := presignForm()
	in := "--now=" + signedAt.Add(time.Minute).Format(time.RFC3339)
	cases := []struct {
		name     string
		args     []string
		exit     int
		code, id string
		evidence map[string]string
	}{
		{name: "valid", args: curl(form, "small", in)},
		{name: "file too large", args: curl(form, "more than ten bytes", in), exit: 1, code: "EntityTooLarge"},
		{name: "policy expired", args: curl(form, "small", "--now="+signedAt.Add(time.Hour).Format(time.RFC3339)), exit: 1, code: "AccessDenied", id: "expired",
			evidence: map[string]string{"expired_at": "2026-11-26T10:15:00Z"}},
		{name: "signed with another key's secret", args: curl(presignForm("--secret-key", "reader-secret"), "small", in, "--credentials",
			writeFile(t, "keys.json", `[{"accessKeyId": "`+defaultAccessKey+`", "secretAccessKey": "`+defaultSecretKey+`"}, {"accessKeyId": "AKIAREADER", "secretAccessKey": "reader-secret"}]`)),
			exit: 1, code: "SignatureDoesNotMatch", id: "wrong-secret", evidence: map[string]string{"signed_with_secret_of": "AKIAREADER"}},
		{name: "server's secret with a trailing newline", args: curl(form, "small", in, "--secret-key", defaultSecretKey+"\n"),
			exit: 1, code: "SignatureDoesNotMatch", id: "wrong-secret", evidence: map[string]string{"access_key": defaultAccessKey}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := explainJSON(t, c.exit, c.args...)[0]
			assert.Equal(t, c.exit == 0, v.Valid)
			assert.Equal(t, c.code, v.Code)
			if c.id == "" {
				return
			}
			require.NotEmpty(t, v.Causes)
			assert.Equal(t, c.id, v.Causes[0].ID, v.Causes[0].Message)
			for k, want := range c.evidence {
				assert.Equal(t, want, v.Causes[0].Evidence[k], "evidence %s: %v", k, v.Causes[0].Evidence)
			}
		})
	}
}

func TestVerify_Anonymous_ExitsOne(t *testing.T) {
	stdout, _, code := runCmd(t, nil, "verify", "http://127.0.0.1:9000/bucket/k")
	assert.Equal(t, exitRejected, code)
	assert.Contains(t, stdout, "REJECTED: 403 AccessDenied")
	assert.Contains(t, stdout, "anonymous")
}
