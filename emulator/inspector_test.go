package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// getJSON GETs a control path unsigned (the inspector takes no signature)
// and decodes the answer.
func getJSON(t *testing.T, ts *TestServer, path string, out any) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	require.NoError(t, err)
	resp, body := do(t, ts, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.NoError(t, json.Unmarshal(body, out), "%s", body)
	return body
}

// wrongSecretPut is a PUT signed with the right key id and a wrong secret.
func wrongSecretPut(t *testing.T, ts *TestServer, key string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, ts.URL+"/insp/"+key, strings.NewReader("data"))
	require.NoError(t, err)
	s3test.SignRequest(t, req, []byte("data"), aws.Credentials{AccessKeyID: ts.AccessKeyID, SecretAccessKey: "not-the-secret"}, ts.Region, ts.Clock.Now())
	return req
}

func TestInspector_SignatureMismatch_ListedWithCodeAndCauses_DetailHasCanonicalRequestNeverComputedSignature(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "insp")
	bad := wrongSecretPut(t, ts, "k")
	// What the server computes for this request: it must appear nowhere.
	ex := ts.Server.verifier.Explain(bad.Clone(bad.Context()))
	require.NotEmpty(t, ex.Expected)
	resp, _ := do(t, ts, bad)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	id := resp.Header.Get("X-Amz-Request-Id")

	var list requestList
	raw := getJSON(t, ts, "/_stricts3/requests", &list)
	require.Len(t, list.Requests, 2, "CreateBucket and the PUT; control requests are not recorded")
	assert.Equal(t, DefaultInspectorSize, list.Capacity)
	got := list.Requests[0]
	assert.Equal(t, id, got.ID, "newest first")
	assert.Equal(t, "PutObject", got.Operation)
	assert.Equal(t, http.MethodPut, got.Method)
	assert.Equal(t, "/insp/k", got.Path)
	assert.Equal(t, ts.AccessKeyID, got.AccessKeyID)
	assert.Equal(t, http.StatusForbidden, got.Status)
	assert.Equal(t, "SignatureDoesNotMatch", got.Code)
	require.NotEmpty(t, got.Causes)
	assert.Equal(t, verifier.CauseWrongSecret, got.Causes[0].ID)
	assert.Empty(t, got.CanonicalRequest, "the list leaves the long texts to the detail")
	assert.Equal(t, "CreateBucket", list.Requests[1].Operation)
	assert.Equal(t, string(verifier.AuthSigV4Header), list.Requests[1].Auth)
	assert.Empty(t, list.Requests[1].Code)

	var detail InspectedRequest
	rawDetail := getJSON(t, ts, "/_stricts3/requests/"+id, &detail)
	assert.Equal(t, ex.CanonicalRequest, detail.CanonicalRequest)
	assert.Equal(t, ex.StringToSign, detail.StringToSign)
	assert.True(t, strings.HasPrefix(detail.StringToSign, "AWS4-HMAC-SHA256\n"))
	assert.NotEmpty(t, detail.Diagnosis)
	for _, body := range [][]byte{raw, rawDetail} {
		assert.NotContains(t, string(body), ex.Expected)
		assert.NotContains(t, string(body), ts.SecretAccessKey)
	}
}

func TestInspector_RejectedFilterAndLimit(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "insp")
	s3test.MustPutObject(t, ts.Client, "insp", "ok", "x")
	do(t, ts, wrongSecretPut(t, ts, "bad1"))
	s3test.MustPutObject(t, ts.Client, "insp", "ok2", "x")
	do(t, ts, wrongSecretPut(t, ts, "bad2"))

	var all, rejected, newest requestList
	getJSON(t, ts, "/_stricts3/requests", &all)
	getJSON(t, ts, "/_stricts3/requests?rejected=true", &rejected)
	getJSON(t, ts, "/_stricts3/requests?limit=1", &newest)
	assert.Len(t, all.Requests, 5)
	require.Len(t, rejected.Requests, 2)
	assert.Equal(t, "/insp/bad2", rejected.Requests[0].Path)
	assert.Equal(t, "/insp/bad1", rejected.Requests[1].Path)
	require.Len(t, newest.Requests, 1)
	assert.Equal(t, "/insp/bad2", newest.Requests[0].Path)
}

func TestInspector_RingKeepsTheNewest_OlderIdsAreGone(t *testing.T) {
	ts := NewTestServer(t, WithOptions(func(o *Options) { o.InspectorSize = 3 }))
	var ids []string
	for range 5 {
		resp, _ := do(t, ts, wrongSecretPut(t, ts, "k"))
		ids = append(ids, resp.Header.Get("X-Amz-Request-Id"))
	}
	var list requestList
	getJSON(t, ts, "/_stricts3/requests", &list)
	require.Len(t, list.Requests, 3)
	assert.Equal(t, 3, list.Capacity)
	assert.Equal(t, []string{ids[4], ids[3], ids[2]}, []string{list.Requests[0].ID, list.Requests[1].ID, list.Requests[2].ID})

	req, err := http.NewRequest(http.MethodGet, ts.URL+"/_stricts3/requests/"+ids[0], nil)
	require.NoError(t, err)
	resp, body := do(t, ts, req)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "InvalidArgument", parseError(t, body).Code)
}

