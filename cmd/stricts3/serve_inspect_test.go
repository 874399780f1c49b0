package main

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

func TestServe_InspectionFlags_FlagEnvDefaultAndValidation(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want emulator.Options
	}{
		{name: "defaults", want: emulator.Options{Inspector: emulator.InspectorLoopback, InspectorSize: emulator.DefaultInspectorSize, Enforce: emulator.EnforceStrict}},
		{name: "flags", args: []string{"--inspector=open", "--inspector-size=5", "--enforce=warn"},
			want: emulator.Options{Inspector: emulator.InspectorOpen, InspectorSize: 5, Enforce: emulator.EnforceWarn}},
		{name: "environment", env: map[string]string{"STRICTS3_INSPECTOR": "off", "STRICTS3_INSPECTOR_SIZE": "9", "STRICTS3_ENFORCE": "warn"},
			want: emulator.Options{Inspector: emulator.InspectorOff, InspectorSize: 9, Enforce: emulator.EnforceWarn}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseServe(tc.args, io.Discard, envMap(tc.env))
			require.NoError(t, err)
			var got emulator.Options
			c.inspection.apply(&got)
			assert.Equal(t, tc.want, got)
		})
	}
	for _, args := range [][]string{{"--inspector=public"}, {"--enforce=lenient"}, {"--inspector-size=0"}} {
		_, err := parseServe(args, io.Discard, envMap(nil))
		assert.Equal(t, exitUsage, exitCode(err), args)
	}
}

// serve --enforce=warn serves an anonymous request to a bucket, lists it in
// /_stricts3/report, and sums it up on shutdown.
func TestServe_EnforceWarn_ServesLogsAtWarnAndSummarisesOnShutdown(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--enforce", "warn")
	client := sdkClient(t, s.vars)
	_, err := client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("warned")})
	require.NoError(t, err)
	_, err = client.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("warned"), Key: aws.String("k"), Body: bytes.NewReader([]byte("v"))})
	require.NoError(t, err)

	resp, err := http.Get(s.vars["AWS_ENDPOINT_URL"] + "/warned/k")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "v", string(body))
	assert.Equal(t, "AccessDenied: anonymous", resp.Header.Get(emulator.WarningHeader))

	require.NoError(t, s.stop())
	// stderr is copied by a goroutine that may trail run's return.
	assert.Eventually(t, func() bool {
		out := s.stderr.String()
		return strings.Contains(out, "1 request(s) were served that strict mode (and S3) would refuse") &&
			strings.Contains(out, "AccessDenied") && strings.Contains(out, "anonymous")
	}, 5*time.Second, 10*time.Millisecond, "%s", s.stderr.String())
	assert.Contains(t, s.stderr.String(), "level=WARN")
	assert.Contains(t, s.stderr.String(), "would_be_error=AccessDenied")
}

// Inside a container the peer of a published port is Docker's bridge, so
// the image opens the inspector; the value must be one serve accepts.
func TestDockerfile_OpensTheInspector(t *testing.T) {
	m := regexp.MustCompile(`(?m)^ENV STRICTS3_INSPECTOR=(\S+)$`).FindStringSubmatch(readRepoFile(t, "Dockerfile"))
	require.NotNil(t, m)
	c, err := parseServe(nil, io.Discard, envMap(map[string]string{"STRICTS3_INSPECTOR": m[1]}))
	require.NoError(t, err)
	assert.Equal(t, string(emulator.InspectorOpen), c.inspection.inspector)
}
