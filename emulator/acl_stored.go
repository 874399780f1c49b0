package emulator

import (
	"context"
	"errors"

	"github.com/stricts3/stricts3/emulator/store"
)

// bucketACLConfig is the bucket configuration holding the bucket's ACL
// (storedACL.encode); a bucket without one grants its owner FULL_CONTROL
// alone.
const bucketACLConfig = "acl"

// bucketACL is the bucket's ACL.
func (s *Server) bucketACL(ctx context.Context, bucket string) (storedACL, error) {
	acct, err := s.bucketOwner(ctx, bucket)
	if err != nil {
		return storedACL{}, err
	}
	enforced, err := s.bucketACLsDisabled(ctx, bucket)
	if err != nil {
		return storedACL{}, err
	}
	if enforced {
		return decodeACL("", ownerOf(acct))
	}
	doc, err := s.store.GetBucketConfig(ctx, bucket, bucketACLConfig)
	if errors.Is(err, store.ErrNoSuchBucketConfig) {
		doc, err = nil, nil
	}
	if err != nil {
		return storedACL{}, err
	}
	return decodeACL(string(doc), ownerOf(acct))
}

// objectACLOf is the ACL of one object version.
func (s *Server) objectACLOf(ctx context.Context, bucket string, info store.ObjectInfo) (storedACL, error) {
	acct, err := s.bucketOwner(ctx, bucket)
	if err != nil {
		return storedACL{}, err
	}
	enforced, err := s.bucketACLsDisabled(ctx, bucket)
	if err != nil {
		return storedACL{}, err
	}
	if enforced {
		return decodeACL("", ownerOf(acct))
	}
	return decodeACL(info.Meta.ACL, ownerOf(acct))
}

// bucketACLsDisabled reports whether the bucket is BucketOwnerEnforced. An ACL
// kept from before the bucket's ACLs were disabled is then neither shown
// nor applied: S3 answers the bucket owner's FULL_CONTROL alone.
func (s *Server) bucketACLsDisabled(ctx context.Context, bucket string) (bool, error) {
	own, err := s.objectOwnership(ctx, bucket)
	return own == ownershipEnforced, err
}
