package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
)

// writeFile writes content to a fresh file and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

const credsFile = `[
  {"accessKeyId": "AKIAOWNEREXAMPLE", "secretAccessKey": "owner-secret"},
  {"accessKeyId": "AKIAREADEREXAMPLE", "secretAccessKey": "reader-secret",
   "policy": [{"effect": "Allow", "actions": ["s3:GetObject", "s3:ListBucket"],
               "resources": ["arn:aws:s3:::photos", "arn:aws:s3:::photos/*"]}]},
  {"accessKeyId": "ASIATEMPEXAMPLE", "secretAccessKey": "temp-secret",
   "sessionToken": "token-1", "expires": "2030-01-02T03:04:05Z"}
]`

func TestParseServe_CredentialsFile_AllKeysWithPoliciesFirstPrinted(t *testing.T) {
	path := writeFile(t, "keys.json", credsFile)
	for name, c := range map[string]struct {
		args []string
		env  map[string]string
	}{
		"flag":        {[]string{"--credentials", path}, nil},
		"environment": {nil, map[string]string{"STRICTS3_CREDENTIALS": path}},
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := parseServe(c.args, io.Discard, envMap(c.env))
			require.NoError(t, err)
			require.Len(t, cfg.creds, 3)
			assert.Equal(t, "AKIAOWNEREXAMPLE", cfg.accessKey, "the export line prints the first key")
			assert.Equal(t, "owner-secret", cfg.secretKey)
			assert.Empty(t, cfg.sessionToken)

			owner, reader, temp := cfg.creds[0], cfg.creds[1], cfg.creds[2]
			assert.Nil(t, owner.Allow, "no policy: full access")
			require.NotNil(t, reader.Allow)
			assert.True(t, reader.Allow("s3:GetObject", "photos", "a.png"))
			assert.True(t, reader.Allow("s3:ListBucket", "photos", ""))
			assert.False(t, reader.Allow("s3:PutObject", "photos", "a.png"))
			assert.False(t, reader.Allow("s3:GetObject", "other", "a.png"))
			assert.Equal(t, "token-1", temp.SessionToken)
			assert.Equal(t, time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), temp.Expires.UTC())
		})
	}
}

