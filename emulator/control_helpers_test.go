package emulator

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// controlServer is a Server as `stricts3 serve` builds it, on an
// OffsetClock, with the OffsetClock's base a ManualClock so tests know the
// exact time. ts carries what the test helpers (do, signing) need.
type controlServer struct {
	ts    *TestServer
	base  *ManualClock
	clock *OffsetClock
	log   *s3test.LockedBuffer
}

// controlT0 is the base clock's fixed time.
var controlT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newControlServer(t *testing.T, opts Options) *controlServer {
	t.Helper()
	base := NewManualClock(controlT0)
	clock := NewOffsetClock(base)
	if opts.Credentials == nil {
		opts.Credentials = verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey})
	}
	opts.Clock = clock
	logs := &s3test.LockedBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	srv, err := New(opts)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &controlServer{
		ts: &TestServer{
			URL: hs.URL, Region: srv.Region(), AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey,
			Server: srv, HTTPClient: hs.Client(),
		},
		base: base, clock: clock, log: logs,
	}
}

// signed returns a request for path signed by creds at the server's time.
func (cs *controlServer) signed(t *testing.T, method, path string, creds aws.Credentials) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, cs.ts.URL+path, nil)
	require.NoError(t, err)
	s3test.SignRequest(t, req, nil, creds, cs.ts.Region, cs.clock.Now())
	return req
}

func (cs *controlServer) owner() aws.Credentials {
	return aws.Credentials{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}
}

// call sends an owner-signed control request and decodes its JSON answer.
func (cs *controlServer) call(t *testing.T, method, path string, out any) {
	t.Helper()
	resp, body := do(t, cs.ts, cs.signed(t, method, path, cs.owner()))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.NoError(t, json.NewDecoder(bytes.NewReader(body)).Decode(out))
}
