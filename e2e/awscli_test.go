package e2e

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

// The aws CLI v1 as a user types it: make a bucket, copy 20 MiB up
// (multipart at the CLI's 8 MiB threshold) and down, and pre-sign a URL
// (SigV2 in us-east-1, spec §12) that net/http then fetches.
func TestAWSCLI_MbCpUpDownAndPresign(t *testing.T) {
	overHTTPAndTLS(t, testAWSCLI)
}

func testAWSCLI(t *testing.T, opts ...emulator.TestOption) {
	aws := requireTool(t, "aws", "pip install awscli")
	ts := emulator.NewTestServer(t, opts...)
	const bucket = "e2e-cli"
	big := randomBytes(20<<20, 30)
	src := writeTemp(t, "upload.bin", big)
	dst := filepath.Join(t.TempDir(), "download.bin")
	vars := map[string]string{
		"AWS_ENDPOINT_URL":      ts.URL,
		"AWS_ACCESS_KEY_ID":     ts.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": ts.SecretAccessKey,
		"AWS_DEFAULT_REGION":    ts.Region,
		"AWS_RETRY_MODE":        "standard",
		"AWS_MAX_ATTEMPTS":      "1",
		"AWS_PAGER":             "",
	}
	if strings.HasPrefix(ts.URL, "https:") {
		vars["AWS_CA_BUNDLE"] = caBundle(t, ts)
	}
	env := clientEnv(t, vars)
	cli := func(t *testing.T, args ...string) string {
		t.Helper()
		out, err := run(t, 3*time.Minute, t.TempDir(), env, aws, args...)
		require.NoError(t, err, "aws %s:\n%s", strings.Join(args, " "), out)
		return string(out)
	}

	// Steps depend on each other: each is a subtest for a readable report,
	// and a failure stops the rest.
	require.True(t, t.Run("aws s3 mb", func(t *testing.T) {
		assert.Contains(t, cli(t, "s3", "mb", "s3://"+bucket), "make_bucket: "+bucket)
	}))
	require.True(t, t.Run("aws s3 cp up 20 MiB", func(t *testing.T) {
		cli(t, "s3", "cp", "--no-progress", src, "s3://"+bucket+"/big/upload file.bin")
		assert.Equal(t, sha256Hex(big), sha256Hex(stored(t, ts, bucket, "big/upload file.bin")))
	}))
	t.Run("aws s3 cp down 20 MiB", func(t *testing.T) {
		cli(t, "s3", "cp", "--no-progress", "s3://"+bucket+"/big/upload file.bin", dst)
		got, err := os.ReadFile(dst)
		require.NoError(t, err)
		assert.Equal(t, sha256Hex(big), sha256Hex(got))
	})
	t.Run("aws s3 presign fetched with net/http", func(t *testing.T) {
		raw := strings.TrimSpace(cli(t, "s3", "presign", "s3://"+bucket+"/big/upload file.bin", "--expires-in", "600"))
		u, err := url.Parse(raw)
		require.NoError(t, err, "presign printed %q", raw)
		if ts.Region == "us-east-1" {
			assert.NotEmpty(t, u.Query().Get("AWSAccessKeyId"), "aws CLI v1 pre-signs with SigV2 in us-east-1: %s", raw)
			assert.NotEmpty(t, u.Query().Get("Signature"))
		}
		req, err := http.NewRequestWithContext(ctxT(t, time.Minute), http.MethodGet, raw, nil)
		require.NoError(t, err)
		resp, err := ts.HTTPClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		requireStatus(t, resp, http.StatusOK, "GET %s", raw)
		got, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.Equal(t, sha256Hex(big), sha256Hex(got))
	})
}
