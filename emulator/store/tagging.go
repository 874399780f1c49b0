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
	return d.remeta(b, key, 0, rec, func(m *ObjectMeta) { m.Tagging = tagging })
}

// remeta replaces version i of key, rec, by a copy whose metadata set
// changed; the caller holds d.mu for writing.
func (d *Dir) remeta(b *dirBucket, key string, i int, rec *objectRecord, set func(*ObjectMeta)) (ObjectInfo, error) {
	next := *rec
	next.Meta = cloneMeta(rec.Meta)
	set(&next.Meta)
	c := b.chain(key)
	c.versions = slices.Clone(c.versions)
	c.versions[i] = &next
	if err := d.commitChain(b, key, c); err != nil {
		return ObjectInfo{}, err
	}
	return next.info(b.info.Name), nil
}
