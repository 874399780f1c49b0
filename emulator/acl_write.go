package emulator

import (
	"net/http"

	"github.com/stricts3/stricts3/internal/s3err"
)

// putACL is PutBucketAcl and PutObjectAcl. On a bucket with ACLs disabled
// (BucketOwnerEnforced, the default) S3 accepts only what changes nothing
// — the bucket-owner-full-control canned ACL, or a document granting the
// owner FULL_CONTROL and no one else — and refuses the rest with 400
// AccessControlListNotSupported. strictS3 keeps no ACL grants, so on a
// bucket with ACLs enabled it answers 501 and changes nothing rather than
// store an ACL it would not apply.
func (s *Server) putACL(c *call) error {
	ctx := c.r.Context()
	var err error
	if c.key != "" {
		_, err = s.store.HeadObject(ctx, c.bucket, c.key)
	} else {
		_, err = s.store.BucketInfo(ctx, c.bucket)
	}
	if err != nil {
		return storeErr(c, err)
	}
	own, err := s.objectOwnership(ctx, c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	if own != ownershipEnforced {
		return s3err.New(s3err.NotImplemented).
			WithDiagnosis("bucket %s has ACLs enabled (Object Ownership %q) and strictS3 keeps no ACL grants; nothing was changed", c.bucket, own)
	}
	ownerAcct, err := s.bucketOwner(ctx, c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	ownerID := ownerOf(ownerAcct).ID
	if what, sets := requestSetsACL(c.r.Header, ownerID, "bucket-owner-full-control"); sets {
		return aclsDisabled(what, c.bucket)
	}
	if c.r.Header.Get("X-Amz-Acl") == "" && !hasGrantHeader(c.r.Header) {
		var doc accessControlPolicy
		empty, err := readXML(c, &doc)
		if err != nil {
			return err
		}
		if empty {
			// strictS3's choice where no recorded answer was found: a
			// PutAcl naming no ACL at all is a malformed document.
			return s3err.New(s3err.MalformedXML).WithDiagnosis("Put%sAcl names no ACL: send x-amz-acl, x-amz-grant-* or an AccessControlPolicy document", aclLevel(c))
		}
		if !onlyOwnerFullControl(doc, ownerID) {
			return aclsDisabled("the AccessControlPolicy document", c.bucket)
		}
	}
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
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
