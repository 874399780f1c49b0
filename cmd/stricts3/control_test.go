package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHealth_RunningServer_ExitsZeroWithVersionAndStore(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0")
	out, errOut, code := runCmd(t, nil, "health", "--endpoint", s.vars["AWS_ENDPOINT_URL"])
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "ok: "+s.vars["AWS_ENDPOINT_URL"])
	assert.Contains(t, out, "memory store")
}

func TestHealth_NothingListening_ExitsOne(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	_, errOut, code := runCmd(t, nil, "health", "--endpoint", "http://"+addr, "--timeout", "2s")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "unhealthy")
}

// In the container, health runs with the server's own environment and no
// --endpoint: STRICTS3_ADDR=0.0.0.0:<port> must lead it to loopback.
func TestHealth_EndpointFromServeAddr(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0")
	_, port, _ := strings.Cut(strings.TrimPrefix(s.vars["AWS_ENDPOINT_URL"], "http://"), ":")
	out, errOut, code := runCmd(t, map[string]string{"STRICTS3_ADDR": "0.0.0.0:" + port}, "health")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "http://127.0.0.1:"+port)
}

// The CLI signs at the server's time, so it can still reset a clock that
// is far past the 15 minutes of allowed skew.
func TestClock_AdvanceGetReset_SignsAtServerTime(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0")
	env := s.vars
	out, errOut, code := runCmd(t, env, "clock", "advance", "48h")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "(offset 48h0m0s)")

	out, errOut, code = runCmd(t, env, "clock", "get")
	require.Equal(t, 0, code, errOut)
	now, err := time.Parse(time.RFC3339Nano, strings.Fields(out)[0])
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(48*time.Hour), now, time.Minute)

	// The SDK signs with this machine's time: 48 hours off is refused.
	_, err = sdkClient(t, env).ListBuckets(context.Background(), &s3.ListBucketsInput{})
	require.ErrorContains(t, err, "RequestTimeTooSkewed")

	out, errOut, code = runCmd(t, env, "clock", "set", "2031-05-06T07:08:09Z")
	require.Equal(t, 0, code, errOut)
	assert.True(t, strings.HasPrefix(out, "2031-05-06T07:08:"), out)

	out, errOut, code = runCmd(t, env, "clock", "reset")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "(offset 0s)")
	out, errOut, code = runCmd(t, env, "clock", "advance", "--", "-30s")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "(offset -30s)")
	_, err = sdkClient(t, env).ListBuckets(context.Background(), &s3.ListBucketsInput{})
	require.NoError(t, err)
}

func TestClock_WrongSecret_ExitsOneWithS3Code(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0")
	env := map[string]string{"AWS_ENDPOINT_URL": s.vars["AWS_ENDPOINT_URL"], "AWS_SECRET_ACCESS_KEY": "wrong"}
	_, errOut, code := runCmd(t, env, "clock", "advance", "1m")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "403 Forbidden SignatureDoesNotMatch")
}

func TestClock_UsageMistakes_ExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"clock"}, {"clock", "advance"}, {"clock", "advance", "16"}, {"clock", "set", "tomorrow"},
		{"clock", "get", "now"}, {"clock", "rewind"}, {"reset", "a", "b"}, {"health", "--endpoint", "localhost:9000"},
	} {
		_, _, code := runCmd(t, nil, args...)
		assert.Equal(t, exitUsage, code, "%q", args)
	}
}

func TestServe_StartupBuckets_FlagAndEnv_WithCORSJSON_ResetRecreates(t *testing.T) {
	corsFile := filepath.Join(t.TempDir(), "cors.json")
	require.NoError(t, os.WriteFile(corsFile, []byte(`{"CORSRules": [{"AllowedOrigins": ["http://app.test"], "AllowedMethods": ["PUT", "GET"], "MaxAgeSeconds": 600}]}`), 0o600))
	s := startServe(t, map[string]string{"STRICTS3_BUCKETS": "uploads, photos,uploads"}, "--addr", "127.0.0.1:0", "--cors", corsFile)
	assert.Contains(t, strings.Join(s.banner, "\n"), "buckets: uploads, photos (CORS from "+corsFile+")")
	client := sdkClient(t, s.vars)
	ctx := context.Background()
	list, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	var names []string
	for _, b := range list.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	assert.ElementsMatch(t, []string{"uploads", "photos"}, names)
	cfg, err := client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("photos")})
	require.NoError(t, err)
	require.Len(t, cfg.CORSRules, 1)
	assert.Equal(t, []string{"http://app.test"}, cfg.CORSRules[0].AllowedOrigins)
	assert.Equal(t, int32(600), aws.ToInt32(cfg.CORSRules[0].MaxAgeSeconds))

	_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	_, err = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("scratch")})
	require.NoError(t, err)

	out, errOut, code := runCmd(t, s.vars, "reset")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "re-created start-up buckets: ")
	list, err = client.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	assert.Len(t, list.Buckets, 2, "scratch is gone, the start-up buckets are back")
	_, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("uploads"), Key: aws.String("k")})
	require.Error(t, err, "reset empties start-up buckets too")

	out, errOut, code = runCmd(t, s.vars, "reset", "s3://photos")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "deleted buckets: photos")
}

