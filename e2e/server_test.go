package e2e

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/pem"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/store"
)

// defaultConfig is what config.LoadDefaultConfig would produce for an
// application with these credentials and endpoint, built by hand so that
// nothing of the machine (AWS_CA_BUNDLE, ~/.aws) takes part: default retryer,
// checksums calculated and validated "when supported" (the SDK defaults).
// LoadDefaultConfig itself refuses a custom http.Client while AWS_CA_BUNDLE
// is set (spec §12).
func defaultConfig(ts *emulator.TestServer) aws.Config {
	return aws.Config{
		Region:                     ts.Region,
		Credentials:                credentials.NewStaticCredentialsProvider(ts.AccessKeyID, ts.SecretAccessKey, ""),
		HTTPClient:                 ts.HTTPClient,
		BaseEndpoint:               aws.String(ts.URL),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}
}

// defaultClient is an S3 client at the SDK's defaults; path-style because the
// endpoint is an IP address.
func defaultClient(ts *emulator.TestServer) *s3.Client {
	return s3.NewFromConfig(defaultConfig(ts), func(o *s3.Options) { o.UsePathStyle = true })
}

// ctxT is a per-step deadline so no client call can hang a test.
func ctxT(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// overHTTPAndTLS runs test as subtests "http" and "tls", against a plain and
// a TLS test server.
func overHTTPAndTLS(t *testing.T, test func(t *testing.T, opts ...emulator.TestOption)) {
	t.Run("http", func(t *testing.T) { test(t) })
	t.Run("tls", func(t *testing.T) { test(t, emulator.WithTLS()) })
}

// createBucket creates a bucket through the test server's own client.
func createBucket(t *testing.T, ts *emulator.TestServer, bucket string) {
	t.Helper()
	_, err := ts.Client.CreateBucket(ctxT(t, 30*time.Second), &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err, "CreateBucket %s", bucket)
}

// stored reads an object straight from the server's store: the independent
// witness of what a client under test stored, which needs no signature (and
// so still works after a test moved the server's clock).
func stored(t *testing.T, ts *emulator.TestServer, bucket, key string) []byte {
	t.Helper()
	_, rc, err := store.GetObject(ctxT(t, 60*time.Second), ts.Server.Store(), bucket, key, nil)
	require.NoError(t, err, "store GetObject %s/%s", bucket, key)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return b
}

// randomBytes returns n reproducible pseudo-random bytes for the seed.
func randomBytes(n int, seed uint64) []byte {
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), byte(seed >> 24), 's', '3'})
	b := make([]byte, n)
	_, _ = r.Read(b)
	return b
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// writeTemp writes b to a file in a fresh temporary directory.
func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

// caBundle writes the TLS test server's certificate as a PEM file, for
// clients outside the process (AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS). The
// certificate is taken from a handshake made with the server's own trusted
// client configuration, so it is exactly what the clients will be shown.
func caBundle(t *testing.T, ts *emulator.TestServer) string {
	t.Helper()
	u, err := url.Parse(ts.URL)
	require.NoError(t, err)
	tr, ok := ts.HTTPClient.Transport.(*http.Transport)
	require.True(t, ok, "test server HTTP client transport is %T", ts.HTTPClient.Transport)
	require.NotNil(t, tr.TLSClientConfig, "test server is not TLS")
	cfg := tr.TLSClientConfig.Clone()
	d := tls.Dialer{Config: cfg}
	conn, err := d.DialContext(ctxT(t, 10*time.Second), "tcp", u.Host)
	require.NoError(t, err)
	defer conn.Close()
	chain := conn.(*tls.Conn).ConnectionState().PeerCertificates
	require.NotEmpty(t, chain)
	var out []byte
	for _, c := range chain {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return writeTemp(t, "ca.pem", out)
}