func TestParseServe_CredentialsFile_Mistakes_ExitStatus2NamingEntryAndField(t *testing.T) {
	const owner = `{"accessKeyId": "AKIAOWNER", "secretAccessKey": "s"}`
	cases := []struct {
		name, file, want string
	}{
		{"not an array", owner, `want a JSON array of keys, got a JSON object`},
		{"empty array", `[]`, `the array holds no key`},
		{"empty file", ``, `want a JSON array of keys, got nothing`},
		{"syntax error with position", "[\n  {\"accessKeyId\": \"a\",\n  }]", `line 3, column 3: invalid character '}' looking for beginning of object key string`},
		{"trailing data", `[` + owner + `] []`, `unexpected data after the JSON value`},
		{"unknown field", `[` + owner + `, {"accessKeyId": "B", "secretAccessKey": "s", "secret": "x"}]`, `[1]: unknown field "secret"`},
		{"wrong type", `[{"accessKeyId": 12, "secretAccessKey": "s"}]`, `[0].accessKeyId: want a string, got a JSON number`},
		{"missing access key", `[{"secretAccessKey": "s"}]`, `[0]: accessKeyId: missing or empty`},
		{"missing secret", `[` + owner + `, {"accessKeyId": "B"}]`, `[1] (accessKeyId "B"): secretAccessKey: missing or empty`},
		{"duplicate key", `[` + owner + `, ` + owner + `]`, `[1].accessKeyId: "AKIAOWNER" is already entry [0]`},
		{"bad expires", `[{"accessKeyId": "A", "secretAccessKey": "s", "sessionToken": "t", "expires": "tomorrow"}]`,
			`[0] (accessKeyId "A"): expires: want an RFC 3339 time such as 2030-01-02T15:04:05Z, got "tomorrow"`},
		{"expires without token", `[{"accessKeyId": "A", "secretAccessKey": "s", "expires": "2030-01-02T03:04:05Z"}]`,
			`[0] (accessKeyId "A"): expires: applies to a sessionToken, and the entry has none`},
		{"empty policy", `[{"accessKeyId": "A", "secretAccessKey": "s", "policy": []}]`,
			`[0] (accessKeyId "A"): policy: an empty list denies everything`},
		{"policy not a list", `[{"accessKeyId": "A", "secretAccessKey": "s", "policy": {"effect": "Allow"}}]`,
			`[0] (accessKeyId "A"): policy: want an array of rules, got a JSON object`},
		{"unknown rule field", `[{"accessKeyId": "A", "secretAccessKey": "s", "policy": [{"effect": "Allow", "action": ["s3:GetObject"], "resources": ["*"]}]}]`,
			`[0] (accessKeyId "A"): policy[0]: unknown field "action"`},
		{"single action string", `[{"accessKeyId": "A", "secretAccessKey": "s", "policy": [{"effect": "Allow", "actions": "s3:GetObject", "resources": ["*"]}]}]`,
			`[0] (accessKeyId "A"): policy[0].actions: want an array, got a JSON string`},
		{"effect case", `[{"accessKeyId": "A", "secretAccessKey": "s", "policy": [{"effect": "allow", "actions": ["s3:GetObject"], "resources": ["*"]}]}]`,
			`[0] (accessKeyId "A"): policy[0].effect: want "Allow" or "Deny", got "allow"`},
		{"action without prefix", `[{"accessKeyId": "A", "secretAccessKey": "s", "policy": [{"effect": "Allow", "actions": ["GetObject"], "resources": ["*"]}]}]`,
			`[0] (accessKeyId "A"): policy[0].actions[0]: want "*" or an S3 action such as "s3:GetObject", got "GetObject"`},
		{"account not 12 digits", `[{"accessKeyId": "A", "secretAccessKey": "s", "account": "1111-2222-3333"}]`,
			`[0] (accessKeyId "A"): account: want a 12-digit AWS account id such as "111122223333", got "1111-2222-3333"`},
		{"bucket name as resource", `[{"accessKeyId": "A", "secretAccessKey": "s", "policy": [{"effect": "Allow", "actions": ["s3:*"], "resources": ["photos"]}]}]`,
			`[0] (accessKeyId "A"): policy[0].resources[0]: want "*" or an S3 ARN`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, "keys.json", c.file)
			_, err := parseServe([]string{"--credentials", path}, io.Discard, envMap(nil))
			require.Error(t, err)
			assert.Equal(t, exitUsage, exitCode(err))
			assert.Contains(t, err.Error(), "--credentials "+path+": "+c.want)
		})
	}
}

func TestParseServe_CredentialsWithAccessKeyOrSecretKey_IsUsageError(t *testing.T) {
	path := writeFile(t, "keys.json", credsFile)
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"flag", []string{"--credentials", path, "--access-key", "AKIAX"}, nil, "--access-key (flag or environment) cannot be combined"},
		{"environment", nil, map[string]string{"STRICTS3_CREDENTIALS": path, "STRICTS3_SECRET_KEY": "s"}, "--secret-key (flag or environment) cannot be combined"},
		{"both", []string{"--credentials", path, "--access-key", "A", "--secret-key", "s"}, nil, "--access-key and --secret-key"},
		{"missing file", []string{"--credentials", filepath.Join(t.TempDir(), "none.json")}, nil, "--credentials: open "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseServe(c.args, io.Discard, envMap(c.env))
			require.Error(t, err)
			assert.Equal(t, exitUsage, exitCode(err))
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// httpDo sends method u with body and returns the status and body.
func httpDo(t *testing.T, method, u, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestServe_CredentialsFile_SecondKeysPresignedPutRefusedByItsPolicy(t *testing.T) {
	path := writeFile(t, "keys.json", credsFile)
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--credentials", path)
	assert.Equal(t, "AKIAOWNEREXAMPLE", s.vars["AWS_ACCESS_KEY_ID"])
	assert.Equal(t, "owner-secret", s.vars["AWS_SECRET_ACCESS_KEY"])
	assert.NotContains(t, s.vars, "AWS_SESSION_TOKEN")

	owner := sdkClient(t, s.vars)
	s3test.MustCreateBucket(t, owner, "photos")
	s3test.MustPutObject(t, owner, "photos", "cat.png", "meow")

	// The reader signs with the presign command, as a shell user would.
	asReader := map[string]string{}
	for k, v := range s.vars {
		asReader[k] = v
	}
	asReader["AWS_ACCESS_KEY_ID"], asReader["AWS_SECRET_ACCESS_KEY"] = "AKIAREADEREXAMPLE", "reader-secret"

	putURL := strings.TrimSpace(presignOut(t, asReader, "put", "s3://photos/dog.png"))
	assert.Contains(t, putURL, "X-Amz-Credential=AKIAREADEREXAMPLE")
	status, body := httpDo(t, http.MethodPut, putURL, "woof")
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "<Code>AccessDenied</Code><Message>Access Denied</Message>")
	_, err := owner.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("photos"), Key: aws.String("dog.png")})
	assert.Error(t, err, "nothing stored")

	getURL := strings.TrimSpace(presignOut(t, asReader, "get", "s3://photos/cat.png"))
	status, body = httpDo(t, http.MethodGet, getURL, "")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "meow", body)

	// The owner's URL for the same upload is accepted.
	putURL = strings.TrimSpace(presignOut(t, s.vars, "put", "s3://photos/dog.png"))
	status, body = httpDo(t, http.MethodPut, putURL, "woof")
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, "woof", s3test.MustGetBody(t, owner, "photos", "dog.png"))

	// A key absent from the file is unknown, whoever signed with it.
	asStranger := map[string]string{}
	for k, v := range s.vars {
		asStranger[k] = v
	}
	asStranger["AWS_ACCESS_KEY_ID"], asStranger["AWS_SECRET_ACCESS_KEY"] = defaultAccessKey, defaultSecretKey
	status, body = httpDo(t, http.MethodGet, strings.TrimSpace(presignOut(t, asStranger, "get", "s3://photos/cat.png")), "")
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "<Code>InvalidAccessKeyId</Code>", "the default key is not accepted beside a credentials file")
	require.NoError(t, s.stop())
}

