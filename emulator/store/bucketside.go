package store

import (
	"bytes"
	"context"
	"io"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// bucketSide is what the in-memory stores (Memory and the gofakes3
// adapter) keep for a bucket beside its objects: its info, sub-resource
// documents and multipart uploads. Its owner's lock guards it.
type bucketSide struct {
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
	data chunks
}

func newBucketSide(info BucketInfo) bucketSide {
	return bucketSide{info: info, configs: make(map[string][]byte), uploads: make(map[string]*memUpload)}
}

// releaseThreshold is how many bytes of dropped objects and parts make an
// in-memory store hand freed memory back to the operating system at once.
// Go returns freed heap to the OS only gradually, so without this a
// process that stored and deleted a gigabyte kept it resident for minutes
// (the issue this store answers measured 2.5 GiB after a 1 GiB DELETE).
// Forcing it costs a garbage collection, worth paying only for this much.
const releaseThreshold = 64 << 20

// memoryReturner counts the bytes a store has dropped (deleted or
// overwritten objects, discarded parts) and, past releaseThreshold, gives
// freed memory back to the OS.
type memoryReturner struct {
	dropped atomic.Int64
}

func (r *memoryReturner) drop(n int64) { r.dropped.Add(n) }

// release runs after the store's lock is released: the collection it may
// force must not hold up other requests' access to the store.
func (r *memoryReturner) release() {
	if r.dropped.Load() < releaseThreshold {
		return
	}
	r.dropped.Store(0)
	debug.FreeOSMemory()
}

// sideKeeper is the part of Store the in-memory stores share: bucket
// configurations and multipart uploads kept in bucketSide, found through
// side under mu. Each store embeds one and adds its own objects and
// CompleteUpload.
type sideKeeper struct {
	memoryReturner
	clock Clock
	mu    *sync.RWMutex
	// side finds a bucket's side state; the caller holds mu for writing
	// (the gofakes3 adapter adopts buckets it finds in its backend).
	side func(bucket string) (*bucketSide, error)
	// sideChangesNothing says that side only looks up, so readers may
	// call it under the read lock: authorization reads bucket
	// configurations on every request, which must not serialise them.
	sideChangesNothing bool
}

func (k *sideKeeper) now() time.Time { return k.clock.Now().UTC() }

// PutBucketConfig stores a bucket sub-resource document.
func (k *sideKeeper) PutBucketConfig(_ context.Context, bucket, name string, doc []byte) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, err := k.side(bucket)
	if err != nil {
		return err
	}
	b.configs[name] = bytes.Clone(doc)
	return nil
}

// GetBucketConfig returns a bucket sub-resource document: the stored one
// itself, which nothing writes to after PutBucketConfig copied it in.
// Authorization reads three documents on every request, and copying them
// was a third of its allocations.
func (k *sideKeeper) GetBucketConfig(_ context.Context, bucket, name string) ([]byte, error) {
	if k.sideChangesNothing {
		k.mu.RLock()
		defer k.mu.RUnlock()
	} else {
		k.mu.Lock()
		defer k.mu.Unlock()
	}
	b, err := k.side(bucket)
	if err != nil {
		return nil, err
	}
	doc, ok := b.configs[name]
	if !ok {
		return nil, ErrNoSuchBucketConfig
	}
	return doc, nil
}

// DeleteBucketConfig removes a bucket sub-resource document; removing an
// absent one succeeds, as S3's DELETE ?cors does.
func (k *sideKeeper) DeleteBucketConfig(_ context.Context, bucket, name string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, err := k.side(bucket)
	if err != nil {
		return err
	}
	delete(b.configs, name)
	return nil
}

// readBody reads a PutObject or UploadPart body (see readChunks) once
// ready says it can be stored, and returns it only if ctx is still live.
func readBody(ctx context.Context, ready func() error, body io.Reader) (chunks, []byte, error) {
	if err := ready(); err != nil {
		return nil, nil, err // do not read a body that cannot be stored
	}
	data, sum, err := readChunks(body)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, nil, err
	}
	return data, sum, nil
}

// checkBucketAndKey is PutObject's check before it reads a body: the key
// is one a store can hold and the bucket exists.
func checkBucketAndKey(ctx context.Context, s Store, bucket, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	_, err := s.BucketInfo(ctx, bucket)
	return err
}

// CreateUpload starts a multipart upload.
func (k *sideKeeper) CreateUpload(_ context.Context, bucket, key string, meta ObjectMeta) (UploadInfo, error) {
	if err := checkKey(key); err != nil {
		return UploadInfo{}, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	b, err := k.side(bucket)
	if err != nil {
		return UploadInfo{}, err
	}
	info := UploadInfo{Bucket: bucket, Key: key, UploadID: newUploadID(), Initiated: k.now(), Meta: cloneMeta(meta)}
	b.uploads[info.UploadID] = &memUpload{info: info, parts: make(map[int]memPart)}
	return uploadCopy(info), nil
}

// upload finds an upload; the caller holds mu for writing.
func (k *sideKeeper) upload(bucket, key, uploadID string) (*bucketSide, *memUpload, error) {
	b, err := k.side(bucket)
	if err != nil {
		return nil, nil, err
	}
	u, ok := b.uploads[uploadID]
	if !ok || u.info.Key != key {
		return nil, nil, ErrNoSuchUpload
	}
	return b, u, nil
}

// GetUpload describes an in-progress upload.
func (k *sideKeeper) GetUpload(_ context.Context, bucket, key, uploadID string) (UploadInfo, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, u, err := k.upload(bucket, key, uploadID)
	if err != nil {
		return UploadInfo{}, err
	}
	return uploadCopy(u.info), nil
}

// UploadPart reads body whole (see readChunks), then stores it as part
// partNumber, replacing any earlier part with that number.
func (k *sideKeeper) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, checksum *Checksum, body io.Reader) (PartInfo, error) {
	data, sum, err := readBody(ctx, func() error {
		_, err := k.GetUpload(ctx, bucket, key, uploadID)
		return err
	}, body)
	if err != nil {
		return PartInfo{}, err
	}
	defer k.release()
	k.mu.Lock()
	defer k.mu.Unlock()
	_, u, err := k.upload(bucket, key, uploadID)
	if err != nil {
		return PartInfo{}, err
	}
	info := PartInfo{PartNumber: partNumber, Size: data.size(), ETag: quotedETag(sum), LastModified: k.now(), Checksum: cloneChecksum(checksum)}
	if prev, ok := u.parts[partNumber]; ok {
		k.drop(prev.info.Size)
	}
	u.parts[partNumber] = memPart{info: info, data: data}
	return partCopy(info), nil
}

// ListParts returns an upload's parts sorted by part number.
func (k *sideKeeper) ListParts(_ context.Context, bucket, key, uploadID string) ([]PartInfo, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, u, err := k.upload(bucket, key, uploadID)
	if err != nil {
		return nil, err
	}
	return listedParts(u.parts, func(p memPart) PartInfo { return p.info }), nil
}

// ListUploads returns a bucket's in-progress uploads sorted by key, then
// initiation time.
func (k *sideKeeper) ListUploads(_ context.Context, bucket string) ([]UploadInfo, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, err := k.side(bucket)
	if err != nil {
		return nil, err
	}
	return listedUploads(b.uploads, func(u *memUpload) UploadInfo { return u.info }), nil
}

// AbortUpload discards an upload and its parts.
func (k *sideKeeper) AbortUpload(_ context.Context, bucket, key, uploadID string) error {
	defer k.release()
	k.mu.Lock()
	defer k.mu.Unlock()
	b, u, err := k.upload(bucket, key, uploadID)
	if err != nil {
		return err
	}
	for _, p := range u.parts {
		k.drop(p.info.Size)
	}
	delete(b.uploads, uploadID)
	return nil
}

// completeUpload checks the named parts of an upload and hands their bytes
// (shared, not copied) and sizes to commit, which makes the object; then
// the upload is removed. A failing part or commit leaves the upload. It
// runs under one hold of mu, as the Store contract asks.
func (k *sideKeeper) completeUpload(bucket, key, uploadID string, parts []CompletePart, commit func(data chunks, sizes []int64) (ObjectInfo, error)) (ObjectInfo, error) {
	defer k.release()
	k.mu.Lock()
	defer k.mu.Unlock()
	b, u, err := k.upload(bucket, key, uploadID)
	if err != nil {
		return ObjectInfo{}, err
	}
	var data chunks
	sizes := make([]int64, len(parts))
	for i, p := range parts {
		part, ok := u.parts[p.PartNumber]
		if !ok {
			return ObjectInfo{}, partMissing(p.PartNumber)
		}
		if err := partMatches(p, part.info); err != nil {
			return ObjectInfo{}, err
		}
		sizes[i] = part.info.Size
		data = append(data, part.data...)
	}
	info, err := commit(data, sizes)
	if err != nil {
		return ObjectInfo{}, err
	}
	for n, p := range u.parts {
		if !slices.ContainsFunc(parts, func(cp CompletePart) bool { return cp.PartNumber == n }) {
			k.drop(p.info.Size) // parts not named are discarded
		}
	}
	delete(b.uploads, uploadID)
	return info, nil
}
