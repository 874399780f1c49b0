package emulator

import (
	"fmt"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// authorize checks op's IAM action for the authenticated identity. strictS3
// has no public buckets, so an anonymous request is always denied.
func (s *Server) authorize(c *call, op *operation) error {
	if c.auth.Identity.Anonymous() {
		return s3err.New(s3err.AccessDenied).WithCauses(verifier.Cause{ID: verifier.CauseAnonymous,
			Message: "anonymous request (no Authorization header, no pre-signed query): strictS3 has no public buckets"})
	}
	if op.action == "" {
		return nil
	}
	return s.allow(c, op.action, c.bucket, c.key)
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
