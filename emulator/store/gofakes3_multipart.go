package store

import "context"

// Multipart uploads of the gofakes3 adapter live in its memory (gofakes3's
// Backend interface has none; see sideKeeper); CompleteUpload puts the
// assembled object into the backend.

// CompleteUpload puts the concatenation of the named parts into the
// backend as the object and removes the upload; parts not named are
// discarded. Parts, cond and the commit are judged and done under one hold
// of g.mu.
func (g *gofakes3Store) CompleteUpload(_ context.Context, bucket, key, uploadID string, parts []CompletePart, etag string, meta ObjectMeta, cond PutCondition) (ObjectInfo, error) {
	return g.completeUpload(bucket, key, uploadID, parts, func(data chunks, sizes []int64) (ObjectInfo, error) {
		return g.commit(bucket, key, cond, data, gofakes3Record{ETag: etag, Meta: cloneMeta(meta), PartSizes: sizes, PartChecksums: partChecksums(parts)})
	})
}
