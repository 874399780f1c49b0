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

// bucketACL is the bucket's stored ACL.
func (s *Server) bucketACL(ctx context.Context, bucket string) (storedACL, error) {
	acct, err := s.bucketOwner(ctx, bucket)
	if err != nil {
		return storedACL{}, err
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
	return decodeACL(info.Meta.ACL, ownerOf(acct))
}
