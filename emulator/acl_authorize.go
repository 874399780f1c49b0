package emulator

import (
	"context"
	"errors"

	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/emulator/store"
)

// The ACL permission each action needs, as AWS's "Mapping of ACL
// permissions and access policy permissions" lists it. Bucket ACL grants
// cover listing, writing and deleting keys and the bucket ACL itself;
// object ACL grants cover reading the object and its ACL. FULL_CONTROL
// covers each.
var (
	bucketACLActions = map[string]string{
		"s3:ListBucket": permRead, "s3:ListBucketVersions": permRead, "s3:ListBucketMultipartUploads": permRead,
		"s3:PutObject": permWrite, "s3:DeleteObject": permWrite, "s3:DeleteObjectVersion": permWrite,
		"s3:GetBucketAcl": permReadACP, "s3:PutBucketAcl": permWriteACP,
	}
	objectACLActions = map[string]string{
		"s3:GetObject": permRead, "s3:GetObjectVersion": permRead,
		"s3:GetObjectAcl": permReadACP, "s3:GetObjectVersionAcl": permReadACP,
		"s3:PutObjectAcl": permWriteACP, "s3:PutObjectVersionAcl": permWriteACP,
	}
)

// aclOutcome is what ACLs say about one request: the grant that allows
// it, or a public grant that would have and IgnorePublicAcls voided.
type aclOutcome struct {
	granted, ignored *aclGranted
	level            string // "bucket" or "object"
}

// aclDecision reads the ACL that governs action (the bucket's or the
// object's) and finds a grant allowing pr. Buckets with ACLs disabled
// grant nothing through ACLs, as on S3.
func (s *Server) aclDecision(c *call, b bucketAccess, pr access.Principal, action, bucket, key string) (aclOutcome, error) {
	ctx := c.r.Context()
	perm, onBucket := bucketACLActions[action]
	objPerm, onObject := objectACLActions[action]
	if !onBucket && !(onObject && key != "") {
		return aclOutcome{}, nil
	}
	own, err := s.objectOwnership(ctx, bucket)
	if err != nil || own == ownershipEnforced {
		return aclOutcome{}, err
	}
	var acl storedACL
	out := aclOutcome{level: "bucket"}
	if onBucket {
		acl, err = s.bucketACL(ctx, bucket)
	} else {
		perm, out.level = objPerm, "object"
		acl, err = s.governingObjectACL(ctx, c, bucket, key)
	}
	if err != nil {
		return out, err
	}
	out.granted, out.ignored = acl.grantFor(pr, perm, b.block.IgnorePublicAcls)
	return out, nil
}

// governingObjectACL is the ACL of the object version the request
// addresses; an absent object grants nothing (its handler answers for
// it).
func (s *Server) governingObjectACL(ctx context.Context, c *call, bucket, key string) (storedACL, error) {
	var info store.ObjectInfo
	var err error
	versionID := ""
	if bucket == c.bucket && key == c.key {
		versionID = c.query.Get("versionId")
	}
	if versionID == "" {
		info, err = s.store.HeadObject(ctx, bucket, key)
	} else {
		var obj store.Object
		if obj, err = s.store.OpenObjectVersion(ctx, bucket, key, versionID); err == nil {
			info = obj.Info()
			_ = obj.Close()
		}
	}
	if err != nil {
		if errors.Is(err, store.ErrNoSuchKey) || errors.Is(err, store.ErrNoSuchVersion) || errors.Is(err, store.ErrNoSuchBucket) {
			return storedACL{}, nil
		}
		var dm *store.DeleteMarkerError
		if errors.As(err, &dm) {
			return storedACL{}, nil
		}
		return storedACL{}, err
	}
	return s.objectACLOf(ctx, bucket, info)
}

// grantFor finds a grant giving pr perm (or FULL_CONTROL): to pr's
// canonical id, to AuthenticatedUsers for any signed caller, or to
// AllUsers. With ignorePublic (IgnorePublicAcls) the group grants count
// for nothing, and the first such grant that would have matched is
// returned as ignored.
func (a storedACL) grantFor(pr access.Principal, perm string, ignorePublic bool) (granted, ignored *aclGranted) {
	for i := range a.Grants {
		g := &a.Grants[i]
		if g.Permission != perm && g.Permission != permFullControl {
			continue
		}
		public := g.URI == groupAllUsers || (g.URI == groupAuthenticatedUsers && !pr.Anonymous)
		switch {
		case public && ignorePublic:
			if ignored == nil {
				ignored = g
			}
		case public, !pr.Anonymous && g.ID != "" && g.ID == pr.CanonicalID:
			return g, nil
		}
	}
	return nil, ignored
}
