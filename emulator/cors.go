package emulator

import (
	"errors"
	"io"
	"net/http"

	"github.com/stricts3/stricts3/emulator/cors"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// corsConfigName is the store's name for a bucket's CORS sub-resource.
const corsConfigName = "cors"

// preflight answers an OPTIONS request, unauthenticated: browsers never send
// credentials on a preflight. The checks run in the order S3's recorded
// answers imply: Origin first (even for a missing bucket), then the bucket,
// then its configuration, then the requested method, then the rules.
func (s *Server) preflight(c *call) error {
	if len(c.r.Header.Values(cors.HeaderOrigin)) == 0 {
		return cors.ErrOriginMissing()
	}
	origin := c.r.Header.Get(cors.HeaderOrigin)
	method := c.r.Header.Get(cors.HeaderRequestMethod)
	if c.bucket == "" {
		return cors.ErrBucketNotFound(method).WithDiagnosis("an OPTIONS preflight must address a bucket or an object")
	}
	doc, err := s.store.GetBucketConfig(c.r.Context(), c.bucket, corsConfigName)
	switch {
	case errors.Is(err, store.ErrNoSuchBucket):
		return cors.ErrBucketNotFound(method).WithDiagnosis("bucket %q does not exist", c.bucket)
	case errors.Is(err, store.ErrNoSuchBucketConfig):
		return cors.ErrNotEnabled(method)
	case err != nil:
		return err
	}
	if method == "" {
		return cors.ErrRequestMethodMissing()
	}
	cfg, err := cors.Parse(doc)
	if err != nil {
		return s3err.New(s3err.InternalError).WithDiagnosis("the stored CORS configuration of %q no longer parses: %v", c.bucket, err)
	}
	resource := cors.ResourceBucket
	if c.key != "" {
		resource = cors.ResourceObject
	}
	h, e := cfg.Preflight(origin, method, c.r.Header.Values(cors.HeaderRequestHeaders), resource)
	if e != nil {
		return e
	}
	copyHeaders(c.w.Header(), h)
	// S3 answers an allowed preflight with an empty body and no Content-Type.
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// corsHeaders adds the bucket's CORS answer to an actual request's response
// before anything is written, so errors (SignatureDoesNotMatch, a POST
// upload's EntityTooLarge) carry it too and a page can read the S3 error.
// It costs a configuration lookup only when the request has an Origin.
//
// It runs for every operation except the preflight itself, which answers
// with its own headers, and before authentication.
func (s *Server) corsHeaders(c *call) {
	if c.r.Method == http.MethodOptions || c.bucket == "" || len(c.r.Header.Values(cors.HeaderOrigin)) == 0 {
		return
	}
	doc, err := s.store.GetBucketConfig(c.r.Context(), c.bucket, corsConfigName)
	if err != nil {
		return
	}
	cfg, err := cors.Parse(doc)
	if err != nil {
		s.log.Warn("stored CORS configuration no longer parses", "bucket", c.bucket, "error", err)
		return
	}
	// S3 matches a client-sent Access-Control-Request-Method (and -Headers)
	// even on an actual request, instead of the request's own method.
	method := c.r.Header.Get(cors.HeaderRequestMethod)
	if method == "" {
		method = c.r.Method
	}
	h := cfg.ActualResponseHeaders(c.r.Header.Get(cors.HeaderOrigin), method, c.r.Header.Values(cors.HeaderRequestHeaders))
	copyHeaders(c.w.Header(), h)
}

func copyHeaders(dst, src http.Header) {
	for k, v := range src {
		dst[k] = v
	}
}

// putBucketCors stores a validated configuration. S3 requires an integrity
// check on this operation: Content-MD5 or an x-amz-checksum-* value (in a
// header or announced as a trailer).
func (s *Server) putBucketCors(c *call) error {
	if _, err := s.store.BucketInfo(c.r.Context(), c.bucket); err != nil {
		return storeErr(c, err)
	}
	if err := requireIntegrityCheck(c, "PutBucketCors"); err != nil {
		return err
	}
	body, err := c.body()
	if err != nil {
		return err
	}
	// Read one byte past the limit so an oversized document is told apart
	// from one exactly at it; the rest is not read.
	doc, err := io.ReadAll(io.LimitReader(body, cors.MaxDocumentSize+1))
	if err != nil {
		return err
	}
	cfg, err := cors.Parse(doc)
	if err != nil {
		return err
	}
	if err := s.store.PutBucketConfig(c.r.Context(), c.bucket, corsConfigName, cfg.Marshal()); err != nil {
		return storeErr(c, err)
	}
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) getBucketCors(c *call) error {
	return s.getBucketConfigDoc(c, corsConfigName, "application/xml", func(bucket string) error {
		return cors.ErrNoSuchConfiguration(bucket)
	})
}

// deleteBucketCors answers 204 whether or not a configuration was set.
func (s *Server) deleteBucketCors(c *call) error {
	return s.deleteBucketConfigDoc(c, corsConfigName)
}
