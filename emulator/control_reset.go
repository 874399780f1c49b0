package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/stricts3/stricts3/emulator/store"
)

// resetReport is POST /_stricts3/reset's answer.
type resetReport struct {
	DeletedBuckets   []string `json:"deletedBuckets"`
	RecreatedBuckets []string `json:"recreatedBuckets"`
}

// resetPasses bounds how often a bucket is emptied again when writes keep
// landing in it during a reset.
const resetPasses = 3

// controlReset deletes every bucket (or only ?bucket=) with its objects,
// uploads and configuration, then creates the start-up buckets again, so
// the server is as it started.
func (s *Server) controlReset(c *call) error {
	ctx := c.r.Context()
	var names []string
	if only := c.query.Get("bucket"); only != "" {
		if _, err := s.store.BucketInfo(ctx, only); err != nil {
			return resourceErr(err, only, "", "")
		}
		names = []string{only}
	} else {
		buckets, err := s.store.ListBuckets(ctx)
		if err != nil {
			return err
		}
		for _, b := range buckets {
			names = append(names, b.Name)
		}
	}
	rep := resetReport{DeletedBuckets: []string{}, RecreatedBuckets: []string{}}
	for _, name := range names {
		if err := s.deleteBucketContents(ctx, name); err != nil {
			return err
		}
		rep.DeletedBuckets = append(rep.DeletedBuckets, name)
	}
	created, err := s.createStartupBuckets(ctx)
	if err != nil {
		return err
	}
	rep.RecreatedBuckets = append(rep.RecreatedBuckets, created...)
	return writeJSON(c, http.StatusOK, rep)
}

// deleteBucketContents aborts the bucket's uploads, deletes its objects and
// then the bucket. A write racing the reset can refill the bucket between
// the listing and the delete, so it tries a few times.
func (s *Server) deleteBucketContents(ctx context.Context, name string) error {
	for pass := 0; ; pass++ {
		if err := s.emptyBucket(ctx, name); err != nil {
			return err
		}
		err := s.store.DeleteBucket(ctx, name)
		switch {
		case err == nil, errors.Is(err, store.ErrNoSuchBucket):
			return nil
		case errors.Is(err, store.ErrBucketNotEmpty) && pass+1 < resetPasses:
			continue
		default:
			return fmt.Errorf("reset: bucket %s: %w", name, err)
		}
	}
}

func (s *Server) emptyBucket(ctx context.Context, name string) error {
	uploads, err := s.store.ListUploads(ctx, name)
	if err != nil && !errors.Is(err, store.ErrNoSuchBucket) {
		return err
	}
	for _, u := range uploads {
		if err := s.store.AbortUpload(ctx, name, u.Key, u.UploadID); err != nil && !errors.Is(err, store.ErrNoSuchUpload) {
			return err
		}
	}
	switch err := s.deleteVersions(ctx, name); {
	case err == nil, errors.Is(err, store.ErrNoSuchBucket):
		return nil
	case !errors.Is(err, store.ErrNotImplemented):
		return err
	}
	after := ""
	for {
		page, err := s.store.ListObjects(ctx, name, store.ListOptions{After: after, MaxKeys: 1000})
		if errors.Is(err, store.ErrNoSuchBucket) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, o := range page.Objects {
			if err := s.store.DeleteObject(ctx, name, o.Key); err != nil && !errors.Is(err, store.ErrNoSuchBucket) {
				return err
			}
		}
		if !page.IsTruncated {
			return nil
		}
		after = page.NextAfter
	}
}

// deleteVersions removes every version and delete marker of a bucket, for
// stores that keep versions (others answer ErrNotImplemented).
func (s *Server) deleteVersions(ctx context.Context, name string) error {
	for {
		page, err := s.store.ListObjectVersions(ctx, name, store.VersionListOptions{MaxKeys: 1000})
		if err != nil {
			return err
		}
		for _, v := range page.Versions {
			if _, err := s.store.DeleteObjectVersion(ctx, name, v.Key, store.ShownVersionID(v.VersionID)); err != nil {
				return err
			}
		}
		if !page.IsTruncated {
			return nil
		}
	}
}
