package store

import (
	"context"
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
	next := *rec
	next.Meta = cloneMeta(rec.Meta)
	next.Meta.Tagging = tagging
	if err := d.writeJSONAtomic(b.sidecarPath(key), &next); err != nil {
		return ObjectInfo{}, err
	}
	b.setObject(&next)
	return next.info(bucket), nil
}
