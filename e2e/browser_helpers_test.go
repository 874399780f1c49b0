package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

// browserRun is what every browser script (e2e/js/chromium.mjs) reports
// besides its own steps.
type browserRun struct {
	scriptError
	BrowserVersion string            `json:"browserVersion"`
	Screenshots    map[string]string `json:"screenshots"`
	Console        []string          `json:"console"`
}

func (b *browserRun) browser() *browserRun { return b }

// browserReport is a script's result document, embedding browserRun.
type browserReport interface{ browser() *browserRun }

// runBrowserScript runs the node script with plan, to which it adds the
// chromium path and an artifacts directory for screenshots, and decodes
// its report into res. On failure the screenshots and the browser console
// are logged; on success the artifacts are removed.
func runBrowserScript(t *testing.T, node, chromium, script string, plan map[string]any, res browserReport) {
	t.Helper()
	artifacts, err := filepath.Abs(filepath.Join("artifacts", t.Name()))
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(artifacts))
	plan["chromium"], plan["artifacts"] = chromium, artifacts
	doc, err := json.Marshal(plan)
	require.NoError(t, err)
	runErr := runJSON(t, 3*time.Minute, jsDir(t), clientEnv(t, map[string]string{"E2E_PLAN_FILE": writeTemp(t, "plan.json", doc)}), res, node, script)
	run := res.browser()
	t.Cleanup(func() {
		if t.Failed() {
			for step, p := range run.Screenshots {
				t.Logf("screenshot of step %s: %s", step, p)
			}
			t.Logf("browser console:\n%s", strings.Join(run.Console, "\n"))
			return
		}
		_ = os.RemoveAll(artifacts)
	})
	require.NoError(t, runErr, "%s: %s", script, run.Error)
	t.Logf("chromium %s", run.BrowserVersion)
}

// allowOrigin gives bucket the CORS rule a web app on origin needs to
// upload and read back with fetch(): every method it uses, any request
// header, and ETag exposed.
func allowOrigin(t *testing.T, ts *emulator.TestServer, bucket, origin string) {
	t.Helper()
	_, err := ts.Client.PutBucketCors(ctxT(t, 30*time.Second), &s3.PutBucketCorsInput{
		Bucket: aws.String(bucket),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{{
			AllowedOrigins: []string{origin},
			AllowedMethods: []string{"GET", "PUT", "POST", "HEAD"},
			AllowedHeaders: []string{"*"},
			ExposeHeaders:  []string{"ETag"},
			MaxAgeSeconds:  aws.Int32(60),
		}}},
	})
	require.NoError(t, err, "PutBucketCors")
}
