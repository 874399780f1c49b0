package store

import (
	"bytes"
	"context"
	"io"
)

// SetObjectTagging replaces an object's tag set in place. The bytes are
// re-put into s3mem (the only way to change its record) under m.mu, which
// every object write holds, so no other write can slip in between the read
// and the re-put; ETag and LastModified are carried over unchanged.
func (m *Memory) SetObjectTagging(_ context.Context, bucket, key, tagging string) (ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	obj, err := m.objects.GetObject(bucket, key, nil)
	if err != nil {
		return ObjectInfo{}, fromS3mem(err)
	}
	defer obj.Contents.Close()
	data, err := io.ReadAll(obj.Contents)
	if err != nil {
		return ObjectInfo{}, err
	}
	rec, err := decodeRecord(obj)
	if err != nil {
		return ObjectInfo{}, err
	}
	rec.Meta = cloneMeta(rec.Meta)
	rec.Meta.Tagging = tagging
	enc, err := rec.encode()
	if err != nil {
		return ObjectInfo{}, err
	}
	if _, err := m.objects.PutObject(bucket, key, map[string]string{recordKey: enc}, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		return ObjectInfo{}, fromS3mem(err)
	}
	return rec.info(bucket, key, int64(len(data))), nil
}

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
