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
	env := clientEnv(t, map[string]string{
		"AWS_ACCESS_KEY_ID":     "AKIAIOSFODNN7EXAMPLE",
		"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_DEFAULT_REGION":    "us-east-1",
	})
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
			out, err := run(t, time.Minute, t.TempDir(), env, bin, "explain", "--json", c.url)
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit) && exit.ExitCode() == 1, "exit status 1 for a refused request, got %v", err)
			var v struct {
				Valid  bool   `json:"valid"`
				Status int    `json:"status"`
				Code   string `json:"code"`
				Causes []struct {
					ID       string            `json:"id"`
					Evidence map[string]string `json:"evidence"`
				} `json:"causes"`
			}
			require.NoError(t, json.Unmarshal(out, &v), "%s", out)
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
