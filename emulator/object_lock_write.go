package emulator

import (
	"net/http"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// lockHeaders are the x-amz-object-lock-* headers of a write.
type lockHeaders struct {
	mode, until, legalHold string
}

func readLockHeaders(h http.Header) lockHeaders {
	return lockHeaders{
		mode:      headerGet(h, "X-Amz-Object-Lock-Mode"),
		until:     headerGet(h, "X-Amz-Object-Lock-Retain-Until-Date"),
		legalHold: headerGet(h, "X-Amz-Object-Lock-Legal-Hold"),
	}
}

func (l lockHeaders) given() bool { return l.mode != "" || l.until != "" || l.legalHold != "" }

// newVersionLock is the Object Lock state a version written by c (PutObject,
// CopyObject, CreateMultipartUpload) starts with: the retention and legal
// hold its headers ask for, else the bucket's default retention counted
// from the server's clock now (for a multipart upload, from its creation).
// A copy never inherits its source's lock. Asking for a lock on a bucket
// without Object Lock is InvalidRequest; setting a retention or a legal
// hold needs s3:PutObjectRetention or s3:PutObjectLegalHold as well, as
// AWS's PutObject reference says.
func (s *Server) newVersionLock(c *call) (*store.ObjectLock, error) {
	return s.lockFor(c, readLockHeaders(c.r.Header))
}

// defaultVersionLock is the bucket's default retention for a POST object
// upload, whose form fields strictS3 does not read lock settings from.
func (s *Server) defaultVersionLock(c *call) (*store.ObjectLock, error) {
	return s.lockFor(c, lockHeaders{})
}

// lockFor is newVersionLock with the lock settings hdr.
func (s *Server) lockFor(c *call, hdr lockHeaders) (*store.ObjectLock, error) {
	cfg, enabled, err := s.bucketLock(c.r.Context(), c.bucket)
	if err != nil {
		return nil, storeErr(c, err)
	}
	if !enabled {
		if hdr.given() {
			return nil, missingLockConfiguration()
		}
		return nil, nil
	}
	var l store.ObjectLock
	switch {
	case (hdr.mode == "") != (hdr.until == ""):
		return nil, s3err.Newf(s3err.InvalidArgument, "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
	case hdr.mode != "":
		if !validLockMode(hdr.mode) {
			return nil, s3err.Newf(s3err.InvalidArgument, "Unknown wormMode directive.").
				With("ArgumentName", "x-amz-object-lock-mode").With("ArgumentValue", hdr.mode)
		}
		until, ok := parseRetainUntil(hdr.until)
		if !ok {
			// S3's message for an unparsable date is not recorded; the
			// argument is named as S3 names the other header mistakes.
			return nil, s3err.Newf(s3err.InvalidArgument, "The retain until date must be provided in ISO 8601 format").
				With("ArgumentName", "x-amz-object-lock-retain-until-date").With("ArgumentValue", hdr.until)
		}
		if !until.After(s.clock.Now()) {
			return nil, retainUntilPast()
		}
		if err := s.allow(c, "s3:PutObjectRetention", c.bucket, c.key); err != nil {
			return nil, err
		}
		l.Mode, l.RetainUntil = hdr.mode, until
	default:
		l.Mode, l.RetainUntil, _ = cfg.defaultUntil(s.clock.Now())
	}
	if hdr.legalHold != "" {
		if !validLegalHold(hdr.legalHold) {
			return nil, s3err.Newf(s3err.InvalidArgument, "Legal Hold must be either of 'ON' or 'OFF'").
				With("ArgumentName", "x-amz-object-lock-legal-hold").With("ArgumentValue", hdr.legalHold)
		}
		if err := s.allow(c, "s3:PutObjectLegalHold", c.bucket, c.key); err != nil {
			return nil, err
		}
		l.LegalHold = hdr.legalHold
	}
	if l.IsZero() {
		return nil, nil
	}
	return &l, nil
}

// requireLockIntegrity is S3's rule for PutObject: an upload that gets a
// retention (asked for, or the bucket's default) must carry Content-MD5 or
// an x-amz-checksum-* value.
func requireLockIntegrity(c *call, l *store.ObjectLock) error {
	if l == nil || l.Mode == "" || hasIntegrityCheck(c.r.Header) {
		return nil
	}
	return s3err.Newf(s3err.InvalidRequest, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters").
		WithDiagnosis("an upload that gets an Object Lock retention needs Content-MD5 or an x-amz-checksum-* header or trailer")
}
