package emulator

import (
	"errors"
	"fmt"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// authorize checks op's IAM action for the authenticated identity. strictS3
// has no public buckets, so an anonymous request is always denied, but only
// once its bucket is known to exist: S3 does not hide a bucket's absence
// from anonymous callers (404 NoSuchBucket), and neither does strictS3.
func (s *Server) authorize(c *call, op *operation) error {
	if c.auth.Identity.Anonymous() {
		if err := s.anonymousBucketExists(c, op); err != nil {
			return err
		}
	}
	return s.authorizeIdentity(c, op)
}

// authorizeIdentity is authorize's decision on the identity alone, without
// looking at the store: Judge decides requests for buckets that need not
// exist.
func (s *Server) authorizeIdentity(c *call, op *operation) error {
	if c.auth.Identity.Anonymous() {
		return s3err.New(s3err.AccessDenied).WithCauses(verifier.Cause{ID: verifier.CauseAnonymous,
			Message: "anonymous request (no Authorization header, no pre-signed query): strictS3 has no public buckets"})
	}
	if op.action == "" {
		return nil
	}
	return s.allow(c, op.action, c.bucket, c.key)
}

// anonymousBucketExists answers NoSuchBucket for an anonymous request
// addressed to a bucket that does not exist. Service requests and
// CreateBucket keep the plain denial: the first names no bucket, and for
// the second an absent bucket is the normal case, not a finding (no
// recorded AWS answer for anonymous CreateBucket was found; denying it is
// the choice that changes nothing).
func (s *Server) anonymousBucketExists(c *call, op *operation) error {
	if c.bucket == "" || op.name == "CreateBucket" {
		return nil
	}
	_, err := s.store.BucketInfo(c.r.Context(), c.bucket)
	if errors.Is(err, store.ErrNoSuchBucket) {
		return storeErr(c, err)
	}
	// Any other store failure must not turn a denial into a 500 for a
	// caller who could not have been served anyway.
	return nil
}

// allow checks one action; handlers call it for extra resources, such as a
// copy source or each key of DeleteObjects.
func (s *Server) allow(c *call, action, bucket, key string) error {
	if c.auth.Allowed(action, bucket, key) {
		return nil
	}
	id, arn := c.auth.Identity.AccessKeyID, resourceARN(bucket, key)
	return s3err.New(s3err.AccessDenied).WithCauses(verifier.Cause{ID: verifier.CauseAccessDenied,
		Message:  fmt.Sprintf("access key %s is not allowed %s on %s", id, action, arn),
		Evidence: map[string]string{"access_key": id, "action": action, "resource": arn}})
}

func resourceARN(bucket, key string) string {
	switch {
	case bucket == "":
		return "*"
	case key == "":
		return "arn:aws:s3:::" + bucket
	default:
		return "arn:aws:s3:::" + bucket + "/" + key
	}
}
