package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/internal/selfsigned"
)

// putAndGet stores body under bucket/key through the SDK and reads it back.
func putAndGet(t *testing.T, client *s3.Client, bucket, key, body string) string {
	t.Helper()
	ctx := t.Context()
	_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	require.NoError(t, err)
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(t, err)
	defer out.Body.Close()
	got, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return string(got)
}

func TestServe_PortZero_PrintsBoundAddressInUsableExportLine(t *testing.T) {
	env := map[string]string{
		"STRICTS3_ACCESS_KEY": "AKIDFROMENV",
		"STRICTS3_SECRET_KEY": "secret/from+env",
		"STRICTS3_REGION":     "eu-central-1",
	}
	s := startServe(t, env, "--addr", "127.0.0.1:0")

	endpoint := s.vars["AWS_ENDPOINT_URL"]
	u, err := url.Parse(endpoint)
	require.NoError(t, err)
	assert.Equal(t, "http", u.Scheme)
	assert.Equal(t, "127.0.0.1", u.Hostname())
	assert.NotEqual(t, "0", u.Port(), "the port actually bound must be printed, not the requested 0")
	assert.Equal(t, "AKIDFROMENV", s.vars["AWS_ACCESS_KEY_ID"])
	assert.Equal(t, "secret/from+env", s.vars["AWS_SECRET_ACCESS_KEY"])
	assert.Equal(t, "eu-central-1", s.vars["AWS_REGION"])
	assert.Equal(t, "eu-central-1", s.vars["AWS_DEFAULT_REGION"], "boto3 and the aws CLI v1 read only AWS_DEFAULT_REGION")
	assert.NotContains(t, s.vars, "AWS_CA_BUNDLE")
	assert.Contains(t, s.banner[0], endpoint)

	client := sdkClient(t, s.vars)
	// Outside us-east-1 S3 wants the region restated, as real S3 does.
	_, err = client.CreateBucket(t.Context(), &s3.CreateBucketInput{
		Bucket:                    aws.String("from-export-line"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(s.vars["AWS_REGION"])},
	})
	require.NoError(t, err)
	assert.Equal(t, "hello over http", putAndGet(t, client, "from-export-line", "greeting.txt", "hello over http"))

	require.NoError(t, s.stop())
}

func TestServe_TLS_GeneratedCAWrittenToCertOutIsTrustedBySDK(t *testing.T) {
	caPath := filepath.Join(t.TempDir(), "ca", "stricts3-ca.pem")
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--tls", "--cert-out", caPath)

	assert.True(t, strings.HasPrefix(s.vars["AWS_ENDPOINT_URL"], "https://127.0.0.1:"), s.vars["AWS_ENDPOINT_URL"])
	assert.Equal(t, caPath, s.vars["AWS_CA_BUNDLE"])
	assert.Contains(t, strings.Join(s.banner, "\n"), caPath, "the CA path is printed at start")

	client := sdkClient(t, s.vars)
	s3test.MustCreateBucket(t, client, "over-tls")
	list, err := client.ListBuckets(t.Context(), &s3.ListBucketsInput{})
	require.NoError(t, err)
	var names []string
	for _, b := range list.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	assert.Contains(t, names, "over-tls")
	// Over TLS the SDK streams aws-chunked bodies with a checksum trailer.
	assert.Equal(t, "hello over https", putAndGet(t, client, "over-tls", "greeting.txt", "hello over https"))

	// Without the CA the handshake fails: the server really speaks TLS with
	// a certificate no system root vouches for.
	_, err = http.Get(s.vars["AWS_ENDPOINT_URL"])
	var unknown x509.UnknownAuthorityError
	assert.ErrorAs(t, err, &unknown)
}

func TestServe_UserCertificate_ServedAsIsWithoutCABundleLine(t *testing.T) {
	dir := t.TempDir()
	id, err := selfsigned.Generate(selfsigned.Options{Now: time.Now()})
	require.NoError(t, err)
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	var chain []byte
	for _, der := range id.Certificate.Certificate {
		chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(id.Certificate.PrivateKey)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(certPath, chain, 0o600))
	require.NoError(t, os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))

	s := startServe(t, map[string]string{"STRICTS3_CERT": certPath, "STRICTS3_KEY": keyPath}, "--addr", "127.0.0.1:0")
	assert.True(t, strings.HasPrefix(s.vars["AWS_ENDPOINT_URL"], "https://"))
	assert.NotContains(t, s.vars, "AWS_CA_BUNDLE", "strictS3 does not know the CA of a user's certificate")

	caFile := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(caFile, id.CAPEM, 0o600))
	vars := map[string]string{}
	for k, v := range s.vars {
		vars[k] = v
	}
	vars["AWS_CA_BUNDLE"] = caFile
	s3test.MustCreateBucket(t, sdkClient(t, vars), "user-cert")
}

