package store

import "context"

// CompleteUpload makes the named parts, in order, the object and removes
// the upload; parts not named are discarded. The object shares the parts'
// slices, so completing copies no bytes and needs no memory beyond the
// parts'. Parts, cond and the commit are judged and done under one hold of
// m.mu.
func (m *Memory) CompleteUpload(_ context.Context, bucket, key, uploadID string, parts []CompletePart, etag string, meta ObjectMeta, cond PutCondition) (ObjectInfo, error) {
	return m.completeUpload(bucket, key, uploadID, parts, func(data chunks, sizes []int64) (ObjectInfo, error) {
		return m.commit(bucket, key, cond, &memObject{
			info: ObjectInfo{ETag: etag, Meta: cloneMeta(meta), PartSizes: sizes, PartChecksums: partChecksums(parts)},
			data: data,
		})
	})
}
