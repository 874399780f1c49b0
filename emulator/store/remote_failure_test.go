package store_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

func TestNewRemote_WrongBackendCredentials_IsAStartUpErrorNamingTheBackend(t *testing.T) {
	endpoint := newStrictS3Backend(t)
	cfg := remoteConfig(endpoint, store.ConditionalWritesBackend)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(backendKeyID, "not-the-secret", "")
	_, err := store.NewRemote(context.Background(), cfg)
	require.ErrorIs(t, err, store.ErrBackendUnusable)
	assert.Contains(t, err.Error(), endpoint)
	assert.Contains(t, err.Error(), "ListBuckets")
	assert.NotContains(t, err.Error(), "not-the-secret", "a secret never shows in an error")
}

func TestNewRemote_BackendWithoutConditionalCompletes_IsRefusedUnlessJudgedInProcess(t *testing.T) {
	endpoint := newGofakes3Backend(t)
	_, err := store.NewRemote(context.Background(), remoteConfig(endpoint, store.ConditionalWritesBackend))
	require.ErrorIs(t, err, store.ErrBackendConditionalWrites)
	assert.Contains(t, err.Error(), "CompleteMultipartUpload")
	assert.Contains(t, err.Error(), "--backend-conditional-writes=process")

	_, err = store.NewRemote(context.Background(), remoteConfig(endpoint, store.ConditionalWritesProcess))
	require.NoError(t, err)
}

// stallingBackend forwards to a strictS3 until stall is closed... or,
// once stalled is set, holds every request without answering.
type stallingBackend struct {
	next    http.Handler
	stalled chan struct{} // closed: hold requests
	release chan struct{} // closed at cleanup
}

func (s *stallingBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select {
	case <-s.stalled:
		<-s.release
		return
	default:
	}
	s.next.ServeHTTP(w, r)
}

func TestRemote_SlowBackend_IsSlowDownNamingTheBackendWithinTheTimeout(t *testing.T) {
	endpoint := newStrictS3Backend(t)
	proxyTarget, err := http.NewRequest(http.MethodGet, endpoint, nil)
	require.NoError(t, err)
	stall := &stallingBackend{next: reverseProxy(proxyTarget.URL.Host), stalled: make(chan struct{}), release: make(chan struct{})}
	hs := httptest.NewServer(stall)
	t.Cleanup(func() { close(stall.release); hs.Close() })

	cfg := remoteConfig(hs.URL, store.ConditionalWritesBackend)
	cfg.Timeout = 300 * time.Millisecond
	s, err := store.NewRemote(context.Background(), cfg)
	require.NoError(t, err)
	require.NoError(t, s.CreateBucket(context.Background(), "bkt", "us-east-1"))
	close(stall.stalled)

	start := time.Now()
	_, err = s.HeadObject(context.Background(), "bkt", "k")
	assertSlowDown(t, err, hs.URL)
	assert.Less(t, time.Since(start), 5*time.Second, "bounded by the timeout, never a hang")

	_, err = s.PutObject(context.Background(), "bkt", "k", store.ObjectMeta{}, store.PutCondition{}, sized("abc"))
	assertSlowDown(t, err, hs.URL)
}

func TestRemote_UnreachableBackend_IsSlowDownNamingTheBackend(t *testing.T) {
	endpoint := newStrictS3Backend(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	proxy := &http.Server{Handler: reverseProxy(strings.TrimPrefix(endpoint, "http://"))}
	go proxy.Serve(ln)

	cfg := remoteConfig("http://"+addr, store.ConditionalWritesBackend)
	cfg.Timeout = time.Second
	s, err := store.NewRemote(context.Background(), cfg)
	require.NoError(t, err)
	require.NoError(t, proxy.Close())

	_, err = s.ListBuckets(context.Background())
	assertSlowDown(t, err, addr)
}

func assertSlowDown(t *testing.T, err error, backend string) {
	t.Helper()
	e, ok := s3err.As(err)
	require.True(t, ok, "an S3 error, got %v", err)
	assert.Equal(t, s3err.SlowDown, e.Code)
	assert.Equal(t, http.StatusServiceUnavailable, e.Status)
	assert.Contains(t, e.Diagnosis, backend, "the diagnosis names the backend")
}

// sizedReader is a request body that declares its length, as a verified
// body does, and may fail at its end as a failed verification does.
type sizedReader struct {
	r    *strings.Reader
	size int64
	fail error
}

func sized(s string) *sizedReader { return &sizedReader{r: strings.NewReader(s), size: int64(len(s))} }

func (b *sizedReader) ExpectedSize() int64 { return b.size }

func (b *sizedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && b.fail != nil {
		return n, b.fail
	}
	return n, err
}

func TestRemote_BodyFailingAtItsEnd_LeavesTheBackendObjectIntact(t *testing.T) {
	ctx := context.Background()
	s := newRemoteFactory(newStrictS3Backend(t), store.ConditionalWritesBackend)(t, wallClock{})
	require.NoError(t, s.CreateBucket(ctx, "bkt", "us-east-1"))
	_, err := s.PutObject(ctx, "bkt", "k", store.ObjectMeta{}, store.PutCondition{}, sized("first"))
	require.NoError(t, err)

	failing := errors.New("signature mismatch at EOF")
	for name, body := range map[string]*sizedReader{
		"fails at the end":    {r: strings.NewReader(strings.Repeat("x", 100<<10)), size: 100 << 10, fail: failing},
		"empty and failing":   {r: strings.NewReader(""), size: 0, fail: failing},
		"longer than stated":  {r: strings.NewReader("too long"), size: 3},
		"shorter than stated": {r: strings.NewReader("ab"), size: 3},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.PutObject(ctx, "bkt", "k", store.ObjectMeta{}, store.PutCondition{}, body)
			require.Error(t, err)
			_, got := getString(t, s, "k")
			assert.Equal(t, "first", got, "the previous object stays")
		})
	}
}

func getString(t *testing.T, s store.Store, key string) (store.ObjectInfo, string) {
	t.Helper()
	info, rc, err := store.GetObject(context.Background(), s, "bkt", key, nil)
	require.NoError(t, err)
	defer rc.Close()
	var b strings.Builder
	_, err = io.Copy(&b, rc)
	require.NoError(t, err)
	return info, b.String()
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }
