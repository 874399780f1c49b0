package store

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
)

// CreateUpload starts a multipart upload.
func (m *Memory) CreateUpload(_ context.Context, bucket, key string, meta ObjectMeta) (UploadInfo, error) {
	if err := checkKey(key); err != nil {
		return UploadInfo{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[bucket]
	if !ok {
		return UploadInfo{}, ErrNoSuchBucket
	}
	info := UploadInfo{Bucket: bucket, Key: key, UploadID: newUploadID(), Initiated: m.now(), Meta: cloneMeta(meta)}
	b.uploads[info.UploadID] = &memUpload{info: info, parts: make(map[int]memPart)}
	return uploadCopy(info), nil
}

// upload finds an upload; the caller holds m.mu.
func (m *Memory) upload(bucket, key, uploadID string) (*memBucket, *memUpload, error) {
	b, ok := m.buckets[bucket]
	if !ok {
		return nil, nil, ErrNoSuchBucket
	}
	u, ok := b.uploads[uploadID]
	if !ok || u.info.Key != key {
		return nil, nil, ErrNoSuchUpload
	}
	return b, u, nil
}

// GetUpload describes an in-progress upload.
func (m *Memory) GetUpload(_ context.Context, bucket, key, uploadID string) (UploadInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, u, err := m.upload(bucket, key, uploadID)
	if err != nil {
		return UploadInfo{}, err
	}
	return uploadCopy(u.info), nil
}

// UploadPart reads body whole, then stores it as part partNumber,
// replacing any earlier part with that number.
func (m *Memory) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, checksum *Checksum, body io.Reader) (PartInfo, error) {
	m.mu.Lock()
	_, _, err := m.upload(bucket, key, uploadID)
	m.mu.Unlock()
	if err != nil {
		return PartInfo{}, err // do not read a body that cannot be stored
	}
	data, sum, err := readAllMD5(body)
	if err != nil {
		return PartInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return PartInfo{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	_, u, err := m.upload(bucket, key, uploadID)
	if err != nil {
		return PartInfo{}, err
	}
	info := PartInfo{PartNumber: partNumber, Size: int64(len(data)), ETag: quotedETag(sum), LastModified: m.now(), Checksum: cloneChecksum(checksum)}
	u.parts[partNumber] = memPart{info: info, data: data}
	return partCopy(info), nil
}

// ListParts returns an upload's parts sorted by part number.
func (m *Memory) ListParts(_ context.Context, bucket, key, uploadID string) ([]PartInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, u, err := m.upload(bucket, key, uploadID)
	if err != nil {
		return nil, err
	}
	out := make([]PartInfo, 0, len(u.parts))
	for _, n := range slices.Sorted(maps.Keys(u.parts)) {
		out = append(out, partCopy(u.parts[n].info))
	}
	return out, nil
}

// ListUploads returns a bucket's in-progress uploads sorted by key, then
// initiation time.
func (m *Memory) ListUploads(_ context.Context, bucket string) ([]UploadInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[bucket]
	if !ok {
		return nil, ErrNoSuchBucket
	}
	out := make([]UploadInfo, 0, len(b.uploads))
	for _, u := range b.uploads {
		out = append(out, uploadCopy(u.info))
	}
	sortUploads(out)
	return out, nil
}

// CompleteUpload stores the concatenation of the named parts as the object
// and removes the upload; parts not named are discarded. Parts, cond and
// the commit are judged and done under one hold of m.mu.
func (m *Memory) CompleteUpload(_ context.Context, bucket, key, uploadID string, parts []CompletePart, etag string, meta ObjectMeta, cond PutCondition) (ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, u, err := m.upload(bucket, key, uploadID)
	if err != nil {
		return ObjectInfo{}, err
	}
	var total int64
	sizes := make([]int64, len(parts))
	sums := partChecksums(parts)
	for i, p := range parts {
		part, ok := u.parts[p.PartNumber]
		if !ok {
			return ObjectInfo{}, fmt.Errorf("%w: part %d", ErrNoSuchPart, p.PartNumber)
		}
		if err := partMatches(p, part.info); err != nil {
			return ObjectInfo{}, err
		}
		sizes[i] = part.info.Size
		total += part.info.Size
	}
	data := bytes.NewBuffer(make([]byte, 0, total))
	for _, p := range parts {
		data.Write(u.parts[p.PartNumber].data)
	}
	info, err := m.commit(bucket, key, cond, data.Bytes(), memRecord{ETag: etag, Meta: cloneMeta(meta), PartSizes: sizes, PartChecksums: sums})
	if err != nil {
		return ObjectInfo{}, err
	}
	delete(b.uploads, uploadID)
	return info, nil
}

// AbortUpload discards an upload and its parts.
func (m *Memory) AbortUpload(_ context.Context, bucket, key, uploadID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, _, err := m.upload(bucket, key, uploadID)
	if err != nil {
		return err
	}
	delete(b.uploads, uploadID)
	return nil
}
