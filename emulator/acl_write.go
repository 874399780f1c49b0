package emulator

import (
	"context"
	"net/http"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// putACL is PutBucketAcl and PutObjectAcl. On a bucket with ACLs disabled
// (BucketOwnerEnforced, the default) S3 accepts only what changes nothing
// — the bucket-owner-full-control canned ACL, or a document granting the
// owner FULL_CONTROL and no one else — and refuses the rest with 400
// AccessControlListNotSupported. On a bucket with ACLs enabled the ACL
// (canned, x-amz-grant-* headers or an AccessControlPolicy document)
// replaces the resource's ACL, after BlockPublicAcls.
func (s *Server) putACL(c *call) error {
	ctx := c.r.Context()
	var info store.ObjectInfo
	var err error
	versionID, given := "", false
	if c.key != "" {
		if versionID, given, err = versionParam(c); err != nil {
			return err
		}
		if info, err = s.versionInfo(c, versionID, given); err != nil {
			return s.objectErr(c, err)
		}
	} else if _, err = s.store.BucketInfo(ctx, c.bucket); err != nil {
		return storeErr(c, err)
	}
	own, err := s.objectOwnership(ctx, c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	ownerAcct, err := s.bucketOwner(ctx, c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	bucketOwner := ownerOf(ownerAcct)
	if own == ownershipEnforced {
		return s.putACLDisabled(c, bucketOwner.ID)
	}
	current, err := s.currentACL(ctx, c, info)
	if err != nil {
		return storeErr(c, err)
	}
	next, err := s.requestedACL(c, current, bucketOwner.ID)
	if err != nil {
		return err
	}
	if c.key == "" {
		err = s.store.PutBucketConfig(ctx, c.bucket, bucketACLConfig, []byte(next.encode()))
	} else {
		info, err = s.store.SetObjectVersionACL(ctx, c.bucket, c.key, info.VersionID, next.encode())
		s.setVersionHeader(c, "X-Amz-Version-Id", info.VersionID)
	}
	if err != nil {
		return s.objectErr(c, err)
	}
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// currentACL is the ACL PutAcl replaces: the bucket's, or the object
// version's.
func (s *Server) currentACL(ctx context.Context, c *call, info store.ObjectInfo) (storedACL, error) {
	if c.key == "" {
		return s.bucketACL(ctx, c.bucket)
	}
	return s.objectACLOf(ctx, c.bucket, info)
}

// requestedACL is the ACL a PutAcl request on a bucket with ACLs enabled
// sets, owned by current's owner: its headers, else its document. A public
// one is refused while BlockPublicAcls is on.
func (s *Server) requestedACL(c *call, current storedACL, bucketOwnerID string) (storedACL, error) {
	next, ok, err := aclFromHeaders(c.r.Header, current.Owner, bucketOwnerID)
	if err != nil {
		return next, err
	}
	if !ok {
		var doc accessControlPolicy
		empty, err := readXML(c, &doc)
		if err != nil {
			return next, err
		}
		if empty {
			return next, noACLNamed(c)
		}
		if next, err = aclFromDocument(doc, current.Owner); err != nil {
			return next, err
		}
	}
	next.OwnerName = current.OwnerName
	if g, public := next.public(); public {
		if err := s.refusePublicACL(c, "the grant of "+g.String(), strings.ToLower(aclLevel(c))); err != nil {
			return next, err
		}
	}
	return next, nil
}

// putACLDisabled answers PutAcl on a bucket with ACLs disabled: only the
// owner's FULL_CONTROL alone is accepted, and it changes nothing.
func (s *Server) putACLDisabled(c *call, ownerID string) error {
	if what, sets := requestSetsACL(c.r.Header, ownerID, "bucket-owner-full-control"); sets {
		return aclsDisabled(what, c.bucket)
	}
	if headerGet(c.r.Header, "X-Amz-Acl") == "" && !hasGrantHeader(c.r.Header) {
		var doc accessControlPolicy
		empty, err := readXML(c, &doc)
		if err != nil {
			return err
		}
		if empty {
			return noACLNamed(c)
		}
		if !onlyOwnerFullControl(doc, ownerID) {
			return aclsDisabled("the AccessControlPolicy document", c.bucket)
		}
	}
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// noACLNamed answers a PutAcl naming no ACL at all. strictS3's choice
// where no recorded answer was found: a malformed document.
func noACLNamed(c *call) error {
	return s3err.New(s3err.MalformedXML).WithDiagnosis("Put%sAcl names no ACL: send x-amz-acl, x-amz-grant-* or an AccessControlPolicy document", aclLevel(c))
}

func aclLevel(c *call) string {
	if c.key != "" {
		return "Object"
	}
	return "Bucket"
}

func hasGrantHeader(h http.Header) bool {
	for _, g := range grantHeaders {
		if h.Get(g) != "" {
			return true
		}
	}
	return false
}

// onlyOwnerFullControl reports whether doc grants FULL_CONTROL to the
// owner with canonical id ownerID and nothing to anyone else: the one ACL
// a bucket with ACLs disabled accepts.
func onlyOwnerFullControl(doc accessControlPolicy, ownerID string) bool {
	if len(doc.Grants) != 1 {
		return false
	}
	g := doc.Grants[0]
	return g.Permission == "FULL_CONTROL" && g.Grantee.ID == ownerID
}

func aclsDisabled(what, bucket string) error {
	return s3err.New(s3err.AccessControlListNotSupported).
		WithDiagnosis("%s: bucket %s has Object Ownership BucketOwnerEnforced (the S3 default), so ACLs are disabled", what, bucket)
}