func TestServe_CredentialsFile_FirstKeysSessionTokenIsExported(t *testing.T) {
	path := writeFile(t, "keys.json", `[{"accessKeyId": "ASIATEMPEXAMPLE", "secretAccessKey": "temp-secret", "sessionToken": "tok/en+1"}]`)
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--credentials", path)
	assert.Equal(t, "ASIATEMPEXAMPLE", s.vars["AWS_ACCESS_KEY_ID"])
	assert.Equal(t, "tok/en+1", s.vars["AWS_SESSION_TOKEN"])
	require.NoError(t, s.stop())
}

// The README's keys.json is a valid file with the permissions it claims.
func TestReadme_CredentialsFileExampleParses(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(readme), "$ cat keys.json\n")
	require.True(t, ok, "README shows keys.json")
	file, _, ok := strings.Cut(rest, "\n$ ")
	require.True(t, ok)
	creds, err := parseCredentials([]byte(file))
	require.NoError(t, err)
	require.Len(t, creds, 2)
	assert.Nil(t, creds[0].Allow)
	reader := creds[1]
	assert.Equal(t, "AKIAREADEREXAMPLE", reader.AccessKeyID)
	assert.False(t, reader.Allow("s3:PutObject", "photos", "cat.png"))
	assert.True(t, reader.Allow("s3:PutObject", "photos", "uploads/cat.png"))
	assert.True(t, reader.Allow("s3:ListBucket", "photos", ""))
}

func TestParseCredentials_AccountAndExplicitDeny(t *testing.T) {
	creds, err := parseCredentials([]byte(`[
		{"accessKeyId": "AKIAOWNER", "secretAccessKey": "s"},
		{"accessKeyId": "AKIAOTHER", "secretAccessKey": "s", "account": "444455556666",
		 "policy": [{"effect": "Allow", "actions": ["s3:*"], "resources": ["*"]},
		            {"effect": "Deny", "actions": ["s3:DeleteObject"], "resources": ["*"]}]}]`))
	require.NoError(t, err)
	require.Len(t, creds, 2)
	assert.Empty(t, creds[0].Account, "no account is the default account")
	assert.Nil(t, creds[0].Denies)
	assert.Equal(t, "444455556666", creds[1].Account)
	require.NotNil(t, creds[1].Denies)
	assert.True(t, creds[1].Denies("s3:DeleteObject", "b", "k"))
	assert.False(t, creds[1].Denies("s3:GetObject", "b", "k"))
}
