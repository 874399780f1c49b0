package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

// pyVersionStep is one step of boto3_versions.py.
type pyVersionStep struct {
	pyStep
	Expected [][]string `json:"expected"`
	Pages    []struct {
		Entries             [][]string `json:"entries"`
		Truncated           bool       `json:"truncated"`
		NextKeyMarker       string     `json:"nextKeyMarker"`
		NextVersionIDMarker string     `json:"nextVersionIdMarker"`
	} `json:"pages"`
}

// boto3's list_object_versions paginator (key-marker and
// version-id-marker), pre-signed GETs of an old version with boto3's
// default SigV2 and with SigV4, and the ceph/s3-tests cleanup run from
// Python, which deletes each page before asking for the next.
func TestBoto3_Versions_PaginationPresignedVersionAndS3TestsCleanup(t *testing.T) {
	py := requireBoto3(t)
	ts := emulator.NewTestServer(t)
	env := map[string]string{
		"AWS_ENDPOINT_URL":      ts.URL,
		"AWS_ACCESS_KEY_ID":     ts.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": ts.SecretAccessKey,
		"AWS_DEFAULT_REGION":    ts.Region,
		"E2E_BUCKET":            "e2e-boto3-versions",
	}
	var res map[string]any
	require.NoError(t, runJSON(t, 2*time.Minute, pyDir(t), clientEnv(t, env), &res, py, "boto3_versions.py"))
	steps := map[string]pyVersionStep{}
	for name, v := range res {
		if m, ok := v.(map[string]any); ok {
			var s pyVersionStep
			remarshal(t, m, &s)
			require.True(t, s.OK, "boto3 step %s failed: %s", name, s.failure())
			steps[name] = s
		}
	}

	var got [][]string
	pages := steps["paginate"].Pages
	for i, p := range pages {
		assert.LessOrEqual(t, len(p.Entries), 2, "page %d", i)
		assert.Equal(t, i < len(pages)-1, p.Truncated, "page %d", i)
		if p.Truncated {
			last := p.Entries[len(p.Entries)-1]
			assert.Equal(t, []string{last[1], last[2]}, []string{p.NextKeyMarker, p.NextVersionIDMarker}, "page %d", i)
		}
		got = append(got, p.Entries...)
	}
	want := steps["setup"].Expected
	require.Len(t, want, 13)
	assert.Equal(t, want, got)
	assert.Len(t, pages, 7)

	for _, name := range []string{"presign_version_default", "presign_version_s3v4"} {
		s := steps[name]
		if name == "presign_version_default" && ts.Region == "us-east-1" {
			assert.Contains(t, s.Query, "Signature", "boto3's default pre-sign is SigV2")
		} else {
			assert.Contains(t, s.Query, "X-Amz-Signature")
		}
		assert.Contains(t, s.Query, "versionId")
		require.Equal(t, 200, s.Response.Status, "%s: %s", s.URL, s.failure())
		assert.Equal(t, s.ExpectedSha256, s.Response.BodySha256, "%s reaches the old version", name)
		assert.Equal(t, s.Key, s.Response.Headers["x-amz-version-id"])
	}

	cleanup := steps["s3tests_cleanup"]
	assert.Equal(t, 0, cleanup.Status, "no bucket left")
	assert.Equal(t, int64(13), cleanup.ContentLength, "every version and marker deleted")
	assert.False(t, strings.Contains(cleanup.Error, "BucketNotEmpty"))
}
