package e2e

import (
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The aws CLI v1 pre-signs SigV2 URLs; the README's edited-Expires example
// and a key whose space was sent as '+' are explained by the built binary
// with the cause and its evidence.
func TestExplain_AWSCLIPresignedURL_EditedAfterSigning(t *testing.T) {
	awsCLI := requireTool(t, "aws", "pip install awscli")
	bin := buildBinary(t)
	env := exampleKeyEnv(t, nil)
	presign := func(key string) string {
		out, err := run(t, 2*time.Minute, t.TempDir(), env, awsCLI, "--endpoint-url", "http://127.0.0.1:9000", "s3", "presign", "s3://demo/"+key)
		require.NoError(t, err, "%s", out)
		return strings.TrimSpace(string(out))
	}
	photo := presign("photo.png")
	spaced := presign("my photo.png")
	require.Contains(t, spaced, "my%20photo.png")
	cases := []struct {
		name, url, id string
		evidence      map[string]string
	}{
		{name: "Expires=1 prefixed (README)", url: strings.Replace(photo, "Expires=", "Expires=1", 1), id: "query-param-edited",
			evidence: map[string]string{"param": "Expires"}},
		{name: "space sent as +", url: strings.Replace(spaced, "my%20photo", "my+photo", 1), id: "key-encoding",
			evidence: map[string]string{"sent_resource": "/demo/my+photo.png", "signed_resource": "/demo/my%20photo.png"}},
		{name: "response-content-type added", url: photo + "&response-content-type=text%2Fplain", id: "query-param-added",
			evidence: map[string]string{"param": "response-content-type", "value": "text/plain"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := explainRefused(t, bin, env, c.url)
			assert.False(t, v.Valid)
			assert.Equal(t, 403, v.Status)
			assert.Equal(t, "SignatureDoesNotMatch", v.Code)
			require.NotEmpty(t, v.Causes)
			assert.Equal(t, c.id, v.Causes[0].ID)
			for k, want := range c.evidence {
				assert.Equal(t, want, v.Causes[0].Evidence[k], k)
			}
		})
	}
}

// boto3 pre-signs a PUT with a Content-Type (SigV2 by default in us-east-1,
// and SigV4 when asked); the upload is sent with another one, as a browser
// that labels the file itself does.
func TestExplain_Boto3PresignedPut_SentWithAnotherContentType(t *testing.T) {
	py := requireBoto3(t)
	bin := buildBinary(t)
	env := exampleKeyEnv(t, nil)
	const script = `
import sys, boto3
from botocore.config import Config
cfg = Config(signature_version=sys.argv[1]) if sys.argv[1] != "default" else None
s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:9000", config=cfg)
print(s3.generate_presigned_url("put_object", Params={"Bucket": "demo", "Key": "avatar.png", "ContentType": "image/png"}, ExpiresIn=3600))
`
	for _, version := range []string{"default", "s3v4"} {
		t.Run(version, func(t *testing.T) {
			out, err := run(t, time.Minute, t.TempDir(), env, py, "-c", script, version)
			require.NoError(t, err, "%s", out)
			url := strings.TrimSpace(string(out))
			if version == "default" {
				require.Contains(t, url, "AWSAccessKeyId=", "boto3 pre-signs SigV2 by default in us-east-1")
			}
			v := explainRefused(t, bin, env, "--", "curl", "-X", "PUT", "-H", "Content-Type: text/plain", "--data-binary", "not a png", url)
			require.NotEmpty(t, v.Causes)
			assert.Equal(t, "signed-header-changed", v.Causes[0].ID)
			assert.Equal(t, map[string]string{"header": "content-type", "signed": "image/png", "sent": "text/plain"}, v.Causes[0].Evidence)
		})
	}
}

// exampleKeyEnv is a client environment signing with AWS's documentation
// key in us-east-1, which `stricts3 explain` judges with by default, plus
// extra. The clients only sign: explain needs no server.
func exampleKeyEnv(t *testing.T, extra map[string]string) []string {
	t.Helper()
	env := map[string]string{
		"AWS_ACCESS_KEY_ID":     "AKIAIOSFODNN7EXAMPLE",
		"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_DEFAULT_REGION":    "us-east-1",
		"AWS_REGION":            "us-east-1",
	}
	for k, v := range extra {
		env[k] = v
	}
	return clientEnv(t, env)
}

// explained is the --json verdict, as a script reads it.
type explained struct {
	Valid  bool   `json:"valid"`
	Status int    `json:"status"`
	Code   string `json:"code"`
	Causes []struct {
		ID       string            `json:"id"`
		Evidence map[string]string `json:"evidence"`
	} `json:"causes"`
}

// explainRefused runs the binary's explain --json on a request it must
// refuse (exit status 1) and decodes the verdict.
func explainRefused(t *testing.T, bin string, env []string, args ...string) explained {
	t.Helper()
	vs := explainLines(t, bin, env, 1, args...)
	require.Len(t, vs, 1)
	return vs[0]
}

// explainLines runs the binary's explain --json, requires exit status
// wantExit (0 all accepted, 1 one or more refused) and decodes its one
// verdict per request.
func explainLines(t *testing.T, bin string, env []string, wantExit int, args ...string) []explained {
	t.Helper()
	out, err := run(t, time.Minute, t.TempDir(), env, bin, append([]string{"explain", "--json"}, args...)...)
	var exit *exec.ExitError
	if wantExit == 0 {
		require.NoError(t, err)
	} else {
		require.True(t, errors.As(err, &exit) && exit.ExitCode() == wantExit, "exit status %d, got %v", wantExit, err)
	}
	var vs []explained
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var v explained
		require.NoError(t, json.Unmarshal([]byte(line), &v), "%s", out)
		vs = append(vs, v)
	}
	return vs
}
