package store

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// RemoteConfig says where NewRemote keeps its data: an S3-compatible
// endpoint (AWS, Ceph RGW, SeaweedFS, Garage, MinIO, another strictS3).
type RemoteConfig struct {
	// Endpoint is the backend's base URL, e.g. "http://minio:9000"; empty
	// means AWS's endpoint for Region.
	Endpoint string
	// Region is the region the backend signs in; default us-east-1.
	Region string
	// Credentials are the backend's own keys, never a client's.
	Credentials aws.CredentialsProvider
	// BucketPrefix is put in front of every bucket name, so several
	// strictS3 tenants can share one backend namespace.
	BucketPrefix string
	// Timeout bounds every backend call that moves no object bytes, and the
	// wait for the backend's answer (and any pause in the bytes) of those
	// that do; default DefaultRemoteTimeout.
	Timeout time.Duration
	// ConditionalWrites says who judges a PutCondition; see
	// RemoteConditionalWrites.
	ConditionalWrites RemoteConditionalWrites
	// RollUpLocally lists keys in order and applies the delimiter here,
	// for backends whose delimiter listings are wrong (gofakes3); slower
	// on deep trees, since every key under a common prefix is read.
	RollUpLocally bool
	// HTTPClient overrides the client the backend is called with (tests).
	HTTPClient *http.Client
	// SpoolDir holds the bytes of a body whose length is not known before
	// it is read (the backend needs a length); default os.TempDir().
	SpoolDir string
}

// RemoteConditionalWrites says who judges If-None-Match / If-Match writes.
type RemoteConditionalWrites int

const (
	// ConditionalWritesBackend sends the condition to the backend, which
	// judges it atomically with the write: two strictS3 processes on one
	// backend still let exactly one concurrent creator win. NewRemote
	// refuses a backend that ignores conditions on PutObject or
	// CompleteMultipartUpload (ErrBackendConditionalWrites).
	ConditionalWritesBackend RemoteConditionalWrites = iota
	// ConditionalWritesProcess judges conditions in this process, under a
	// lock per key: exact for writers in one process, but two processes
	// on one backend may both win a race. For backends without
	// conditional writes (gofakes3, older MinIO, SeaweedFS).
	ConditionalWritesProcess
)

// DefaultRemoteTimeout bounds a backend call when RemoteConfig.Timeout is 0.
const DefaultRemoteTimeout = 30 * time.Second

// sidecarBucketName is the backend bucket (after the prefix) that holds
// what the backend has no place for; a client cannot create or see it.
const sidecarBucketName = "stricts3-sidecars"

// ErrBackendConditionalWrites is returned by NewRemote when the backend
// accepted a write its If-None-Match should have refused.
var ErrBackendConditionalWrites = errors.New("store: the backend does not judge conditional writes")

// ErrBackendUnusable is returned by NewRemote when the start-up probe
// fails: wrong credentials, an unreachable endpoint, missing permissions.
var ErrBackendUnusable = errors.New("store: the backend cannot be used")

type remoteStore struct {
	client  *s3.Client
	cfg     RemoteConfig
	clock   Clock
	backend string // the endpoint, for diagnoses
	sidecar string // the sidecar bucket's backend name

	// keyLocks serialise writes of one key when conditions are judged in
	// the process (ConditionalWritesProcess) and tag updates.
	keyLocks keyLocks
	// nullVersions answers the Versions methods: the backend's own
	// versioning is not mapped, so each key has one object.
	nullVersions
}

var _ Store = (*remoteStore)(nil)

// NewRemote returns a Store whose buckets, objects and multipart uploads
// live in an S3-compatible backend, so any number of strictS3 processes
// on that backend serve one shared S3. It probes the backend first (list
// buckets, create the sidecar bucket, and with ConditionalWritesBackend a
// conditional write and complete) and returns ErrBackendUnusable or
// ErrBackendConditionalWrites, naming the cause, when it cannot be used.
//
// What the backend carries natively and what by sidecar: bytes, content
// headers and user metadata are the backend object's own; strictS3's
// ETag, LastModified (stamped by this process's clock), checksum, tag
// set, storage class and multipart part sizes travel as one record in
// the object's x-amz-meta-stricts3 entry, or, when that would push the
// metadata over S3's 2 KB or the object is multipart, in an immutable
// sidecar object the entry names. Bucket regions, bucket configurations,
// upload metadata and part checksums are sidecar objects.
func NewRemote(ctx context.Context, cfg RemoteConfig, opts ...Option) (Store, error) {
	o := applyOptions(opts)
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultRemoteTimeout
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{Transport: remoteTransport(cfg.Timeout)}
	}
	s3opts := s3.Options{
		Region:       cfg.Region,
		Credentials:  cfg.Credentials,
		UsePathStyle: true,
		HTTPClient:   httpClient,
		// A failed call becomes 503 SlowDown for the client, whose SDK
		// retries; retrying here too would multiply the wait past Timeout,
		// and a streamed body cannot be replayed.
		Retryer:                    aws.NopRetryer{},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	backend := cfg.Endpoint
	if backend != "" {
		s3opts.BaseEndpoint = aws.String(cfg.Endpoint)
	} else {
		backend = "s3." + cfg.Region + ".amazonaws.com"
	}
	r := &remoteStore{
		client:  s3.New(s3opts),
		cfg:     cfg,
		clock:   o.clock,
		backend: backend,
		sidecar: cfg.BucketPrefix + sidecarBucketName,
	}
	r.nullVersions = nullVersions{r}
	if err := r.probe(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// remoteTransport bounds connecting and waiting for the backend's answer;
// a paused body is bounded by idleReader.
func remoteTransport(timeout time.Duration) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = timeout
	t.ResponseHeaderTimeout = timeout
	t.MaxIdleConnsPerHost = 64
	return t
}

// backendName maps a client's bucket name to the backend's.
func (r *remoteStore) backendName(bucket string) string { return r.cfg.BucketPrefix + bucket }

// call runs fn with the per-call deadline.
func (r *remoteStore) call(ctx context.Context, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	return fn(ctx)
}

// keyLocks is a lock per bucket/key, created on demand and dropped when
// nobody holds or waits for it.
type keyLocks struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	users int
}

func (k *keyLocks) lock(name string) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = make(map[string]*keyLock)
	}
	l := k.locks[name]
	if l == nil {
		l = &keyLock{}
		k.locks[name] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.locks, name)
		}
		k.mu.Unlock()
	}
}

// judgesInProcess says whether this process judges conditions: then
// every write of a key, conditional or not, commits under the key's lock,
// since the backend ignores the If-Match that would keep a tag update from
// landing on bytes written meanwhile.
func (r *remoteStore) judgesInProcess() bool {
	return r.cfg.ConditionalWrites == ConditionalWritesProcess
}
