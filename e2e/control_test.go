package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The control API as a suite outside Go uses it: the stricts3 binary with a
// start-up bucket, and each control endpoint called through the binary's
// own subcommands (health, clock, reset).
func TestBinary_ControlSubcommands_HealthClockReset(t *testing.T) {
	bin := buildBinary(t)
	srv := serveBinary(t, bin, "--bucket", "e2e-startup")
	env := clientEnv(t, srv.Exports)
	stricts3 := func(args ...string) string {
		t.Helper()
		out, err := run(t, 30*time.Second, t.TempDir(), env, bin, args...)
		require.NoError(t, err, "stricts3 %s:\n%s", strings.Join(args, " "), out)
		return string(out)
	}

	assert.Contains(t, stricts3("health"), "ok: ")
	client := sdkFromExports(t, srv.Exports)
	_, err := client.ListObjectsV2(ctxT(t, 10*time.Second), listInput("e2e-startup"))
	require.NoError(t, err, "the start-up bucket exists")

	url := strings.TrimSpace(stricts3("presign", "put", "s3://e2e-startup/k", "--expires", "15m"))
	assert.Contains(t, stricts3("clock", "advance", "16m"), "(offset 16m0s)")
	status, body := httpDo(t, http.MethodPut, url, "late")
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "<Message>Request has expired</Message>")

	assert.Contains(t, stricts3("clock", "reset"), "(offset 0s)")
	status, body = httpDo(t, http.MethodPut, url, "on time")
	require.Equal(t, http.StatusOK, status, body)

	assert.True(t, strings.HasPrefix(stricts3("clock", "set", "2031-02-03T04:05:06Z"), "2031-02-03T04:05:"))
	assert.True(t, strings.HasPrefix(stricts3("clock", "get"), "2031-02-03T04:05:"))
	stricts3("clock", "reset")
	_, err = client.CreateBucket(ctxT(t, 10*time.Second), &s3.CreateBucketInput{Bucket: aws.String("e2e-scratch")})
	require.NoError(t, err)
	assert.Contains(t, stricts3("reset", "e2e-scratch"), "deleted buckets: e2e-scratch")
	_, err = client.HeadBucket(ctxT(t, 10*time.Second), &s3.HeadBucketInput{Bucket: aws.String("e2e-scratch")})
	require.Error(t, err, "reset of one bucket deletes it")
	_, err = client.HeadObject(ctxT(t, 10*time.Second), &s3.HeadObjectInput{Bucket: aws.String("e2e-startup"), Key: aws.String("k")})
	require.NoError(t, err, "and leaves the others alone")

	out := stricts3("reset")
	assert.Contains(t, out, "deleted buckets: e2e-startup")
	assert.Contains(t, out, "re-created start-up buckets: e2e-startup")
	list, err := client.ListObjectsV2(ctxT(t, 10*time.Second), listInput("e2e-startup"))
	require.NoError(t, err)
	assert.Empty(t, list.Contents)

	srv.Stop()
	cmd := exec.Command(bin, "health", "--timeout", "2s")
	cmd.Env = env
	out2, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out2)
	assert.Equal(t, 1, exit.ExitCode(), "a stopped server is unhealthy: %s", out2)
}

