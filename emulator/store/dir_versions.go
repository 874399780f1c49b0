package store

import (
	"context"
	"path/filepath"
	"slices"
)

// SetBucketVersioning rewrites bucket.json with the new status.
func (d *Dir) SetBucketVersioning(_ context.Context, bucket, status string) error {
	if status != VersioningEnabled && status != VersioningSuspended {
		return ErrInvalidVersioning
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	b, err := d.bucket(bucket)
	if err != nil {
		return err
	}
	info := b.info
	info.Versioning = status
	if err := d.writeJSONAtomic(filepath.Join(b.path, bucketFile), info); err != nil {
		return err
	}
	b.info = info
	return nil
}

// OpenObjectVersion opens one version's data file under the lock, as
// OpenObject does.
func (d *Dir) OpenObjectVersion(_ context.Context, bucket, key, versionID string) (Object, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, err := d.bucket(bucket)
	if err != nil {
		return nil, err
	}
	rec, err := b.chain(key).open(versionID)
	if err != nil {
		return nil, err
	}
	return b.open(bucket, rec)
}

// DeleteObjectVersion removes a version, or with versionID "" does what a
// DELETE without a version id does under the bucket's status. The sidecar
// written (or removed) is the commit point; the data files of removed
// versions go after it.
func (d *Dir) DeleteObjectVersion(ctx context.Context, bucket, key, versionID string) (DeleteResult, error) {
	return d.DeleteObjectVersionIf(ctx, bucket, key, versionID, nil)
}

// DeleteObjectVersionIf removes a version check allows, judged under the
// store's lock; a nil check allows any.
func (d *Dir) DeleteObjectVersionIf(_ context.Context, bucket, key, versionID string, check func(ObjectInfo) error) (DeleteResult, error) {
	d.mu.Lock()
	b, err := d.bucket(bucket)
	if err != nil {
		d.mu.Unlock()
		return DeleteResult{}, err
	}
	c := b.chain(key)
	if versionID != "" {
		if err := c.allowRemove(versionID, check); err != nil {
			d.mu.Unlock()
			return DeleteResult{}, err
		}
	}
	var res DeleteResult
	var dropped []*objectRecord
	if versionID == "" {
		res, dropped = c.deleteCurrent(b.info.Versioning, func() *objectRecord {
			return &objectRecord{ObjectInfo: ObjectInfo{Key: key, LastModified: d.now()}}
		})
	} else {
		res, dropped = c.remove(versionID)
	}
	var garbage []string
	if len(dropped) > 0 || res.DeleteMarker && versionID == "" {
		if err = d.commitChain(b, key, c); err == nil {
			garbage = b.dataFiles(key, dropped)
		}
	}
	d.mu.Unlock()
	d.removeQuietly(garbage...)
	return res, err
}

// SetObjectVersionTagging rewrites the sidecar with one version's new tag
// set.
func (d *Dir) SetObjectVersionTagging(_ context.Context, bucket, key, versionID, tagging string) (ObjectInfo, error) {
	return d.setVersionMeta(bucket, key, versionID, func(m *ObjectMeta) { m.Tagging = tagging })
}

// SetObjectVersionACL rewrites the sidecar with one version's new ACL.
func (d *Dir) SetObjectVersionACL(_ context.Context, bucket, key, versionID, acl string) (ObjectInfo, error) {
	return d.setVersionMeta(bucket, key, versionID, func(m *ObjectMeta) { m.ACL = acl })
}

func (d *Dir) setVersionMeta(bucket, key, versionID string, set func(*ObjectMeta)) (ObjectInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	b, i, rec, err := d.liveVersion(bucket, key, versionID)
	if err != nil {
		return ObjectInfo{}, err
	}
	return d.remeta(b, key, i, rec, set)
}

// SetObjectVersionLock rewrites the sidecar with one version's new Object
// Lock state.
func (d *Dir) SetObjectVersionLock(_ context.Context, bucket, key, versionID string, update func(ObjectLock) (ObjectLock, error)) (ObjectInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	b, i, rec, err := d.liveVersion(bucket, key, versionID)
	if err != nil {
		return ObjectInfo{}, err
	}
	next, err := updatedLock(rec.Meta.Lock, update)
	if err != nil {
		return ObjectInfo{}, err
	}
	return d.remeta(b, key, i, rec, func(m *ObjectMeta) { m.Lock = next })
}

// ListObjectVersions returns one page of the bucket's versions.
func (d *Dir) ListObjectVersions(_ context.Context, bucket string, opts VersionListOptions) (VersionListResult, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, err := d.bucket(bucket)
	if err != nil {
		return VersionListResult{}, err
	}
	start, _ := slices.BinarySearch(b.keys, max(opts.KeyMarker, opts.Prefix))
	return listVersionsPage(opts, slices.Values(b.keys[start:]), func(key string) []ObjectInfo {
		infos := chainInfos(b.chain(key))
		for i := range infos {
			infos[i].Bucket = bucket
		}
		return infos
	}), nil
}

// liveVersion finds version versionID of key and its index in the key's
// chain; a marker is a *DeleteMarkerError. The caller holds d.mu.
func (d *Dir) liveVersion(bucket, key, versionID string) (*dirBucket, int, *objectRecord, error) {
	b, err := d.bucket(bucket)
	if err != nil {
		return nil, 0, nil, err
	}
	i, rec, err := b.chain(key).find(versionID)
	if err != nil {
		return nil, 0, nil, err
	}
	if rec.IsDeleteMarker {
		return nil, 0, nil, &DeleteMarkerError{Marker: rec.info(bucket)}
	}
	return b, i, rec, nil
}
