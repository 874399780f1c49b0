package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/emulator/cors"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

func TestControlHealth_Unauthenticated_ReportsVersionUptimeStore(t *testing.T) {
	cs := newControlServer(t, Options{})
	resp, body := do(t, cs.ts, mustRequest(t, http.MethodGet, cs.ts.URL+"/_stricts3/health"))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var h healthReport
	require.NoError(t, json.Unmarshal(body, &h))
	assert.Equal(t, "ok", h.Status)
	assert.NotEmpty(t, h.Version)
	assert.GreaterOrEqual(t, h.UptimeSeconds, 0.0)
	assert.Equal(t, "memory", h.Store)
	assert.Equal(t, "us-east-1", h.Region)
	assert.Equal(t, controlT0, h.Time)
}

func TestControlHealth_DirectoryStore(t *testing.T) {
	dir, err := store.NewDir(t.TempDir())
	require.NoError(t, err)
	cs := newControlServer(t, Options{Store: dir})
	resp, body := do(t, cs.ts, mustRequest(t, http.MethodGet, cs.ts.URL+"/_stricts3/health"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `"store": "directory"`)
}

// The reason the clock endpoints exist: a suite outside Go pre-signs a URL,
// moves the server's clock past its expiry, and sees S3's answer.
func TestControlClock_AdvancePastPresignedExpiry_ThenReset(t *testing.T) {
	cs := newControlServer(t, Options{})
	require.NoError(t, cs.ts.Server.Store().CreateBucket(context.Background(), "clocked", "us-east-1"))
	get, err := http.NewRequest(http.MethodGet, cs.ts.URL+"/clocked?X-Amz-Expires=900", nil)
	require.NoError(t, err)
	url := s3test.PresignURL(t, get, cs.owner(), cs.ts.Region, cs.clock.Now())
	resp, body := do(t, cs.ts, mustRequest(t, http.MethodGet, url))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)

	var rep clockReport
	cs.call(t, http.MethodPost, "/_stricts3/clock/advance?duration=16m", &rep)
	assert.Equal(t, controlT0.Add(16*time.Minute), rep.Now)
	assert.Equal(t, 960.0, rep.OffsetSeconds)
	assert.True(t, rep.Adjustable)

	resp, body = do(t, cs.ts, mustRequest(t, http.MethodGet, url))
	e := s3test.RequireEnvelope(t, resp, body, http.StatusForbidden)
	assert.Equal(t, "Request has expired", e.Message)

	cs.call(t, http.MethodPost, "/_stricts3/clock/reset", &rep)
	assert.Equal(t, controlT0, rep.Now)
	assert.Zero(t, rep.OffsetSeconds)
	resp, _ = do(t, cs.ts, mustRequest(t, http.MethodGet, url))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestControlClock_SetAndRead(t *testing.T) {
	cs := newControlServer(t, Options{})
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	var rep clockReport
	cs.call(t, http.MethodPost, "/_stricts3/clock/set?time=2030-01-02T03:04:05Z", &rep)
	assert.Equal(t, at, rep.Now)
	assert.Equal(t, at, cs.clock.Now())

	// Reading is open: a client needs the server's time to sign once the
	// clock is more than 15 minutes off.
	resp, body := do(t, cs.ts, mustRequest(t, http.MethodGet, cs.ts.URL+"/_stricts3/clock"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.Unmarshal(body, &rep))
	assert.Equal(t, at, rep.Now)
	assert.Equal(t, "20300102T030405Z", rep.AmzDate)
	assert.Equal(t, at.Sub(controlT0).Seconds(), rep.OffsetSeconds)
}

func TestControl_StateChangesRequireOwnerSigV4(t *testing.T) {
	reader := access.Policy{{Effect: access.Allow, Actions: []string{"s3:*"}, Resources: []string{"*"}}}
	cs := newControlServer(t, Options{Credentials: verifier.NewStaticCredentials(
		verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey},
		verifier.Credential{AccessKeyID: "AKIAPOLICYEXAMPLE", SecretAccessKey: "policy-secret", Allow: reader.Allow},
	)})
	policyKey := aws.Credentials{AccessKeyID: "AKIAPOLICYEXAMPLE", SecretAccessKey: "policy-secret"}
	const path = "/_stricts3/clock/advance?duration=1h"
	tests := []struct {
		name           string
		req            func(t *testing.T) *http.Request
		status         int
		code, diagnose string
	}{
		{"anonymous", func(t *testing.T) *http.Request { return mustRequest(t, http.MethodPost, cs.ts.URL+path) },
			http.StatusForbidden, "AccessDenied", "owner key"},
		{"key with a policy", func(t *testing.T) *http.Request { return cs.signed(t, http.MethodPost, path, policyKey) },
			http.StatusForbidden, "AccessDenied", "AKIAPOLICYEXAMPLE has a policy"},
		{"wrong secret", func(t *testing.T) *http.Request {
			return cs.signed(t, http.MethodPost, path, aws.Credentials{AccessKeyID: TestAccessKeyID, SecretAccessKey: "wrong"})
		}, http.StatusForbidden, "SignatureDoesNotMatch", ""},
		{"signed an hour ago", func(t *testing.T) *http.Request {
			req := mustRequest(t, http.MethodPost, cs.ts.URL+path)
			s3test.SignRequest(t, req, nil, cs.owner(), cs.ts.Region, cs.clock.Now().Add(-time.Hour))
			return req
		}, http.StatusForbidden, "RequestTimeTooSkewed", ""},
		{"sigv2", func(t *testing.T) *http.Request {
			req := mustRequest(t, http.MethodPost, cs.ts.URL+path)
			req.Header.Set("Date", cs.clock.Now().Format(http.TimeFormat))
			req.Header.Set("Authorization", "AWS "+TestAccessKeyID+":"+s3test.SignV2Policy(TestSecretAccessKey,
				"POST\n\n\n"+req.Header.Get("Date")+"\n/_stricts3/clock/advance"))
			return req
		}, http.StatusForbidden, "AccessDenied", "SigV4"},
		{"with a body", func(t *testing.T) *http.Request {
			req, err := http.NewRequest(http.MethodPost, cs.ts.URL+path, strings.NewReader("x"))
			require.NoError(t, err)
			s3test.SignRequest(t, req, []byte("x"), cs.owner(), cs.ts.Region, cs.clock.Now())
			return req
		}, http.StatusBadRequest, "InvalidRequest", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, cs.ts, tc.req(t))
			e := s3test.RequireEnvelope(t, resp, body, tc.status)
			assert.Equal(t, tc.code, e.Code)
			assert.Contains(t, resp.Header.Get("X-Stricts3-Diagnosis"), tc.diagnose)
			assert.Zero(t, cs.clock.Offset(), "a refused request must not move the clock")
		})
	}
}

