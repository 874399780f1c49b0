package store

import (
	"cmp"
	"context"
	"io"
	"slices"
	"sync"
)

// Memory is a Store that keeps everything in memory, as plain Go values:
// an object is its info and its bytes (see chunks), both immutable once
// committed, so a write replaces the pair under the lock and readers keep
// whichever pair they opened. Bytes are allocated once at a body's
// declared size (SizedBody; 64 MiB at a time beyond that), hashed at most once (not at all for a
// HashedBody), and served without copying. A delete or overwrite drops the
// store's only reference, so the memory goes back to the Go heap as soon
// as the last reader of that version is done, and to the operating system
// once enough was dropped (see releaseThreshold).
type Memory struct {
	// sideKeeper holds bucket configurations and multipart uploads.
	sideKeeper

	// mu guards buckets and everything hanging off them. Every change to
	// an object (commit, delete, tagging) holds it for writing, so a
	// PutCondition judged under it still holds when the commit lands.
	// Bodies are read without it.
	mu      sync.RWMutex
	buckets map[string]*memBucket
}

type memBucket struct {
	bucketSide
	// objects holds each key's versions, newest first (see chain).
	objects map[string][]*memObject
	keys    []string // sorted keys of objects
}

func memInfo(o *memObject) *ObjectInfo { return &o.info }

// chain returns key's versions; the caller holds m.mu.
func (b *memBucket) chain(key string) chain[*memObject] {
	return chain[*memObject]{versions: b.objects[key], info: memInfo}
}

// setChain stores key's versions after a change, dropping a key left
// without any.
func (b *memBucket) setChain(key string, c chain[*memObject]) {
	setVersions(b.objects, &b.keys, key, c.versions)
}

