package store

import "context"

// oneVersion is a store that keeps one object per key, as gofakes3
// backends and a remote S3 backend (whose own versioning strictS3 does not
// map) do.
type oneVersion interface {
	OpenObject(ctx context.Context, bucket, key string) (Object, error)
	DeleteObject(ctx context.Context, bucket, key string) error
	SetObjectTagging(ctx context.Context, bucket, key, tagging string) (ObjectInfo, error)
	SetObjectACL(ctx context.Context, bucket, key, acl string) (ObjectInfo, error)
}

// nullVersions gives a oneVersion store the Versions methods: a bucket's
// versioning cannot be turned on (ErrNotImplemented), so every bucket stays
// unversioned and its one object per key is the null version, which the
// version-level calls reach by "null".
type nullVersions struct{ one oneVersion }

// SetBucketVersioning is not supported.
func (n nullVersions) SetBucketVersioning(context.Context, string, string) error {
	return ErrNotImplemented
}

// OpenObjectVersion opens the key's object as its null version.
func (n nullVersions) OpenObjectVersion(ctx context.Context, bucket, key, versionID string) (Object, error) {
	if err := nullOnly(versionID); err != nil {
		return nil, err
	}
	return n.one.OpenObject(ctx, bucket, key)
}

// DeleteObjectVersion is DeleteObject for versionID "" and "null".
func (n nullVersions) DeleteObjectVersion(ctx context.Context, bucket, key, versionID string) (DeleteResult, error) {
	if versionID != "" {
		if err := nullOnly(versionID); err != nil {
			return DeleteResult{}, err
		}
	}
	return DeleteResult{}, n.one.DeleteObject(ctx, bucket, key)
}

// DeleteObjectVersionIf is DeleteObjectVersion: such a store holds no
// lock state (SetObjectVersionLock is not supported), so nothing a check
// could refuse.
func (n nullVersions) DeleteObjectVersionIf(ctx context.Context, bucket, key, versionID string, _ func(ObjectInfo) error) (DeleteResult, error) {
	return n.DeleteObjectVersion(ctx, bucket, key, versionID)
}

// SetObjectVersionTagging tags the key's object as its null version.
func (n nullVersions) SetObjectVersionTagging(ctx context.Context, bucket, key, versionID, tagging string) (ObjectInfo, error) {
	if err := nullOnly(versionID); err != nil {
		return ObjectInfo{}, err
	}
	return n.one.SetObjectTagging(ctx, bucket, key, tagging)
}

// SetObjectVersionLock is not supported: Object Lock needs versioning.
func (n nullVersions) SetObjectVersionLock(context.Context, string, string, string, func(ObjectLock) (ObjectLock, error)) (ObjectInfo, error) {
	return ObjectInfo{}, ErrNotImplemented
}

// SetObjectVersionACL sets the ACL of the key's object as its null
// version.
func (n nullVersions) SetObjectVersionACL(ctx context.Context, bucket, key, versionID, acl string) (ObjectInfo, error) {
	if err := nullOnly(versionID); err != nil {
		return ObjectInfo{}, err
	}
	return n.one.SetObjectACL(ctx, bucket, key, acl)
}

// ListObjectVersions is not supported.
func (n nullVersions) ListObjectVersions(context.Context, string, VersionListOptions) (VersionListResult, error) {
	return VersionListResult{}, ErrNotImplemented
}

// nullOnly accepts the null version, the only one such a store has; any
// other id names a version it cannot hold.
func nullOnly(versionID string) error {
	if storedVersionID(versionID) != "" {
		return ErrNoSuchVersion
	}
	return nil
}