func TestControl_BadArguments_InvalidArgument(t *testing.T) {
	cs := newControlServer(t, Options{})
	for _, tc := range []struct{ path, name, value string }{
		{"/_stricts3/clock/advance?duration=16", "duration", "16"},
		{"/_stricts3/clock/advance", "duration", ""},
		{"/_stricts3/clock/set?time=tomorrow", "time", "tomorrow"},
	} {
		resp, body := do(t, cs.ts, cs.signed(t, http.MethodPost, tc.path, cs.owner()))
		s3test.RequireError(t, resp, body, http.StatusBadRequest, "InvalidArgument",
			"Invalid value for the "+tc.name+" parameter.", "ArgumentName", tc.name, "ArgumentValue", tc.value)
	}
	assert.Zero(t, cs.clock.Offset())
}

func TestControl_UnknownEndpointAndWrongMethod(t *testing.T) {
	cs := newControlServer(t, Options{})
	resp, body := do(t, cs.ts, mustRequest(t, http.MethodGet, cs.ts.URL+"/_stricts3/nope"))
	assert.Equal(t, "InvalidRequest", s3test.RequireEnvelope(t, resp, body, http.StatusBadRequest).Code)
	resp, body = do(t, cs.ts, mustRequest(t, http.MethodDelete, cs.ts.URL+"/_stricts3/health"))
	assert.Equal(t, "MethodNotAllowed", s3test.RequireEnvelope(t, resp, body, http.StatusMethodNotAllowed).Code)
}

