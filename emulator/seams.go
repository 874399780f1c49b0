package emulator

import (
	"github.com/stricts3/stricts3/internal/s3err"
)

// The functions in this file are the seams other parts of strictS3 fill in.
// Until they do, each answers 501 NotImplemented (or does nothing) so that a
// request never falls through to another operation.

// preflight answers an OPTIONS CORS preflight, unauthenticated.
func (s *Server) preflight(c *call) error {
	return s3err.New(s3err.NotImplemented).WithDiagnosis("CORS preflight is not implemented yet")
}

// corsHeaders adds Access-Control-* headers to an actual request's response
// when its Origin is allowed by the bucket's CORS configuration. It runs
// after authentication and before the handler writes anything.
func (s *Server) corsHeaders(c *call) {}

func (s *Server) putBucketCors(c *call) error {
	return s3err.New(s3err.NotImplemented).WithDiagnosis("PutBucketCors is not implemented yet")
}

func (s *Server) getBucketCors(c *call) error {
	return s3err.New(s3err.NotImplemented).WithDiagnosis("GetBucketCors is not implemented yet")
}

func (s *Server) deleteBucketCors(c *call) error {
	return s3err.New(s3err.NotImplemented).WithDiagnosis("DeleteBucketCors is not implemented yet")
}