func TestServe_ContextCancel_InFlightRequestFinishesThenRunReturnsNil(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0")
	client := sdkClient(t, s.vars)
	s3test.MustCreateBucket(t, client, "graceful")

	const first, second = "half of the body, ", "and the rest after shutdown began"
	put := startInflightPut(t, client, "graceful", "slow.txt", int64(len(first+second)))
	_, err := io.WriteString(put.w, first)
	require.NoError(t, err)

	s.cancel() // SIGINT
	for line := range s.stderrLines {
		if strings.Contains(line, "shutting down") {
			break
		}
	}
	_, err = io.WriteString(put.w, second)
	require.NoError(t, err)
	require.NoError(t, put.w.Close())

	res := <-put.done
	require.NoError(t, res.err, "server log: %s", s.stderr.String())
	assert.Equal(t, http.StatusOK, res.status, "a request in flight at SIGINT completes")
	require.NoError(t, s.stop(), "graceful shutdown returns no error")

	_, err = net.Dial("tcp", strings.TrimPrefix(s.vars["AWS_ENDPOINT_URL"], "http://"))
	assert.Error(t, err, "the listener is closed after run returns")
}

func TestServe_DataDir_ObjectsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	first := startServe(t, map[string]string{"STRICTS3_DATA_DIR": dir}, "--addr", "127.0.0.1:0")
	assert.Contains(t, first.banner[0], dir)
	client := sdkClient(t, first.vars)
	s3test.MustCreateBucket(t, client, "kept")
	assert.Equal(t, "still here", putAndGet(t, client, "kept", "k", "still here"))
	require.NoError(t, first.stop())

	second := startServe(t, map[string]string{"STRICTS3_DATA_DIR": dir}, "--addr", "127.0.0.1:0")
	out, err := sdkClient(t, second.vars).GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("kept"), Key: aws.String("k")})
	require.NoError(t, err)
	defer out.Body.Close()
	got, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	assert.Equal(t, "still here", string(got))
}

func TestServe_JSONLogFormat_RequestLoggedAsJSON(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--log-format", "json")
	s3test.MustCreateBucket(t, sdkClient(t, s.vars), "logged")
	require.NoError(t, s.stop())

	var sawRequest bool
	for _, line := range strings.Split(strings.TrimSpace(s.stderr.String()), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), "every log line is JSON: %q", line)
		if strings.Contains(line, "logged") {
			sawRequest = true
		}
	}
	assert.True(t, sawRequest, "the CreateBucket request is logged: %s", s.stderr.String())
	assert.NotContains(t, s.stderr.String(), defaultSecretKey, "secrets are never logged")
}

func TestServe_AddressInUse_ReturnsErrorWithoutBanner(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()

	var stdout bytes.Buffer
	err = run(t.Context(), []string{"serve", "--addr", ln.Addr().String()}, &stdout, io.Discard, envMap(nil))
	require.Error(t, err)
	var opErr *net.OpError
	assert.True(t, errors.As(err, &opErr), "a listen error: %v", err)
	assert.Empty(t, stdout.String(), "nothing is announced when nothing listens")
}

func TestEndpointURL_WildcardListenAddressIsReachedOnLoopback(t *testing.T) {
	cases := []struct {
		addr string
		tls  bool
		want string
	}{
		{"127.0.0.1:9000", false, "http://127.0.0.1:9000"},
		{"0.0.0.0:9000", false, "http://127.0.0.1:9000"},
		{"[::]:9000", true, "https://127.0.0.1:9000"},
		{"[::1]:9443", true, "https://[::1]:9443"},
	}
	for _, c := range cases {
		addr, err := net.ResolveTCPAddr("tcp", c.addr)
		require.NoError(t, err)
		assert.Equal(t, c.want, endpointURL(addr, c.tls), c.addr)
	}
}

func TestServe_Domain_VirtualHostedBucketsAnswerUnderIt(t *testing.T) {
	s := startServe(t, map[string]string{"STRICTS3_DOMAIN": "s3.test"}, "--addr", "127.0.0.1:0")
	addr := strings.TrimPrefix(s.vars["AWS_ENDPOINT_URL"], "http://")
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	assert.Contains(t, strings.Join(s.banner, "\n"), "http://<bucket>.s3.test:"+port)

	client := sdkClient(t, s.vars)
	s3test.MustCreateBucket(t, client, "photos")
	s3test.MustPutObject(t, client, "photos", "cat.jpg", "meow")

	// Every *.s3.test name reaches the server, as a wildcard DNS entry would.
	dialer := &net.Dialer{}
	httpClient := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
	}}
	stdout, stderr, code := runCmd(t, nil, "presign", "get", "s3://photos/cat.jpg", "--path-style=false", "--endpoint", "http://s3.test:"+port)
	require.Equal(t, 0, code, stderr)
	sigV4 := strings.TrimSpace(stdout)
	require.True(t, strings.HasPrefix(sigV4, "http://photos.s3.test:"+port+"/cat.jpg?"), sigV4)
	sigV2 := sigV2QueryURL("photos.s3.test:"+port, "", "photos", "cat.jpg", time.Now().Add(time.Hour))

	for name, u := range map[string]string{"sigv4": sigV4, "sigv2": sigV2} {
		resp, err := httpClient.Get(u)
		require.NoError(t, err, name)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s %s", name, body, resp.Header.Get("X-Stricts3-Diagnosis"))
		assert.Equal(t, "meow", string(body), name)
	}
}