func TestInspector_Access(t *testing.T) {
	cases := []struct {
		name     string
		access   InspectorAccess
		peer     string
		wantCode int
	}{
		{"loopback admits 127.0.0.1", InspectorLoopback, "127.0.0.1:5000", http.StatusOK},
		{"loopback admits ::1", InspectorLoopback, "[::1]:5000", http.StatusOK},
		{"loopback refuses another peer (Docker bridge)", InspectorLoopback, "172.17.0.1:5000", http.StatusForbidden},
		{"open admits any peer", InspectorOpen, "203.0.113.9:5000", http.StatusOK},
		{"off refuses loopback", InspectorOff, "127.0.0.1:5000", http.StatusForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := New(Options{
				Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}),
				Inspector:   tc.access,
			})
			require.NoError(t, err)
			for _, path := range []string{"/_stricts3/", "/_stricts3/requests", "/_stricts3/report"} {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.RemoteAddr, req.Host = tc.peer, "127.0.0.1:9000"
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				assert.Equal(t, tc.wantCode, rec.Code, "%s: %s", path, rec.Body)
				if tc.wantCode == http.StatusForbidden {
					assert.Contains(t, rec.Body.String(), "<Code>AccessDenied</Code>")
					assert.Contains(t, rec.Header().Get("X-Stricts3-Diagnosis"), "inspector")
				}
			}
		})
	}
}

func TestInspector_Off_RecordsNothing(t *testing.T) {
	ts := NewTestServer(t, WithOptions(func(o *Options) { o.Inspector = InspectorOff }))
	do(t, ts, wrongSecretPut(t, ts, "k"))
	assert.Nil(t, ts.Server.inspector)
}

func TestInspector_SessionTokensAreRedacted(t *testing.T) {
	const token = "FQoGZXIvYXdzEXAMPLESESSIONTOKENVALUE"
	ts := NewTestServer(t, WithCredentials(verifier.Credential{
		AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "temp-secret", SessionToken: token,
	}))
	s3test.MustCreateBucket(t, ts.Client, "insp")
	creds := aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "temp-secret", SessionToken: token}

	// A pre-signed URL carries the token in its query, which SigV4 signs;
	// signed with a wrong secret, it is refused with its canonical request.
	get, err := http.NewRequest(http.MethodGet, ts.URL+"/insp/missing?X-Amz-Expires=60", nil)
	require.NoError(t, err)
	wrong := creds
	wrong.SecretAccessKey = "wrong"
	u := s3test.PresignURL(t, get, wrong, ts.Region, ts.Clock.Now())
	require.Contains(t, u, "X-Amz-Security-Token")
	presigned, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	do(t, ts, presigned)
	// Header auth signs x-amz-security-token as a header; a wrong secret
	// makes it a rejected request, the one users open.
	put, err := http.NewRequest(http.MethodPut, ts.URL+"/insp/k", strings.NewReader("x"))
	require.NoError(t, err)
	s3test.SignRequest(t, put, []byte("x"), aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "wrong", SessionToken: token}, ts.Region, ts.Clock.Now())
	do(t, ts, put)

	var list requestList
	raw := string(getJSON(t, ts, "/_stricts3/requests", &list))
	require.Len(t, list.Requests, 3)
	assert.NotContains(t, raw, token)
	assert.Contains(t, list.Requests[1].Query, "X-Amz-Security-Token="+redacted)
	for _, e := range list.Requests[:2] {
		var detail InspectedRequest
		body := string(getJSON(t, ts, "/_stricts3/requests/"+e.ID, &detail))
		assert.NotContains(t, body, token)
		assert.NotEmpty(t, detail.CanonicalRequest)
		assert.Contains(t, detail.CanonicalRequest, redacted)
	}
}

func TestInspector_Page_ServedWithScriptPolicy(t *testing.T) {
	ts := NewTestServer(t)
	for path, wantType := range map[string]string{
		"/_stricts3/":              "text/html; charset=utf-8",
		"/_stricts3/inspector.js":  "text/javascript; charset=utf-8",
		"/_stricts3/inspector.css": "text/css; charset=utf-8",
	} {
		req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		require.NoError(t, err)
		resp, body := do(t, ts, req)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.Equal(t, wantType, resp.Header.Get("Content-Type"), path)
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'", path)
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), path)
		assert.NotEmpty(t, body, path)
	}
}

