package emulator

import (
	"errors"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// storeErr turns a store error into the S3 error for c's resource, adding
// the elements S3 sends (BucketName, Key, UploadId). S3 errors (a payload
// check failing at EOF inside the store) pass through unchanged.
func storeErr(c *call, err error) error {
	err = resourceErr(err, c.bucket, c.key, c.query.Get("uploadId"))
	if e, ok := s3err.As(err); ok && e.Code == s3err.NoSuchVersion {
		return e.With("VersionId", c.query.Get("versionId"))
	}
	return err
}

func resourceErr(err error, bucket, key, uploadID string) error {
	if err == nil {
		return nil
	}
	if _, ok := s3err.As(err); ok {
		return err
	}
	switch {
	case errors.Is(err, store.ErrNoSuchBucket):
		return s3err.New(s3err.NoSuchBucket).With("BucketName", bucket)
	case errors.Is(err, store.ErrNoSuchKey):
		return s3err.New(s3err.NoSuchKey).With("Key", key)
	case errors.Is(err, store.ErrBucketNotEmpty):
		return s3err.New(s3err.BucketNotEmpty).With("BucketName", bucket)
	case errors.Is(err, store.ErrBucketExists):
		return s3err.New(s3err.BucketAlreadyOwnedByYou).With("BucketName", bucket)
	case errors.Is(err, store.ErrNoSuchUpload):
		return s3err.New(s3err.NoSuchUpload).With("UploadId", uploadID)
	case errors.Is(err, store.ErrNoSuchPart):
		// The emulator checked the parts first; the store found one
		// replaced by a concurrent UploadPart before it assembled them.
		return s3err.New(s3err.InvalidPart).With("UploadId", uploadID).WithDiagnosis("%v", err)
	case errors.Is(err, store.ErrNoSuchVersion):
		return s3err.New(s3err.NoSuchVersion).With("Key", key)
	case errors.Is(err, store.ErrNotImplemented):
		return s3err.New(s3err.NotImplemented).WithDiagnosis("this store does not keep object versions (a gofakes3 backend); nothing was changed")
	case errors.Is(err, store.ErrInvalidKey):
		return s3err.New(s3err.InvalidArgument).WithDiagnosis("the store cannot hold key %q: %v", key, err)
	}
	return err
}
