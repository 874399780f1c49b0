package emulator

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// Object Ownership. Buckets S3 creates today are BucketOwnerEnforced: ACLs
// are disabled, and a write that sets any ACL other than
// bucket-owner-full-control fails. A bucket created with
// x-amz-object-ownership ObjectWriter or BucketOwnerPreferred accepts ACL
// headers; strictS3 does not model ACLs, so it then accepts and ignores
// them.
const (
	ownershipEnforced = "BucketOwnerEnforced"
	// ownershipConfig is the bucket configuration name holding the setting.
	ownershipConfig = "ownership"
)

var ownershipValues = map[string]bool{ownershipEnforced: true, "BucketOwnerPreferred": true, "ObjectWriter": true}

// grantHeaders are the explicit-grant forms of an ACL.
var grantHeaders = []string{
	"X-Amz-Grant-Read", "X-Amz-Grant-Write", "X-Amz-Grant-Read-Acp", "X-Amz-Grant-Write-Acp", "X-Amz-Grant-Full-Control",
}

// requestSetsACL reports whether h asks for an ACL other than the ones an
// ACL-disabled resource accepts (none, full control for the owner with
// canonical id ownerID, or the accepted canned values).
func requestSetsACL(h http.Header, ownerID string, accepted ...string) (string, bool) {
	if acl := h.Get("X-Amz-Acl"); acl != "" {
		for _, a := range accepted {
			if acl == a {
				return "", false
			}
		}
		return "x-amz-acl: " + acl, true
	}
	for _, g := range grantHeaders {
		if v := h.Get(g); v != "" {
			if g == "X-Amz-Grant-Full-Control" && strings.TrimSpace(v) == `id="`+ownerID+`"` {
				continue // full control for the owner is what ACL-disabled buckets already mean
			}
			return strings.ToLower(g) + ": " + v, true
		}
	}
	return "", false
}

// checkObjectACL rejects object ACLs on buckets with ACLs disabled.
func (s *Server) checkObjectACL(ctx context.Context, c *call) error {
	owner, err := s.bucketOwner(ctx, c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	what, sets := requestSetsACL(c.r.Header, ownerOf(owner).ID, "bucket-owner-full-control")
	if !sets {
		return nil
	}
	doc, err := s.store.GetBucketConfig(ctx, c.bucket, ownershipConfig)
	switch {
	case errors.Is(err, store.ErrNoSuchBucketConfig):
		doc = []byte(ownershipEnforced)
	case err != nil:
		return storeErr(c, err)
	}
	if string(doc) != ownershipEnforced {
		return nil
	}
	return s3err.New(s3err.AccessControlListNotSupported).
		WithDiagnosis("%s: bucket %s has Object Ownership BucketOwnerEnforced (the S3 default), so ACLs are disabled", what, c.bucket)
}

// bucketOwnership reads CreateBucket's x-amz-object-ownership and checks
// its ACL headers against it.
func bucketOwnership(h http.Header, ownerID string) (string, error) {
	own := h.Get("X-Amz-Object-Ownership")
	if own == "" {
		own = ownershipEnforced
	}
	if !ownershipValues[own] {
		return "", s3err.Newf(s3err.InvalidArgument, "Invalid x-amz-object-ownership header: %s", own).
			With("ArgumentName", "x-amz-object-ownership").With("ArgumentValue", own)
	}
	if own == ownershipEnforced {
		if what, sets := requestSetsACL(h, ownerID, "private", "bucket-owner-full-control"); sets {
			return "", s3err.New(s3err.InvalidBucketACLOwnership).
				WithDiagnosis("%s on a bucket created with ACLs disabled (BucketOwnerEnforced, the S3 default)", what)
		}
	}
	return own, nil
}
