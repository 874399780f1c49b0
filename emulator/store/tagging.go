package store

import (
	"context"
	"slices"
)

// SetObjectTagging rewrites the object's sidecar with the new tag set; the
// data file is untouched. Renaming the sidecar into place is the commit
// point, as for PutObject, so a failure leaves the previous record.
func (d *Dir) SetObjectTagging(_ context.Context, bucket, key, tagging string) (ObjectInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	b, rec, err := d.object(bucket, key)
	if err != nil {
		return ObjectInfo{}, err
	}
	return d.retag(b, key, 0, rec, tagging)
}

// retag replaces version i of key, rec, by a copy with the new tag set;
// the caller holds d.mu for writing.
func (d *Dir) retag(b *dirBucket, key string, i int, rec *objectRecord, tagging string) (ObjectInfo, error) {
	next := *rec
	next.Meta = cloneMeta(rec.Meta)
	next.Meta.Tagging = tagging
	c := b.chain(key)
	c.versions = slices.Clone(c.versions)
	c.versions[i] = &next
	if err := d.commitChain(b, key, c); err != nil {
		return ObjectInfo{}, err
	}
	return next.info(b.info.Name), nil
}
