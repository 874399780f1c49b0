package main

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// The backend's keys differ from the keys clients sign with.
const (
	backendKey    = "BACKENDKEYEXAMPLE"
	backendSecret = "backend/secret/EXAMPLEKEY"
)

// newBackend starts an in-process strictS3 as the S3-compatible engine
// two serve processes share.
func newBackend(t *testing.T) string {
	t.Helper()
	srv, err := emulator.New(emulator.Options{
		Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: backendKey, SecretAccessKey: backendSecret}),
	})
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs.URL
}

func backendEnvFor(endpoint string) map[string]string {
	return map[string]string{
		"STRICTS3_BACKEND":            "s3://tenant-a-",
		"STRICTS3_BACKEND_ENDPOINT":   endpoint,
		"STRICTS3_BACKEND_ACCESS_KEY": backendKey,
		"STRICTS3_BACKEND_SECRET_KEY": backendSecret,
	}
}

func TestServe_TwoServersOnOneBackend_ReadAfterWriteAndOneConditionalWinner(t *testing.T) {
	env := backendEnvFor(newBackend(t))
	a := startServe(t, env, "--addr", "127.0.0.1:0")
	b := startServe(t, env, "--addr", "127.0.0.1:0")
	ca, cb := sdkClient(t, a.vars), sdkClient(t, b.vars)
	s3test.MustCreateBucket(t, ca, "shared")

	_, err := ca.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("k"), Body: strings.NewReader("written through A")})
	require.NoError(t, err)
	got, err := cb.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("shared"), Key: aws.String("k")})
	require.NoError(t, err, "B reads what A wrote")
	body, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	assert.Equal(t, "written through A", string(body))

	// Creators race through both servers; the backend judges If-None-Match.
	const writers = 8
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			client := []*s3.Client{ca, cb}[i%2]
			_, errs[i] = client.PutObject(t.Context(), &s3.PutObjectInput{
				Bucket: aws.String("shared"), Key: aws.String("lock"), IfNoneMatch: aws.String("*"),
				Body: strings.NewReader("writer " + string(rune('0'+i))),
			})
		})
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		if err == nil {
			won++
			continue
		}
		var api smithy.APIError
		require.True(t, errors.As(err, &api), "writer %d: %v", i, err)
		assert.Equal(t, "PreconditionFailed", api.ErrorCode(), "writer %d", i)
	}
	assert.Equal(t, 1, won, "exactly one creator wins across the two servers")
}

func TestServe_WrongBackendCredentials_FailsAtStartNamingTheBackend(t *testing.T) {
	endpoint := newBackend(t)
	env := backendEnvFor(endpoint)
	env["STRICTS3_BACKEND_SECRET_KEY"] = "wrong-secret"
	_, stderr, code := runCmd(t, env, "serve", "--addr", "127.0.0.1:0")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, stderr, endpoint)
	assert.Contains(t, stderr, "backend credentials")
	assert.NotContains(t, stderr, "wrong-secret")
}

func TestServe_BackendFlags_Validated(t *testing.T) {
	for name, tt := range map[string]struct {
		args []string
		want string
	}{
		"not s3://":           {[]string{"--backend", "http://x"}, "s3://"},
		"with --data-dir":     {[]string{"--backend", "s3://", "--data-dir", "/tmp/x"}, "choose one"},
		"unknown conditional": {[]string{"--backend", "s3://", "--backend-conditional-writes", "maybe"}, "backend or process"},
		"half a key":          {[]string{"--backend", "s3://", "--backend-access-key", "AK"}, "go together"},
	} {
		t.Run(name, func(t *testing.T) {
			_, stderr, code := runCmd(t, nil, append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

// A backend that goes away mid-run answers 503 SlowDown, not a hang.
func TestServe_BackendGone_IsSlowDown(t *testing.T) {
	srv, err := emulator.New(emulator.Options{
		Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: backendKey, SecretAccessKey: backendSecret}),
	})
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	env := backendEnvFor(hs.URL)
	env["STRICTS3_BACKEND_TIMEOUT"] = "2s"
	front := startServe(t, env, "--addr", "127.0.0.1:0")
	client := sdkClient(t, front.vars)
	s3test.MustCreateBucket(t, client, "gone")
	hs.Close()

	_, err = client.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("gone"), Key: aws.String("k"), Body: strings.NewReader("x")},
		func(o *s3.Options) { o.Retryer = aws.NopRetryer{} })
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "%v", err)
	assert.Equal(t, "SlowDown", api.ErrorCode())
}

// The backend's key is strictS3's, not a client's: signed with it, a
// request to the front is refused as an unknown key.
func TestServe_ClientSigningWithTheBackendKey_IsRefused(t *testing.T) {
	front := startServe(t, backendEnvFor(newBackend(t)), "--addr", "127.0.0.1:0")
	vars := map[string]string{}
	for k, v := range front.vars {
		vars[k] = v
	}
	vars["AWS_ACCESS_KEY_ID"], vars["AWS_SECRET_ACCESS_KEY"] = backendKey, backendSecret
	_, err := sdkClient(t, vars).ListBuckets(t.Context(), &s3.ListBucketsInput{})
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "%v", err)
	assert.Equal(t, "InvalidAccessKeyId", api.ErrorCode())
}