// The same endpoints signed by botocore's S3SigV4Auth, as the README tells
// Python users to call them: the owner's signature moves the clock, an
// anonymous request does not, and once the clock is 16 minutes off only a
// request signed at the server's time (GET /_stricts3/clock) gets through.
func TestBoto3_ControlAPI_SignedWithBotocore(t *testing.T) {
	py := requireBoto3(t)
	bin := buildBinary(t)
	srv := serveBinary(t, bin, "--bucket", "e2e-control")
	env := clientEnv(t, map[string]string{
		"AWS_ENDPOINT_URL":      srv.Exports["AWS_ENDPOINT_URL"],
		"AWS_ACCESS_KEY_ID":     srv.Exports["AWS_ACCESS_KEY_ID"],
		"AWS_SECRET_ACCESS_KEY": srv.Exports["AWS_SECRET_ACCESS_KEY"],
		"AWS_DEFAULT_REGION":    srv.Exports["AWS_DEFAULT_REGION"],
		"E2E_BUCKET":            "e2e-control",
	})
	var res map[string]json.RawMessage
	require.NoError(t, runJSON(t, 2*time.Minute, pyDir(t), env, &res, py, "control_e2e.py"))
	type stepResult struct {
		OK     bool   `json:"ok"`
		Error  string `json:"error"`
		Status int    `json:"status"`
		Body   string `json:"body"`
		JSON   struct {
			OffsetSeconds  float64  `json:"offsetSeconds"`
			DeletedBuckets []string `json:"deletedBuckets"`
		} `json:"json"`
		Keys []string `json:"keys"`
	}
	step := func(name string) stepResult {
		t.Helper()
		var s stepResult
		require.Contains(t, res, name)
		require.NoError(t, json.Unmarshal(res[name], &s))
		require.True(t, s.OK, "step %s: %s", name, s.Error)
		return s
	}
	t.Logf("botocore %s", res["botocore"])

	health := step("health")
	assert.Equal(t, http.StatusOK, health.Status)
	assert.Contains(t, health.Body, `"status": "ok"`)
	assert.Equal(t, http.StatusOK, step("presigned_before").Status)
	anon := step("anonymous_advance")
	assert.Equal(t, http.StatusForbidden, anon.Status)
	assert.Contains(t, anon.Body, "<Code>AccessDenied</Code>")
	adv := step("advance")
	require.Equal(t, http.StatusOK, adv.Status, adv.Body)
	assert.Equal(t, 960.0, adv.JSON.OffsetSeconds)
	expired := step("presigned_after_advance")
	assert.Equal(t, http.StatusForbidden, expired.Status)
	assert.Contains(t, expired.Body, "Request has expired")
	skewed := step("reset_clock_local_time")
	assert.Equal(t, http.StatusForbidden, skewed.Status)
	assert.Contains(t, skewed.Body, "<Code>RequestTimeTooSkewed</Code>")
	reset := step("reset_clock_server_time")
	require.Equal(t, http.StatusOK, reset.Status, reset.Body)
	assert.Zero(t, reset.JSON.OffsetSeconds)
	assert.Equal(t, http.StatusOK, step("presigned_after_reset").Status)
	store := step("reset_store")
	require.Equal(t, http.StatusOK, store.Status, store.Body)
	assert.Equal(t, []string{"e2e-control"}, store.JSON.DeletedBuckets)
	assert.Empty(t, step("list_after_reset").Keys)
}

// httpDo sends body to url with a plain HTTP client and returns the status
// and body.
func httpDo(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxT(t, 10*time.Second), method, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func listInput(bucket string) *s3.ListObjectsV2Input {
	return &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
}

// The README's Python example, run as printed: it must move the clock of a
// running binary, also once the clock is past the allowed skew (it signs at
// the server's time).
func TestReadme_PythonControlExample_MovesTheClock(t *testing.T) {
	py := requireBoto3(t)
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	block := regexp.MustCompile("(?s)```python\n(.*?)```").FindSubmatch(readme)
	require.NotNil(t, block, "README has a python example")
	script := filepath.Join(t.TempDir(), "readme_example.py")
	// Run it twice: the second call is signed while the clock is 16 minutes off.
	code := string(block[1]) + "\nstricts3_control(os.environ[\"AWS_ENDPOINT_URL\"], \"clock/advance\", duration=\"16m\")\n"
	require.NoError(t, os.WriteFile(script, []byte(code), 0o600))

	bin := buildBinary(t)
	srv := serveBinary(t, bin)
	env := clientEnv(t, srv.Exports)
	out, err := run(t, time.Minute, t.TempDir(), env, py, script)
	require.NoError(t, err, "%s", out)

	status, body := httpDo(t, http.MethodGet, srv.Exports["AWS_ENDPOINT_URL"]+"/_stricts3/clock", "")
	require.Equal(t, http.StatusOK, status)
	var clock struct {
		OffsetSeconds float64 `json:"offsetSeconds"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &clock))
	assert.Equal(t, 1920.0, clock.OffsetSeconds)
}

// The README's JavaScript example, run as printed with Node and the e2e
// package's @smithy/signature-v4: run twice, the second time while the
// clock is already 16 minutes off.
func TestReadme_JavaScriptControlExample_MovesTheClock(t *testing.T) {
	node := requireNodeModules(t)
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	block := regexp.MustCompile("(?s)```js\n(.*?)```").FindSubmatch(readme)
	require.NotNil(t, block, "README has a js example")
	dir := jsDir(t)
	script := filepath.Join(dir, "readme-example-"+strconv.Itoa(os.Getpid())+".mjs")
	code := string(block[1]) + "\nawait stricts3Control(process.env.AWS_ENDPOINT_URL, \"clock/advance\", { duration: \"16m\" });\n"
	require.NoError(t, os.WriteFile(script, []byte(code), 0o600))
	t.Cleanup(func() { _ = os.Remove(script) })

	bin := buildBinary(t)
	srv := serveBinary(t, bin)
	out, err := run(t, time.Minute, dir, clientEnv(t, srv.Exports), node, script)
	require.NoError(t, err, "%s", out)

	status, body := httpDo(t, http.MethodGet, srv.Exports["AWS_ENDPOINT_URL"]+"/_stricts3/clock", "")
	require.Equal(t, http.StatusOK, status)
	var clock struct {
		OffsetSeconds float64 `json:"offsetSeconds"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &clock))
	assert.Equal(t, 1920.0, clock.OffsetSeconds)
}
