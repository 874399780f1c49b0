package selfsigned

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenerate_ServerCertificate_VerifiesForLoopbackAndDomainNames(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	id, err := Generate(Options{Names: []string{"s3.test", "*.s3.test"}, Now: now})
	require.NoError(t, err)

	block, rest := pem.Decode(id.CAPEM)
	require.NotNil(t, block)
	assert.Empty(t, rest)
	ca, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.True(t, ca.IsCA)
	roots := x509.NewCertPool()
	roots.AddCert(ca)

	leaf := id.Certificate.Leaf
	require.NotNil(t, leaf)
	assert.False(t, leaf.IsCA, "the server certificate must not double as the authority")

	cases := []struct {
		name  string
		valid bool
	}{
		{"localhost", true},
		{"bucket.localhost", true},
		{"127.0.0.1", true},
		{"::1", true},
		{"s3.test", true},
		{"my-bucket.s3.test", true},
		{"example.com", false},
		{"a.b.localhost", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := leaf.Verify(x509.VerifyOptions{
				DNSName:     c.name,
				Roots:       roots,
				CurrentTime: now,
				KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			})
			if c.valid {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestGenerate_Validity_StartsAnHourEarlyAndEndsAfterValidity(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	id, err := Generate(Options{Now: now, Validity: 48 * time.Hour})
	require.NoError(t, err)
	assert.Equal(t, now.Add(-time.Hour), id.Certificate.Leaf.NotBefore.UTC())
	assert.Equal(t, now.Add(48*time.Hour), id.Certificate.Leaf.NotAfter.UTC())
	assert.Equal(t, now.Add(48*time.Hour), id.CA.NotAfter.UTC())
}

func TestGenerate_WithoutNow_IsAnError(t *testing.T) {
	_, err := Generate(Options{})
	assert.Error(t, err)
}

func TestGenerate_TLSHandshake_ClientTrustingCAPEMConnects(t *testing.T) {
	id, err := Generate(Options{Now: time.Now()})
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "hello")
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{id.Certificate}}
	srv.StartTLS()
	defer srv.Close()

	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(id.CAPEM))
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(body))
}

func TestLoadAuthority_SavedAuthority_IssuesCertificatesTheSameCAPEMVerifies(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	ca, err := NewAuthority(now, 365*24*time.Hour)
	require.NoError(t, err)
	keyPEM, err := ca.KeyPEM()
	require.NoError(t, err)

	loaded, err := LoadAuthority(ca.CertPEM, keyPEM)
	require.NoError(t, err)
	later := now.Add(100 * 24 * time.Hour)
	id, err := loaded.Issue(Options{Names: []string{"s3.test"}, Now: later})
	require.NoError(t, err)
	assert.Equal(t, ca.CertPEM, id.CAPEM, "clients keep trusting the file they already have")

	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(ca.CertPEM))
	_, err = id.Certificate.Leaf.Verify(x509.VerifyOptions{DNSName: "s3.test", Roots: roots, CurrentTime: later})
	assert.NoError(t, err)
}

func TestIssue_NeverOutlivesTheAuthority(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ca, err := NewAuthority(now, 10*24*time.Hour)
	require.NoError(t, err)
	id, err := ca.Issue(Options{Now: now.Add(5 * 24 * time.Hour), Validity: 30 * 24 * time.Hour})
	require.NoError(t, err)
	assert.Equal(t, ca.Certificate.NotAfter, id.Certificate.Leaf.NotAfter)
}

func TestLoadAuthority_LeafOrGarbage_IsAnError(t *testing.T) {
	id, err := Generate(Options{Now: time.Now()})
	require.NoError(t, err)
	leafPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Certificate.Certificate[0]})
	keyDER, err := x509.MarshalPKCS8PrivateKey(id.Certificate.PrivateKey)
	require.NoError(t, err)
	_, err = LoadAuthority(leafPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	assert.Error(t, err, "a server certificate is not an authority")
	_, err = LoadAuthority([]byte("garbage"), []byte("garbage"))
	assert.Error(t, err)
}
