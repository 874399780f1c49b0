package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// badRequestID sends a PUT signed with a wrong secret to ts and returns
// its request id.
func badRequestID(t *testing.T, ts *emulator.TestServer) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, ts.URL+"/bucket/key", strings.NewReader("x"))
	require.NoError(t, err)
	s3test.SignRequest(t, req, []byte("x"), aws.Credentials{AccessKeyID: ts.AccessKeyID, SecretAccessKey: "wrong"}, ts.Region, ts.Clock.Now())
	resp, err := ts.HTTPClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	return resp.Header.Get("X-Amz-Request-Id")
}

func TestExplain_Server_PrintsTheRecordedRequest(t *testing.T) {
	ts := emulator.NewTestServer(t)
	id := badRequestID(t, ts)

	var out bytes.Buffer
	err := run(t.Context(), []string{"explain", "--server", ts.URL, "--request-id", id}, &out, &bytes.Buffer{}, envMap(nil))
	assert.Equal(t, exitRejected, exitCode(err))
	text := out.String()
	for _, want := range []string{
		"== Request " + id, "PUT /bucket/key", "== Authentication: sigv4-header", "Access key: " + ts.AccessKeyID,
		"== CanonicalRequest\nPUT\n/bucket/key\n", "== StringToSign\nAWS4-HMAC-SHA256\n",
		"REJECTED: 403 SignatureDoesNotMatch", "Causes:\n  - " + verifier.CauseWrongSecret + ":",
	} {
		assert.Contains(t, text, want)
	}

	out.Reset()
	err = run(t.Context(), []string{"explain", "--json", "--server", ts.URL, "--request-id=" + id}, &out, &bytes.Buffer{}, envMap(nil))
	assert.Equal(t, exitRejected, exitCode(err))
	var rec emulator.InspectedRequest
	require.NoError(t, json.Unmarshal(out.Bytes(), &rec), out.String())
	assert.Equal(t, id, rec.ID)
	assert.Equal(t, "SignatureDoesNotMatch", rec.Code)
	assert.NotEmpty(t, rec.CanonicalRequest)
}

func TestExplain_Server_AcceptedRequestExitsZero_ServerFromEnvironment(t *testing.T) {
	ts := emulator.NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "fine")
	var list struct {
		Requests []emulator.InspectedRequest `json:"requests"`
	}
	resp, err := http.Get(ts.URL + "/_stricts3/requests")
	require.NoError(t, err)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&list))
	resp.Body.Close()
	require.Len(t, list.Requests, 1)

	var out bytes.Buffer
	err = run(t.Context(), []string{"explain", "--request-id", list.Requests[0].ID}, &out, &bytes.Buffer{}, envMap(map[string]string{"AWS_ENDPOINT_URL": ts.URL}))
	require.NoError(t, err)
	assert.Contains(t, out.String(), "OK: accepted")
}

func TestExplain_Server_Errors(t *testing.T) {
	ts := emulator.NewTestServer(t)
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"explain", "--server", ts.URL, "--request-id", "NOSUCHID"}, &bytes.Buffer{}, &stderr, envMap(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "400")
	assert.Contains(t, err.Error(), "not among")

	for _, args := range [][]string{
		{"explain", "--request-id", "X"},
		{"explain", "--server", "ftp://x", "--request-id", "X"},
		{"explain", "--server", ts.URL, "--request-id", "X", "http://extra"},
	} {
		err := run(t.Context(), args, &bytes.Buffer{}, &bytes.Buffer{}, envMap(nil))
		assert.Equal(t, exitUsage, exitCode(err), args)
	}
}

// Against `serve --tls`, explain trusts the CA that serve printed as
// AWS_CA_BUNDLE, read from the same environment as the endpoint.
func TestExplain_Server_OverTLS_TrustsTheCABundle(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--tls")
	_, err := sdkClient(t, s.vars).CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("tls")})
	require.NoError(t, err)
	client, err := httpsClient(s.vars["AWS_CA_BUNDLE"])
	require.NoError(t, err)
	resp, err := client.Get(s.vars["AWS_ENDPOINT_URL"] + "/tls/missing")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)

	var out bytes.Buffer
	err = run(t.Context(), []string{"explain", "--request-id", resp.Header.Get("X-Amz-Request-Id")}, &out, &bytes.Buffer{}, envMap(s.vars))
	assert.Equal(t, exitRejected, exitCode(err), "%v", err)
	assert.Contains(t, out.String(), "REJECTED: 403 AccessDenied")
	assert.Contains(t, out.String(), "  - anonymous:")
	require.NoError(t, s.stop())
}

func TestExplainsRecorded(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"--server", "http://x", "--request-id", "A"}, true},
		{[]string{"-request-id=A"}, true},
		{[]string{"http://x/b/k"}, false},
		{[]string{"--json", "--", "curl", "--server", "x"}, false},
	} {
		assert.Equal(t, tc.want, explainsRecorded(tc.args), tc.args)
	}
}
