package store

import (
	"context"
	"slices"
)

// SetBucketVersioning sets the bucket's versioning status.
func (m *Memory) SetBucketVersioning(_ context.Context, bucket, status string) error {
	if status != VersioningEnabled && status != VersioningSuspended {
		return ErrInvalidVersioning
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return err
	}
	b.info.Versioning = status
	return nil
}

// OpenObjectVersion returns one version of key; like OpenObject's, it
// needs no lock once returned.
func (m *Memory) OpenObjectVersion(_ context.Context, bucket, key, versionID string) (Object, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return nil, err
	}
	return b.chain(key).open(versionID)
}

// DeleteObjectVersion removes a version, or with versionID "" does what a
// DELETE without a version id does under the bucket's status.
func (m *Memory) DeleteObjectVersion(ctx context.Context, bucket, key, versionID string) (DeleteResult, error) {
	return m.DeleteObjectVersionIf(ctx, bucket, key, versionID, nil)
}

// DeleteObjectVersionIf removes a version check allows, judged under the
// store's lock; a nil check allows any.
func (m *Memory) DeleteObjectVersionIf(_ context.Context, bucket, key, versionID string, check func(ObjectInfo) error) (DeleteResult, error) {
	defer m.release()
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return DeleteResult{}, err
	}
	c := b.chain(key)
	if versionID != "" {
		if err := c.allowRemove(versionID, check); err != nil {
			return DeleteResult{}, err
		}
	}
	c.versions = slices.Clone(c.versions) // readers of the old slice keep it
	var res DeleteResult
	var dropped []*memObject
	if versionID == "" {
		res, dropped = c.deleteCurrent(b.info.Versioning, func() *memObject {
			return &memObject{info: ObjectInfo{Bucket: bucket, Key: key, LastModified: m.now()}}
		})
	} else {
		res, dropped = c.remove(versionID)
	}
	for _, old := range dropped {
		m.drop(old.info.Size)
	}
	b.setChain(key, c)
	return res, nil
}

// SetObjectVersionTagging replaces one version's tag set.
func (m *Memory) SetObjectVersionTagging(_ context.Context, bucket, key, versionID, tagging string) (ObjectInfo, error) {
	return m.setVersionMeta(bucket, key, versionID, func(meta *ObjectMeta) { meta.Tagging = tagging })
}

// SetObjectVersionACL replaces one version's ACL.
func (m *Memory) SetObjectVersionACL(_ context.Context, bucket, key, versionID, acl string) (ObjectInfo, error) {
	return m.setVersionMeta(bucket, key, versionID, func(meta *ObjectMeta) { meta.ACL = acl })
}

func (m *Memory) setVersionMeta(bucket, key, versionID string, set func(*ObjectMeta)) (ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, i, obj, err := m.liveVersion(bucket, key, versionID)
	if err != nil {
		return ObjectInfo{}, err
	}
	return b.remeta(key, i, obj, set), nil
}

// SetObjectVersionLock replaces one version's Object Lock state.
func (m *Memory) SetObjectVersionLock(_ context.Context, bucket, key, versionID string, update func(ObjectLock) (ObjectLock, error)) (ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, i, obj, err := m.liveVersion(bucket, key, versionID)
	if err != nil {
		return ObjectInfo{}, err
	}
	next, err := updatedLock(obj.info.Meta.Lock, update)
	if err != nil {
		return ObjectInfo{}, err
	}
	return b.remeta(key, i, obj, func(m *ObjectMeta) { m.Lock = next }), nil
}

// ListObjectVersions returns one page of the bucket's versions.
func (m *Memory) ListObjectVersions(_ context.Context, bucket string, opts VersionListOptions) (VersionListResult, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return VersionListResult{}, err
	}
	start, _ := slices.BinarySearch(b.keys, max(opts.KeyMarker, opts.Prefix))
	return listVersionsPage(opts, slices.Values(b.keys[start:]), func(key string) []ObjectInfo {
		return chainInfos(b.chain(key))
	}), nil
}

// liveVersion finds version versionID of key and its index in the key's
// chain; a marker is a *DeleteMarkerError. The caller holds m.mu.
func (m *Memory) liveVersion(bucket, key, versionID string) (*memBucket, int, *memObject, error) {
	b, err := m.bucket(bucket)
	if err != nil {
		return nil, 0, nil, err
	}
	i, obj, err := b.chain(key).find(versionID)
	if err != nil {
		return nil, 0, nil, err
	}
	if obj.info.IsDeleteMarker {
		return nil, 0, nil, &DeleteMarkerError{Marker: cloneInfo(obj.info)}
	}
	return b, i, obj, nil
}