func TestServe_StartupMistakes_ExitTwoNamingTheFlag(t *testing.T) {
	dir := t.TempDir()
	badCORS := filepath.Join(dir, "bad.xml")
	require.NoError(t, os.WriteFile(badCORS, []byte(`<CORSConfiguration><CORSRule><AllowedMethod>PATCH</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`), 0o600))
	unknownJSON := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(unknownJSON, []byte(`{"CORSRules": [{"AllowedOrigin": ["*"]}]}`), 0o600))
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--bucket", "b1", "--cors", badCORS}, "--cors: " + badCORS},
		{[]string{"--bucket", "b1", "--cors", unknownJSON}, "not the aws CLI's CORS JSON"},
		{[]string{"--cors", badCORS}, "none is given"},
		{[]string{"--data-dir", file}, "not a directory"},
		{[]string{"--log-level", "verbose"}, `--log-level must be debug, info, warn or error, got "verbose"`},
	}
	for _, tc := range tests {
		_, errOut, code := runCmd(t, nil, append([]string{"serve", "--addr", "127.0.0.1:0"}, tc.args...)...)
		assert.Equal(t, exitUsage, code, "%q", tc.args)
		assert.Contains(t, errOut, tc.want, "%q", tc.args)
	}
}

// A mistyped flag gets one line and a pointer to -h, not the whole help.
func TestParseFlags_UnknownFlag_ShortMessage(t *testing.T) {
	_, errOut, code := runCmd(t, nil, "serve", "--nope")
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "flag provided but not defined: -nope\nRun 'stricts3 serve -h' for the flags.\n", errOut)
	_, errOut, code = runCmd(t, nil, "serve", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, errOut, "-shutdown-timeout")
}

// Over --tls the control commands trust the CA the export line names
// (AWS_CA_BUNDLE), as the SDKs do, and refuse the server without it.
func TestControl_TLS_TrustsExportedCABundle(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--tls", "--cert-out", filepath.Join(t.TempDir(), "ca.pem"))
	require.NotEmpty(t, s.vars["AWS_CA_BUNDLE"])
	out, errOut, code := runCmd(t, s.vars, "health")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "ok: https://")
	_, errOut, code = runCmd(t, s.vars, "clock", "advance", "1m")
	require.Equal(t, 0, code, errOut)

	withoutCA := map[string]string{"AWS_ENDPOINT_URL": s.vars["AWS_ENDPOINT_URL"]}
	_, errOut, code = runCmd(t, withoutCA, "health")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "certificate")
}

// In a container started with STRICTS3_TLS, health runs with the server's
// environment only: it finds the generated CA where serve wrote it.
func TestHealth_TLSFromServeEnvironment_TrustsGeneratedCA(t *testing.T) {
	dir := t.TempDir()
	serveEnv := map[string]string{"STRICTS3_TLS": "true", "STRICTS3_DATA_DIR": dir}
	s := startServe(t, serveEnv, "--addr", "127.0.0.1:0")
	_, port, _ := strings.Cut(strings.TrimPrefix(s.vars["AWS_ENDPOINT_URL"], "https://"), ":")
	assert.Equal(t, filepath.Join(dir, tlsDirName, caCertName), s.vars["AWS_CA_BUNDLE"])

	healthEnv := map[string]string{"STRICTS3_TLS": "true", "STRICTS3_DATA_DIR": dir, "STRICTS3_ADDR": "0.0.0.0:" + port}
	out, errOut, code := runCmd(t, healthEnv, "health")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "ok: https://127.0.0.1:"+port)
}
