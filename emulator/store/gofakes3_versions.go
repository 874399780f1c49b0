package store

import "context"

// The gofakes3 adapter keeps one object per key, as its backends do: a
// bucket's versioning cannot be turned on (ErrNotImplemented), so every
// bucket stays unversioned and its one object is the null version, which
// the version-level calls reach by "null".

// SetBucketVersioning is not supported by gofakes3 backends.
func (g *gofakes3Store) SetBucketVersioning(context.Context, string, string) error {
	return ErrNotImplemented
}

// OpenObjectVersion opens the key's object as its null version.
func (g *gofakes3Store) OpenObjectVersion(ctx context.Context, bucket, key, versionID string) (Object, error) {
	if err := nullOnly(versionID); err != nil {
		return nil, err
	}
	return g.OpenObject(ctx, bucket, key)
}

// DeleteObjectVersion is DeleteObject for versionID "" and "null".
func (g *gofakes3Store) DeleteObjectVersion(ctx context.Context, bucket, key, versionID string) (DeleteResult, error) {
	if versionID != "" {
		if err := nullOnly(versionID); err != nil {
			return DeleteResult{}, err
		}
	}
	return DeleteResult{}, g.DeleteObject(ctx, bucket, key)
}

// SetObjectVersionTagging tags the key's object as its null version.
func (g *gofakes3Store) SetObjectVersionTagging(ctx context.Context, bucket, key, versionID, tagging string) (ObjectInfo, error) {
	if err := nullOnly(versionID); err != nil {
		return ObjectInfo{}, err
	}
	return g.SetObjectTagging(ctx, bucket, key, tagging)
}

// ListObjectVersions is not supported by gofakes3 backends.
func (g *gofakes3Store) ListObjectVersions(context.Context, string, VersionListOptions) (VersionListResult, error) {
	return VersionListResult{}, ErrNotImplemented
}

// nullOnly accepts the null version, the only one a gofakes3 backend has;
// any other id names a version it cannot hold.
func nullOnly(versionID string) error {
	if storedVersionID(versionID) != "" {
		return ErrNoSuchVersion
	}
	return nil
}
