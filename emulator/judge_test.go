package emulator_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

func TestJudge_DecidesAsTheServerWithoutRunningTheOperation(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	readOnly := verifier.Credential{AccessKeyID: "AKIAREADONLY", SecretAccessKey: "ro-secret",
		Allow: func(action, _, _ string) bool { return action == "s3:GetObject" }}
	srv, err := emulator.New(emulator.Options{Credentials: verifier.NewStaticCredentials(permOwner, readOnly), Clock: s3test.NewClock(now)})
	require.NoError(t, err)
	signed := func(cred verifier.Credential, method string) *http.Request {
		r := httptest.NewRequest(method, "http://127.0.0.1:9000/nobucket/k.txt", nil)
		s3test.SignRequest(t, r, nil, aws.Credentials{AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey}, "us-east-1", now)
		return r
	}
	cases := []struct {
		name    string
		r       *http.Request
		op      string
		code    s3err.Code
		cause   string
		details map[string]string
	}{
		{name: "owner GET", r: signed(permOwner, http.MethodGet), op: "GetObject"},
		{name: "read-only PUT", r: signed(readOnly, http.MethodPut), op: "PutObject", code: s3err.AccessDenied, cause: verifier.CauseAccessDenied,
			details: map[string]string{"access_key": "AKIAREADONLY", "action": "s3:PutObject", "resource": "arn:aws:s3:::nobucket/k.txt"}},
		{name: "anonymous GET", r: httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9000/nobucket/k.txt", nil), op: "GetObject",
			code: s3err.AccessDenied, cause: verifier.CauseAnonymous},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			op, err := srv.Judge(tc.r)
			assert.Equal(t, tc.op, op)
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			e, ok := s3err.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, tc.code, e.Code)
			require.Len(t, e.Causes, 1)
			assert.Equal(t, tc.cause, e.Causes[0].ID)
			for k, v := range tc.details {
				assert.Equal(t, v, e.Causes[0].Evidence[k])
			}
		})
	}
	_, err = srv.Store().BucketInfo(t.Context(), "nobucket")
	assert.Error(t, err, "judging creates nothing")
}

// The cause ids lead the diagnosis header, so a failing test's log names
// the mistake without the XML.
func TestDiagnosisHeader_CarriesCauseIDs(t *testing.T) {
	ts := emulator.NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "some-bucket") // anonymous to a missing bucket is NoSuchBucket
	resp, err := http.Get(ts.URL + "/some-bucket/k")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get(s3err.DiagnosisHeader), "[anonymous] "), resp.Header.Get(s3err.DiagnosisHeader))
}

// The log line names the causes too, for a test log read after the fact.
func TestLogLine_CarriesCauseIDs(t *testing.T) {
	var buf s3test.LockedBuffer
	srv, err := emulator.New(emulator.Options{Credentials: verifier.NewStaticCredentials(permOwner),
		Logger: slog.New(slog.NewTextHandler(&buf, nil)), Buckets: []emulator.BucketSetup{{Name: "bkt"}}})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9000/bkt/k", nil))
	assert.Equal(t, http.StatusForbidden, rec.Code)
	assert.Contains(t, buf.String(), "causes=anonymous")
}
