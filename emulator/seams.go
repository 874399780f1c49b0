package emulator

import (
	"github.com/stricts3/stricts3/internal/s3err"
)

// The functions in this file are the seams other parts of strictS3 fill in.
// Until they do, each answers 501 NotImplemented (or does nothing) so that a
// request never falls through to another operation.

// postObject answers a browser form upload (POST on a bucket without
// ?delete). The POST handler authenticates the form itself.
func (s *Server) postObject(c *call) error {
	return s3err.New(s3err.NotImplemented).WithDiagnosis("POST object uploads are not implemented yet")
}