func TestInspector_LongTextsAreClipped(t *testing.T) {
	ts := NewTestServer(t)
	long := strings.Repeat("a", 3*maxInspectedShort)
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/insp/"+long, nil)
	require.NoError(t, err)
	req.Header.Set("X-Amz-Meta-Big", strings.Repeat("b", 2*maxInspectedText))
	s3test.SignRequest(t, req, nil, aws.Credentials{AccessKeyID: ts.AccessKeyID, SecretAccessKey: "wrong"}, ts.Region, ts.Clock.Now())
	do(t, ts, req)
	e := ts.Server.inspector.recent(false, 1)[0]
	assert.LessOrEqual(t, len(e.Path), maxInspectedShort+32)
	assert.LessOrEqual(t, len(e.CanonicalRequest), maxInspectedText+32)
	assert.Contains(t, e.CanonicalRequest, "more bytes]")
}

func TestIsLoopbackPeer(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:1": true, "127.8.9.1:1": true, "[::1]:1": true, "[::ffff:127.0.0.1]:1": true,
		"10.0.0.1:1": false, "[2001:db8::1]:1": false, "garbage": false, "": false,
	} {
		assert.Equal(t, want, isLoopbackPeer(addr), addr)
	}
}

// The clock the entries carry is the server's (a test clock set years
// back shows that time), so they line up with signing times.
func TestInspector_TimeIsTheServerClock(t *testing.T) {
	ts := NewTestServer(t)
	at := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	ts.Clock.Set(at)
	do(t, ts, wrongSecretPut(t, ts, "k"))
	assert.Equal(t, at, ts.Server.inspector.recent(false, 1)[0].Time)
}

func TestRedact(t *testing.T) {
	assert.Equal(t, "a=1&X-Amz-Security-Token=<redacted>&x-amz-security-token=<redacted>&b",
		redactQuery("a=1&X-Amz-Security-Token=abc&x-amz-security-token=def&b"))
	assert.Equal(t, "a=1&b=2", redactQuery("a=1&b=2"))
	assert.Equal(t, "X-Amz-Security%2DToken=<redacted>&x%2Damz-security-token=<redacted>",
		redactQuery("X-Amz-Security%2DToken=abc&x%2Damz-security-token=def"), "an escaped name is still the token's")
	assert.Equal(t, "X-Amz-Security-Token&X-Amz-Security-Tokens=1", redactQuery("X-Amz-Security-Token&X-Amz-Security-Tokens=1"))
	canonical := "GET\n/b/k\nX-Amz-Security-Token=tok%2F\nhost:h\nx-amz-security-token:tok/\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD"
	assert.Equal(t, "GET\n/b/k\nX-Amz-Security-Token=<redacted>\nhost:h\nx-amz-security-token:<redacted>\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD",
		redactCanonicalRequest(canonical))
	assert.True(t, containsFold("xX-AMZ-security-TOKENx", securityTokenName))
	assert.False(t, containsFold("x-amz-security-toke", securityTokenName))
}

// Requests are recorded while the page reads: the ring stays consistent
// and holds exactly its capacity (run with -race).
func TestInspector_ConcurrentRecordAndRead(t *testing.T) {
	srv, err := New(Options{
		Credentials:   verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}),
		InspectorSize: 50,
	})
	require.NoError(t, err)
	serve := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Host, req.RemoteAddr = "127.0.0.1:9000", "127.0.0.1:5000"
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 100 {
				serve("/bucket/key")
			}
		}()
		go func() {
			defer wg.Done()
			for range 20 {
				assert.Equal(t, http.StatusOK, serve("/_stricts3/requests?rejected=true").Code)
			}
		}()
	}
	wg.Wait()
	var list requestList
	require.NoError(t, json.Unmarshal(serve("/_stricts3/requests").Body.Bytes(), &list))
	assert.Len(t, list.Requests, 50)
	seen := map[string]bool{}
	for _, e := range list.Requests {
		assert.False(t, seen[e.ID], "each request once")
		seen[e.ID] = true
		assert.Equal(t, "NoSuchBucket", e.Code, "anonymous, and the bucket does not exist")
	}
}

// A refusal other than SignatureDoesNotMatch (here an expired URL) still
// shows what was signed; an accepted request keeps no signing texts.
func TestInspector_ExpiredURL_HasSigningTexts_AcceptedHasNone(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "insp")
	get, err := http.NewRequest(http.MethodGet, ts.URL+"/insp/k?X-Amz-Expires=60", nil)
	require.NoError(t, err)
	u := s3test.PresignURL(t, get, testCreds(ts), ts.Region, ts.Clock.Now())
	ts.Clock.Advance(2 * time.Minute)
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	resp, _ := do(t, ts, req)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)

	recent := ts.Server.inspector.recent(false, 2)
	expired, created := recent[0], recent[1]
	assert.Equal(t, "AccessDenied", expired.Code)
	assert.Equal(t, string(verifier.AuthSigV4Query), expired.Auth)
	assert.True(t, strings.HasPrefix(expired.CanonicalRequest, "GET\n/insp/k\n"), expired.CanonicalRequest)
	assert.True(t, strings.HasPrefix(expired.StringToSign, "AWS4-HMAC-SHA256\n"), expired.StringToSign)
	assert.Equal(t, "CreateBucket", created.Operation)
	assert.Empty(t, created.CanonicalRequest)
	assert.Empty(t, created.StringToSign)
}
