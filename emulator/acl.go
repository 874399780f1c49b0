package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// Object Ownership. Buckets S3 creates today are BucketOwnerEnforced: ACLs
// are disabled, and a write that sets any ACL other than
// bucket-owner-full-control fails. A bucket created with
// x-amz-object-ownership ObjectWriter or BucketOwnerPreferred keeps the
// ACLs it is given and lets their grants allow requests.
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

// hasACLHeaders reports whether h carries any header requestSetsACL
// weighs.
func hasACLHeaders(h http.Header) bool {
	if headerGet(h, "X-Amz-Acl") != "" {
		return true
	}
	for _, g := range grantHeaders {
		if headerGet(h, g) != "" {
			return true
		}
	}
	return false
}

// requestSetsACL reports whether h asks for an ACL other than the ones an
// ACL-disabled resource accepts (none, full control for the owner with
// canonical id ownerID, or the accepted canned values).
func requestSetsACL(h http.Header, ownerID string, accepted ...string) (string, bool) {
	if acl := headerGet(h, "X-Amz-Acl"); acl != "" {
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

// objectACL is the ACL a write of an object sets (ObjectMeta.ACL): on a
// bucket with ACLs disabled, "" (the bucket owner's FULL_CONTROL) or the
// refusal of any other ACL; on a bucket with ACLs enabled, the requested
// ACL (private by default) owned by the object's owner, after
// BlockPublicAcls.
func (s *Server) objectACL(ctx context.Context, c *call, h http.Header) (string, error) {
	own, err := s.objectOwnership(ctx, c.bucket)
	if err != nil {
		return "", storeErr(c, err)
	}
	if own == ownershipEnforced && !hasACLHeaders(h) {
		return "", nil // the usual upload: no owner to read for it
	}
	owner, err := s.bucketOwner(ctx, c.bucket)
	if err != nil {
		return "", storeErr(c, err)
	}
	bucketOwner := ownerOf(owner)
	bucketOwnerID := bucketOwner.ID
	if own == ownershipEnforced {
		if what, sets := requestSetsACL(h, bucketOwnerID, "bucket-owner-full-control"); sets {
			return "", aclsDisabled(what, c.bucket)
		}
		return "", nil
	}
	if what, public := publicACL(h); public {
		if err := s.refusePublicACL(c, what, "object"); err != nil {
			return "", err
		}
	}
	objOwner := objectWriterOwner(c, h, own, bucketOwner)
	a, ok, err := aclFromHeaders(h, objOwner.ID, bucketOwnerID)
	if err != nil {
		return "", err
	}
	if !ok {
		a = ownerOnlyACL(objOwner.ID)
	}
	a.OwnerName = objOwner.DisplayName
	return a.encode(), nil
}

// objectWriterOwner is who owns an object written to a bucket with ACLs
// enabled: its writer (ObjectWriter), or the bucket owner when
// BucketOwnerPreferred and the writer hands it over with
// bucket-owner-full-control. An anonymous writer's object goes to the
// bucket owner: strictS3's choice, since it has no anonymous canonical
// user to show.
func objectWriterOwner(c *call, h http.Header, ownership string, bucketOwner owner) owner {
	id := c.auth.Identity
	if id.Anonymous() {
		return bucketOwner
	}
	if ownership == "BucketOwnerPreferred" && headerGet(h, "X-Amz-Acl") == "bucket-owner-full-control" {
		return bucketOwner
	}
	return ownerOf(accountOf(id))
}

// objectOwnership is the bucket's Object Ownership setting, "" when its
// ownership controls were deleted (ACLs enabled, as ObjectWriter). A
// bucket without the document was made without CreateBucket (start-up
// buckets, older directory stores) and is BucketOwnerEnforced, S3's
// default.
func (s *Server) objectOwnership(ctx context.Context, bucket string) (string, error) {
	doc, err := s.store.GetBucketConfig(ctx, bucket, ownershipConfig)
	if errors.Is(err, store.ErrNoSuchBucketConfig) {
		return ownershipEnforced, nil
	}
	return string(doc), err
}

// bucketOwnership reads CreateBucket's x-amz-object-ownership and checks
// its ACL headers against it.
func bucketOwnership(h http.Header, ownerID, byDefault string) (string, error) {
	own := headerGet(h, "X-Amz-Object-Ownership")
	if own == "" {
		own = byDefault
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

// publicCannedACLs are the canned ACLs that grant to everyone or to every
// AWS account.
var publicCannedACLs = map[string]bool{"public-read": true, "public-read-write": true, "authenticated-read": true}

// publicACL names the part of h that would make a resource public: a
// public canned ACL or a grant to the AllUsers or AuthenticatedUsers group.
func publicACL(h http.Header) (string, bool) {
	if acl := headerGet(h, "X-Amz-Acl"); publicCannedACLs[acl] {
		return "x-amz-acl: " + acl, true
	}
	for _, g := range grantHeaders {
		v := h.Get(g)
		if strings.Contains(v, "/groups/global/AllUsers") || strings.Contains(v, "/groups/global/AuthenticatedUsers") {
			return strings.ToLower(g) + ": " + v, true
		}
	}
	return "", false
}

// refusePublicACL refuses the public ACL what when BlockPublicAcls is on
// (at the bucket or the account), with S3's plain 403 AccessDenied; level
// is "bucket" or "object", what the ACL is for.
func (s *Server) refusePublicACL(c *call, what, level string) error {
	block, err := s.effectivePublicAccessBlock(c.r.Context(), c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	if !block.BlockPublicAcls {
		return nil
	}
	return s3err.New(s3err.AccessDenied).WithCauses(verifier.Cause{ID: verifier.CauseAccessDenied,
		Message:  fmt.Sprintf("%s would make the %s public, and BlockPublicAcls is on for bucket %s", what, level, c.bucket),
		Evidence: map[string]string{"bucket": c.bucket, "decided_by": "BlockPublicAcls"}})
}
