package store

import "context"

// The gofakes3 adapter keeps one object per key, as its backends do: a
// bucket's versioning cannot be turned on (ErrNotImplemented), so every
// bucket stays unversioned and the version-level calls have nothing else
// to find than the null version.

// SetBucketVersioning is not supported by gofakes3 backends.
func (g *gofakes3Store) SetBucketVersioning(context.Context, string, string) error {
	return ErrNotImplemented
}

// OpenObjectVersion is not supported by gofakes3 backends.
func (g *gofakes3Store) OpenObjectVersion(context.Context, string, string, string) (Object, error) {
	return nil, ErrNotImplemented
}

// DeleteObjectVersion is DeleteObject for versionID ""; a version id is
// not supported by gofakes3 backends.
func (g *gofakes3Store) DeleteObjectVersion(ctx context.Context, bucket, key, versionID string) (DeleteResult, error) {
	if versionID != "" {
		return DeleteResult{}, ErrNotImplemented
	}
	return DeleteResult{}, g.DeleteObject(ctx, bucket, key)
}

// SetObjectVersionTagging is not supported by gofakes3 backends.
func (g *gofakes3Store) SetObjectVersionTagging(context.Context, string, string, string, string) (ObjectInfo, error) {
	return ObjectInfo{}, ErrNotImplemented
}

// ListObjectVersions is not supported by gofakes3 backends.
func (g *gofakes3Store) ListObjectVersions(context.Context, string, VersionListOptions) (VersionListResult, error) {
	return VersionListResult{}, ErrNotImplemented
}
