package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Memory is a Store that keeps everything in memory. Object bytes live in a
// gofakes3 s3mem backend; the S3 fields s3mem has no place for (metadata
// headers, checksum, multipart ETag and part sizes) travel as one encoded
// record inside s3mem's per-object metadata map, so they are replaced
// together with the bytes under s3mem's lock. Buckets' regions, bucket
// configurations and multipart uploads are kept beside it.
type Memory struct {
	clock   Clock
	objects *s3mem.Backend

	// mu guards buckets and everything hanging off them. Bucket creation and
	// deletion hold it across the s3mem call, so a bucket cannot disappear
	// while an upload is being added to it. Every change to an object
	// (commit, delete) holds it too, so a PutCondition judged under it
	// still holds when the commit lands.
	mu      sync.Mutex
	buckets map[string]*memBucket
}

type memBucket struct {
	info    BucketInfo
	configs map[string][]byte
	uploads map[string]*memUpload
}

type memUpload struct {
	info  UploadInfo
	parts map[int]memPart
}

type memPart struct {
	info PartInfo
	data []byte
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty in-memory store.
func NewMemory(opts ...Option) *Memory {
	o := applyOptions(opts)
	return &Memory{
		clock:   o.clock,
		objects: s3mem.New(s3mem.WithTimeSource(timeSource{o.clock}), s3mem.WithVersionSeed(0)),
		buckets: make(map[string]*memBucket),
	}
}

// timeSource lends our clock to s3mem.
type timeSource struct{ Clock }

func (t timeSource) Since(at time.Time) time.Duration { return t.Now().Sub(at) }

func (m *Memory) now() time.Time { return m.clock.Now().UTC() }

// CreateBucket creates an empty bucket.
func (m *Memory) CreateBucket(_ context.Context, name, region string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.buckets[name]; ok {
		return ErrBucketExists
	}
	if err := m.objects.CreateBucket(name); err != nil {
		return fromS3mem(err)
	}
	m.buckets[name] = &memBucket{
		info:    BucketInfo{Name: name, CreationDate: m.now(), Region: region},
		configs: make(map[string][]byte),
		uploads: make(map[string]*memUpload),
	}
	return nil
}

// BucketInfo describes a bucket.
func (m *Memory) BucketInfo(_ context.Context, name string) (BucketInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[name]
	if !ok {
		return BucketInfo{}, ErrNoSuchBucket
	}
	return b.info, nil
}

// ListBuckets returns all buckets sorted by name.
func (m *Memory) ListBuckets(context.Context) ([]BucketInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]BucketInfo, 0, len(m.buckets))
	for _, b := range m.buckets {
		out = append(out, b.info)
	}
	slices.SortFunc(out, func(a, b BucketInfo) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// DeleteBucket removes an empty bucket with its configurations.
func (m *Memory) DeleteBucket(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[name]
	if !ok {
		return ErrNoSuchBucket
	}
	if len(b.uploads) > 0 {
		return ErrBucketNotEmpty
	}
	if err := m.objects.DeleteBucket(name); err != nil {
		return fromS3mem(err)
	}
	delete(m.buckets, name)
	return nil
}

// PutBucketConfig stores a bucket sub-resource document.
func (m *Memory) PutBucketConfig(_ context.Context, bucket, name string, doc []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[bucket]
	if !ok {
		return ErrNoSuchBucket
	}
	b.configs[name] = bytes.Clone(doc)
	return nil
}

// GetBucketConfig returns a bucket sub-resource document.
func (m *Memory) GetBucketConfig(_ context.Context, bucket, name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[bucket]
	if !ok {
		return nil, ErrNoSuchBucket
	}
	doc, ok := b.configs[name]
	if !ok {
		return nil, ErrNoSuchBucketConfig
	}
	return bytes.Clone(doc), nil
}

// DeleteBucketConfig removes a bucket sub-resource document; removing an
// absent one succeeds, as S3's DELETE ?cors does.
func (m *Memory) DeleteBucketConfig(_ context.Context, bucket, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[bucket]
	if !ok {
		return ErrNoSuchBucket
	}
	delete(b.configs, name)
	return nil
}

// PutObject reads body whole, then, if cond holds, replaces the object and
// its metadata.
func (m *Memory) PutObject(ctx context.Context, bucket, key string, meta ObjectMeta, cond PutCondition, body io.Reader) (ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return ObjectInfo{}, err
	}
	if ok, _ := m.objects.BucketExists(bucket); !ok {
		return ObjectInfo{}, ErrNoSuchBucket // do not read a body that cannot be stored
	}
	data, sum, err := readAllMD5(body)
	if err != nil {
		return ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return ObjectInfo{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.commit(bucket, key, cond, data, memRecord{ETag: quotedETag(sum), Meta: cloneMeta(meta)})
}

// commit stores data under key with rec if cond holds for the key's
// current object; rec.LastModified is set here. The caller holds m.mu.
func (m *Memory) commit(bucket, key string, cond PutCondition, data []byte, rec memRecord) (ObjectInfo, error) {
	if err := m.checkCondition(bucket, key, cond); err != nil {
		return ObjectInfo{}, err
	}
	rec.LastModified = m.now()
	enc, err := rec.encode()
	if err != nil {
		return ObjectInfo{}, err
	}
	_, err = m.objects.PutObject(bucket, key, map[string]string{recordKey: enc}, bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		return ObjectInfo{}, fromS3mem(err)
	}
	return rec.info(bucket, key, int64(len(data))), nil
}

// checkCondition judges cond against the key's object; the caller holds m.mu.
func (m *Memory) checkCondition(bucket, key string, cond PutCondition) error {
	if cond == (PutCondition{}) {
		return nil
	}
	cur, err := m.HeadObject(context.Background(), bucket, key)
	switch {
	case errors.Is(err, ErrNoSuchKey):
		return cond.Check(nil)
	case err != nil:
		return err
	}
	return cond.Check(&cur)
}

// HeadObject describes an object.
func (m *Memory) HeadObject(_ context.Context, bucket, key string) (ObjectInfo, error) {
	obj, err := m.objects.HeadObject(bucket, key)
	if err != nil {
		return ObjectInfo{}, fromS3mem(err)
	}
	return objectInfo(bucket, obj)
}

// GetObject returns an object and a reader over rng, clamped to its size.
func (m *Memory) GetObject(_ context.Context, bucket, key string, rng *Range) (ObjectInfo, io.ReadCloser, error) {
	var req *gofakes3.ObjectRangeRequest
	if rng != nil {
		req = &gofakes3.ObjectRangeRequest{Start: max(rng.Start, 0), End: max(rng.Start, 0) + rng.Length - 1}
	}
	obj, err := m.objects.GetObject(bucket, key, req)
	if req != nil && gofakes3.HasErrorCode(err, gofakes3.ErrInvalidRange) {
		// The range starts at or past the end: an empty slice of the object.
		if obj, err = m.objects.HeadObject(bucket, key); err == nil {
			obj.Contents = io.NopCloser(bytes.NewReader(nil))
		}
	}
	if err != nil {
		return ObjectInfo{}, nil, fromS3mem(err)
	}
	info, err := objectInfo(bucket, obj)
	if err != nil {
		return ObjectInfo{}, nil, err
	}
	return info, obj.Contents, nil
}

// DeleteObject removes an object; an absent key is not an error.
func (m *Memory) DeleteObject(_ context.Context, bucket, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, err := m.objects.DeleteObject(bucket, key)
	return fromS3mem(err)
}

// ListObjects returns one page of the bucket's keys.
func (m *Memory) ListObjects(_ context.Context, bucket string, opts ListOptions) (ListResult, error) {
	if ok, _ := m.objects.BucketExists(bucket); !ok {
		return ListResult{}, ErrNoSuchBucket
	}
	var listErr error
	res := listPage(opts, m.keys(bucket, opts, &listErr), func(key string) (ObjectInfo, bool) {
		info, err := m.HeadObject(context.Background(), bucket, key)
		return info, err == nil
	})
	return res, listErr
}

// keys walks s3mem's sorted key index in batches. s3mem's own listing is
// used only as that: its delimiter handling trims leading delimiters from
// keys, and its pages can repeat a common prefix, so listPage does the S3
// part.
func (m *Memory) keys(bucket string, opts ListOptions, errp *error) iter.Seq[string] {
	const batch = 256
	prefix := &gofakes3.Prefix{Prefix: opts.Prefix, HasPrefix: opts.Prefix != ""}
	return func(yield func(string) bool) {
		marker := opts.After
		for {
			page, err := m.objects.ListBucket(bucket, prefix, gofakes3.ListBucketPage{Marker: marker, HasMarker: marker != "", MaxKeys: batch})
			if err != nil {
				*errp = fromS3mem(err)
				return
			}
			for _, c := range page.Contents {
				if !yield(c.Key) {
					return
				}
			}
			if !page.IsTruncated || len(page.Contents) == 0 {
				return
			}
			marker = page.Contents[len(page.Contents)-1].Key
		}
	}
}

// recordKey is the s3mem metadata entry holding our memRecord. It is the
// only entry we ever write, so s3mem's habit of carrying old metadata
// entries over on overwrite has nothing to carry.
const recordKey = "X-Stricts3-Record"

// memRecord is what the memory store keeps beside an object's bytes.
type memRecord struct {
	ETag          string
	LastModified  time.Time
	Meta          ObjectMeta
	PartSizes     []int64
	PartChecksums []string
}

// encode uses gob rather than JSON because gob keeps strings byte for byte.
func (r memRecord) encode() (string, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(r); err != nil {
		return "", fmt.Errorf("store: encode object record: %w", err)
	}
	return buf.String(), nil
}

func (r memRecord) info(bucket, key string, size int64) ObjectInfo {
	return cloneInfo(ObjectInfo{
		Bucket:        bucket,
		Key:           key,
		Size:          size,
		ETag:          r.ETag,
		LastModified:  r.LastModified,
		Meta:          r.Meta,
		PartSizes:     r.PartSizes,
		PartChecksums: r.PartChecksums,
	})
}

func objectInfo(bucket string, obj *gofakes3.Object) (ObjectInfo, error) {
	rec, err := decodeRecord(obj)
	if err != nil {
		return ObjectInfo{}, err
	}
	return rec.info(bucket, obj.Name, obj.Size), nil
}

func decodeRecord(obj *gofakes3.Object) (memRecord, error) {
	var rec memRecord
	if err := gob.NewDecoder(bytes.NewReader([]byte(obj.Metadata[recordKey]))).Decode(&rec); err != nil {
		return memRecord{}, fmt.Errorf("store: decode object record of %q: %w", obj.Name, err)
	}
	return rec, nil
}

// fromS3mem maps s3mem's errors onto the store's.
func fromS3mem(err error) error {
	switch {
	case err == nil:
		return nil
	case gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchBucket):
		return ErrNoSuchBucket
	case gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchKey):
		return ErrNoSuchKey
	case gofakes3.HasErrorCode(err, gofakes3.ErrBucketNotEmpty):
		return ErrBucketNotEmpty
	case gofakes3.HasErrorCode(err, gofakes3.ErrBucketAlreadyExists):
		return ErrBucketExists
	}
	return fmt.Errorf("store: %w", err)
}

// readAllMD5 reads r to EOF, hashing as it goes (see etagHasher). Any error but EOF is
// returned as is (a verification failure is an *s3err.Error the emulator
// must see unwrapped) and the bytes are dropped.
func readAllMD5(r io.Reader) ([]byte, []byte, error) {
	var buf bytes.Buffer
	e := newETagHasher(r)
	if _, err := buf.ReadFrom(e.reader(r)); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), e.sum(), nil
}
