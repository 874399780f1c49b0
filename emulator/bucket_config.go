package emulator

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/stricts3/stricts3/emulator/store"
)

// getBucketConfigDoc answers the bucket configuration name as stored, with
// contentType; a bucket without one gets missing(bucket).
func (s *Server) getBucketConfigDoc(c *call, name, contentType string, missing func(bucket string) error) error {
	doc, err := s.store.GetBucketConfig(c.r.Context(), c.bucket, name)
	if errors.Is(err, store.ErrNoSuchBucketConfig) {
		return missing(c.bucket)
	}
	if err != nil {
		return storeErr(c, err)
	}
	h := c.w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(doc)))
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(doc)
	return nil
}

// deleteBucketConfigDoc removes the bucket configuration name and answers
// 204 whether or not the bucket had one, as S3's Delete* operations on
// bucket sub-resources do.
func (s *Server) deleteBucketConfigDoc(c *call, name string) error {
	err := s.store.DeleteBucketConfig(c.r.Context(), c.bucket, name)
	if err != nil && !errors.Is(err, store.ErrNoSuchBucketConfig) {
		return storeErr(c, err)
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}
