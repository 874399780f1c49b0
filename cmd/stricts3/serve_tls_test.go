package main

import (
	"log/slog"
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

// Two --tls servers without --data-dir used to write their CA to one
// fixed temp path, the second overwriting the first's, through any symlink
// planted there.
func TestServe_TLSWithoutDataDir_EachServerWritesItsOwnCAFileAndNeverFollowsASymlink(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	victim := filepath.Join(t.TempDir(), "victim")
	require.NoError(t, os.WriteFile(victim, []byte("not yours"), 0o644))
	require.NoError(t, os.Symlink(victim, filepath.Join(tmp, "stricts3-ca.pem")), "a symlink at the old fixed name")

	first := startServe(t, nil, "--addr", "127.0.0.1:0", "--tls")
	second := startServe(t, nil, "--addr", "127.0.0.1:0", "--tls")
	firstCA, secondCA := first.vars["AWS_CA_BUNDLE"], second.vars["AWS_CA_BUNDLE"]
	assert.NotEqual(t, firstCA, secondCA)
	for _, ca := range []string{firstCA, secondCA} {
		assert.Equal(t, tmp, filepath.Dir(ca))
		st, err := os.Lstat(ca)
		require.NoError(t, err)
		assert.True(t, st.Mode().IsRegular(), "%s is a file of its own", ca)
	}
	data, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "not yours", string(data))

	// The first server's clients still trust it after the second started.
	s3test.MustCreateBucket(t, sdkClient(t, first.vars), "first")
	s3test.MustCreateBucket(t, sdkClient(t, second.vars), "second")

	require.NoError(t, first.stop())
	assert.NoFileExists(t, firstCA, "a CA made for one run is removed when it ends")
	assert.FileExists(t, secondCA)
}

func TestServerTLS_CertOutSymlink_IsReplacedNotFollowed(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	require.NoError(t, os.WriteFile(victim, []byte("not yours"), 0o644))
	certOut := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.Symlink(victim, certOut))

	_, path, cleanup, err := serverTLS(&serveConfig{tls: true, certOut: certOut, domain: "localhost"}, time.Now(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer cleanup()
	assert.Equal(t, certOut, path)
	st, err := os.Lstat(certOut)
	require.NoError(t, err)
	assert.True(t, st.Mode().IsRegular())
	data, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "not yours", string(data))
}

func TestServe_TLSWithDataDir_KeepsTheCAAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"STRICTS3_DATA_DIR": dir, "STRICTS3_TLS": "true"}
	first := startServe(t, env, "--addr", "127.0.0.1:0")
	caPath := first.vars["AWS_CA_BUNDLE"]
	assert.Equal(t, filepath.Join(dir, "tls", "ca.pem"), caPath)
	caPEM, err := os.ReadFile(caPath)
	require.NoError(t, err)
	st, err := os.Stat(filepath.Join(dir, "tls", "ca-key.pem"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "only the server reads the CA key")
	s3test.MustCreateBucket(t, sdkClient(t, first.vars), "kept")
	require.NoError(t, first.stop())

	second := startServe(t, env, "--addr", "127.0.0.1:0")
	assert.Equal(t, caPath, second.vars["AWS_CA_BUNDLE"])
	again, err := os.ReadFile(caPath)
	require.NoError(t, err)
	assert.Equal(t, string(caPEM), string(again), "the same CA signs the new server certificate")
	// A client that trusted the file once keeps working: vars point at the
	// same file, and the handshake checks the new certificate against it.
	_, err = sdkClient(t, second.vars).HeadBucket(t.Context(), &s3.HeadBucketInput{Bucket: aws.String("kept")})
	require.NoError(t, err)
}

func TestKeptAuthority_ExpiringOrDamaged_IsReplacedAndLogged(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	logs := &s3test.LockedBuffer{}
	logger := newLogger(&serveConfig{logFormat: "text", logLevel: "info"}, logs)
	ca, _, err := keptAuthority(dir, now, logger)
	require.NoError(t, err)
	assert.Empty(t, logs.String(), "a first CA is no news")

	reused, _, err := keptAuthority(dir, now.Add(24*time.Hour), logger)
	require.NoError(t, err)
	assert.Equal(t, ca.CertPEM, reused.CertPEM)

	late := ca.Certificate.NotAfter.Add(-serverCertValidity / 2)
	replaced, _, err := keptAuthority(dir, late, logger)
	require.NoError(t, err)
	assert.NotEqual(t, ca.CertPEM, replaced.CertPEM, "a CA expiring before the server certificate would is replaced")
	assert.Contains(t, logs.String(), "replacing the data directory's CA")

	require.NoError(t, os.Truncate(filepath.Join(dir, caKeyName), 0))
	fresh, _, err := keptAuthority(dir, late, logger)
	require.NoError(t, err)
	assert.NotEqual(t, replaced.CertPEM, fresh.CertPEM)
	assert.True(t, strings.Count(logs.String(), "level=WARN") >= 2, logs.String())
}
