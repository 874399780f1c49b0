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
func (m *Memory) DeleteObjectVersion(_ context.Context, bucket, key, versionID string) (DeleteResult, error) {
	defer m.release()
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.bucket(bucket)
	if err != nil {
		return DeleteResult{}, err
	}
	c := b.chain(key)
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
	b, err := m.bucket(bucket)
	if err != nil {
		return ObjectInfo{}, err
	}
	c := b.chain(key)
	i, obj, err := c.find(versionID)
	if err != nil {
		return ObjectInfo{}, err
	}
	if obj.info.IsDeleteMarker {
		return ObjectInfo{}, &DeleteMarkerError{Marker: cloneInfo(obj.info)}
	}
	return b.remeta(key, i, obj, set), nil
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