// The reserved prefix never reaches a bucket, and a bucket's key that
// happens to start with it stays an ordinary key.
func TestControlPrefix_NeverABucket(t *testing.T) {
	cs := newControlServer(t, Options{})
	ctx := context.Background()
	st := cs.ts.Server.Store()
	require.NoError(t, st.CreateBucket(ctx, "photos", "us-east-1"))
	_, err := st.PutObject(ctx, "photos", "_stricts3/health", store.ObjectMeta{}, store.PutCondition{}, strings.NewReader("an object"))
	require.NoError(t, err)
	_, port, _ := strings.Cut(cs.ts.Host(), ":")

	// Path-style: creating the bucket reaches the control API, which has no such endpoint.
	resp, body := do(t, cs.ts, cs.signed(t, http.MethodPut, "/_stricts3", cs.owner()))
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
	// Virtual-hosted under the prefix's name: bucket "_stricts3", which cannot exist.
	req := cs.signed(t, http.MethodPut, "/", cs.owner())
	req.Host = "_stricts3.localhost:" + port
	resp, body = do(t, cs.ts, req)
	assert.NotEqual(t, http.StatusOK, resp.StatusCode, "%s", body)
	buckets, err := st.ListBuckets(ctx)
	require.NoError(t, err)
	require.Len(t, buckets, 1, "only photos exists")

	// Virtual-hosted photos: /_stricts3/health is the object's key.
	req = mustRequest(t, http.MethodGet, cs.ts.URL+"/_stricts3/health")
	req.Host = "photos.localhost:" + port
	s3test.SignRequest(t, req, nil, cs.owner(), cs.ts.Region, cs.clock.Now())
	resp, body = do(t, cs.ts, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Equal(t, "an object", string(body))
}

func TestControlClock_ManualClockIsNotAdjustable(t *testing.T) {
	ts := NewTestServer(t)
	req := mustRequest(t, http.MethodPost, ts.URL+"/_stricts3/clock/advance?duration=1m")
	s3test.SignRequest(t, req, nil, testCreds(ts), ts.Region, ts.Clock.Now())
	resp, body := do(t, ts, req)
	assert.Equal(t, "NotImplemented", s3test.RequireEnvelope(t, resp, body, http.StatusNotImplemented).Code)
}

func TestControlReset_DeletesEverythingThenRecreatesStartupBuckets(t *testing.T) {
	for name, newStore := range map[string]func(t *testing.T) store.Store{
		"memory": func(*testing.T) store.Store { return store.NewMemory() },
		"directory": func(t *testing.T) store.Store {
			dir, err := store.NewDir(t.TempDir())
			require.NoError(t, err)
			return dir
		},
	} {
		t.Run(name, func(t *testing.T) { testControlReset(t, newStore(t)) })
	}
}

func testControlReset(t *testing.T, st store.Store) {
	corsCfg, err := cors.Parse([]byte(`<CORSConfiguration><CORSRule><AllowedOrigin>http://app.test</AllowedOrigin><AllowedMethod>PUT</AllowedMethod></CORSRule></CORSConfiguration>`))
	require.NoError(t, err)
	cs := newControlServer(t, Options{Store: st, Buckets: []BucketSetup{{Name: "uploads", CORS: corsCfg}}})
	ctx := context.Background()
	require.NoError(t, st.CreateBucket(ctx, "scratch", "us-east-1"))
	for _, b := range []string{"uploads", "scratch"} {
		for _, k := range []string{"a", "b/c"} {
			_, err := st.PutObject(ctx, b, k, store.ObjectMeta{}, store.PutCondition{}, strings.NewReader("x"))
			require.NoError(t, err)
		}
	}
	_, err = st.CreateUpload(ctx, "scratch", "big", store.ObjectMeta{})
	require.NoError(t, err)
	require.NoError(t, st.DeleteBucketConfig(ctx, "uploads", corsConfigName))
	// Versions and delete markers are emptied too, and the bucket the
	// reset recreates starts unversioned.
	for _, b := range []string{"uploads", "scratch"} {
		require.NoError(t, st.SetBucketVersioning(ctx, b, store.VersioningEnabled))
		_, err = st.PutObject(ctx, b, "a", store.ObjectMeta{}, store.PutCondition{}, strings.NewReader("v2"))
		require.NoError(t, err)
		require.NoError(t, st.DeleteObject(ctx, b, "b/c"))
	}

	var rep resetReport
	cs.call(t, http.MethodPost, "/_stricts3/reset", &rep)
	assert.ElementsMatch(t, []string{"uploads", "scratch"}, rep.DeletedBuckets)
	assert.Equal(t, []string{"uploads"}, rep.RecreatedBuckets)

	buckets, err := st.ListBuckets(ctx)
	require.NoError(t, err)
	require.Len(t, buckets, 1)
	assert.Equal(t, "uploads", buckets[0].Name)
	list, err := st.ListObjects(ctx, "uploads", store.ListOptions{MaxKeys: 10})
	require.NoError(t, err)
	assert.Empty(t, list.Objects)
	doc, err := st.GetBucketConfig(ctx, "uploads", corsConfigName)
	require.NoError(t, err, "the start-up CORS configuration is back")
	assert.Equal(t, corsCfg.Marshal(), doc)
	info, err := st.BucketInfo(ctx, "uploads")
	require.NoError(t, err)
	assert.Empty(t, info.Versioning)
	versions, err := st.ListObjectVersions(ctx, "uploads", store.VersionListOptions{MaxKeys: 10})
	require.NoError(t, err)
	assert.Empty(t, versions.Versions)
}

func TestControlReset_OneBucket(t *testing.T) {
	cs := newControlServer(t, Options{})
	ctx := context.Background()
	st := cs.ts.Server.Store()
	for _, b := range []string{"keep", "drop"} {
		require.NoError(t, st.CreateBucket(ctx, b, "us-east-1"))
		_, err := st.PutObject(ctx, b, "k", store.ObjectMeta{}, store.PutCondition{}, strings.NewReader("x"))
		require.NoError(t, err)
	}
	var rep resetReport
	cs.call(t, http.MethodPost, "/_stricts3/reset?bucket=drop", &rep)
	assert.Equal(t, []string{"drop"}, rep.DeletedBuckets)
	_, err := st.HeadObject(ctx, "keep", "k")
	require.NoError(t, err)
	_, err = st.BucketInfo(ctx, "drop")
	require.ErrorIs(t, err, store.ErrNoSuchBucket)

	resp, body := do(t, cs.ts, cs.signed(t, http.MethodPost, "/_stricts3/reset?bucket=drop", cs.owner()))
	s3test.RequireError(t, resp, body, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", "BucketName", "drop")
}

func TestStartupBuckets_InvalidNameRefused_ExistingKept(t *testing.T) {
	_, err := New(Options{
		Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: "a", SecretAccessKey: "b"}),
		Buckets:     []BucketSetup{{Name: "Bad_Name"}},
	})
	require.ErrorContains(t, err, `start-up bucket "Bad_Name"`)

	st := store.NewMemory()
	ctx := context.Background()
	require.NoError(t, st.CreateBucket(ctx, "kept", "us-east-1"))
	_, err = st.PutObject(ctx, "kept", "k", store.ObjectMeta{}, store.PutCondition{}, strings.NewReader("x"))
	require.NoError(t, err)
	_, err = New(Options{
		Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: "a", SecretAccessKey: "b"}),
		Store:       st, Buckets: []BucketSetup{{Name: "kept"}, {Name: "fresh"}},
	})
	require.NoError(t, err)
	_, err = st.HeadObject(ctx, "kept", "k")
	require.NoError(t, err, "a bucket that exists keeps its objects")
	_, err = st.BucketInfo(ctx, "fresh")
	require.NoError(t, err)
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(nil))
	require.NoError(t, err)
	req.ContentLength = 0
	return req
}