// memObject is one committed version. Neither field changes after the
// commit; OpenObject hands out the pointer, Info clones.
type memObject struct {
	info ObjectInfo
	data chunks
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty in-memory store.
func NewMemory(opts ...Option) *Memory {
	o := applyOptions(opts)
	m := &Memory{buckets: make(map[string]*memBucket)}
	m.sideKeeper = sideKeeper{clock: o.clock, mu: &m.mu, side: func(name string) (*bucketSide, error) {
		b, err := m.bucket(name)
		if err != nil {
			return nil, err
		}
		return &b.bucketSide, nil
	}, sideChangesNothing: true}
	return m
}

// bucket looks a bucket up; the caller holds m.mu.
func (m *Memory) bucket(name string) (*memBucket, error) {
	b, ok := m.buckets[name]
	if !ok {
		return nil, ErrNoSuchBucket
	}
	return b, nil
}

// CreateBucket creates an empty bucket.
func (m *Memory) CreateBucket(_ context.Context, name, region string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.buckets[name]; ok {
		return ErrBucketExists
	}
	m.buckets[name] = &memBucket{
		bucketSide: newBucketSide(BucketInfo{Name: name, CreationDate: m.now(), Region: region}),
		objects:    make(map[string][]*memObject),
	}
	return nil
}

// BucketInfo describes a bucket.
func (m *Memory) BucketInfo(_ context.Context, name string) (BucketInfo, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	b, err := m.bucket(name)
	if err != nil {
		return BucketInfo{}, err
	}
	return b.info, nil
}

// ListBuckets returns all buckets sorted by name.
func (m *Memory) ListBuckets(context.Context) ([]BucketInfo, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
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
	b, err := m.bucket(name)
	if err != nil {
		return err
	}
	if len(b.objects) > 0 || len(b.uploads) > 0 {
		return ErrBucketNotEmpty
	}
	delete(m.buckets, name)
	return nil
}

// PutObject reads body whole (see readChunks), then, if cond holds,
// replaces the object and its metadata.
func (m *Memory) PutObject(ctx context.Context, bucket, key string, meta ObjectMeta, cond PutCondition, body io.Reader) (ObjectInfo, error) {
	data, sum, err := readBody(ctx, func() error { return checkBucketAndKey(ctx, m, bucket, key) }, body)
	if err != nil {
		return ObjectInfo{}, err
	}
	defer m.release()
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.commit(bucket, key, cond, &memObject{
		info: ObjectInfo{ETag: quotedETag(sum), Meta: cloneMeta(meta)},
		data: data,
	})
}

// commit makes obj the key's object if cond holds for the current one,
// filling in the info fields the store owns. The caller holds m.mu for
// writing.
func (m *Memory) commit(bucket, key string, cond PutCondition, obj *memObject) (ObjectInfo, error) {
	b, err := m.bucket(bucket)
	if err != nil {
		return ObjectInfo{}, err
	}
	c := b.chain(key)
	if err := cond.Check(c.currentInfo()); err != nil {
		return ObjectInfo{}, err
	}
	obj.info.Bucket, obj.info.Key = bucket, key
	obj.info.Size = obj.data.size()
	obj.info.LastModified = m.now()
	for _, old := range c.add(obj, b.info.Versioning) {
		m.drop(old.info.Size)
	}
	b.setChain(key, c)
	return cloneInfo(obj.info), nil
}

// object finds a key's current version; the caller holds m.mu.
func (m *Memory) object(bucket, key string) (*memBucket, *memObject, error) {
	b, err := m.bucket(bucket)
	if err != nil {
		return nil, nil, err
	}
	obj, err := b.chain(key).current()
	if err != nil {
		return nil, nil, err
	}
	return b, obj, nil
}

// HeadObject describes an object.
func (m *Memory) HeadObject(_ context.Context, bucket, key string) (ObjectInfo, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, obj, err := m.object(bucket, key)
	if err != nil {
		return ObjectInfo{}, err
	}
	return cloneInfo(obj.info), nil
}

// OpenObject returns the key's current version. It needs no lock after
// this call: the version is immutable, and a later write replaces it in the
// map rather than changing it.
func (m *Memory) OpenObject(_ context.Context, bucket, key string) (Object, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, obj, err := m.object(bucket, key)
	if err != nil {
		return nil, err
	}
	return obj, nil
}

// Info describes the version.
func (o *memObject) Info() ObjectInfo { return cloneInfo(o.info) }

// Reader serves rng from the stored slices; readers never interfere, so
// unlike the Object contract's minimum several may run at once.
func (o *memObject) Reader(rng *Range) (io.Reader, error) { return o.data.reader(rng), nil }

// Close does nothing: the garbage collector frees a version once no store
// map and no reader refers to it.
func (o *memObject) Close() error { return nil }

// SetObjectTagging replaces the object's version by one with the new tag
// set and the same bytes (shared, not copied), ETag and LastModified.
func (m *Memory) SetObjectTagging(_ context.Context, bucket, key, tagging string) (ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, obj, err := m.object(bucket, key)
	if err != nil {
		return ObjectInfo{}, err
	}
	return b.remeta(key, 0, obj, func(m *ObjectMeta) { m.Tagging = tagging }), nil
}

// remeta replaces version i of key, obj, by a copy whose metadata change
// applied to; the bytes are shared, not copied.
func (b *memBucket) remeta(key string, i int, obj *memObject, change func(*ObjectMeta)) ObjectInfo {
	next := &memObject{info: cloneInfo(obj.info), data: obj.data}
	change(&next.info.Meta)
	vs := slices.Clone(b.objects[key])
	vs[i] = next
	b.objects[key] = vs
	return cloneInfo(next.info)
}

// DeleteObject removes an object, or adds a delete marker on a versioned
// bucket; an absent key is not an error.
func (m *Memory) DeleteObject(ctx context.Context, bucket, key string) error {
	_, err := m.DeleteObjectVersion(ctx, bucket, key, "")
	return err
}

// ListObjects returns one page of the bucket's keys.
func (m *Memory) ListObjects(_ context.Context, bucket string, opts ListOptions) (ListResult, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return ListResult{}, err
	}
	start, _ := slices.BinarySearch(b.keys, max(opts.After, opts.Prefix))
	return listPage(opts, slices.Values(b.keys[start:]), func(key string) (ObjectInfo, bool) {
		obj, err := b.chain(key).current()
		if err != nil {
			return ObjectInfo{}, false
		}
		return cloneInfo(obj.info), true
	}), nil
}
