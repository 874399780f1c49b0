package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/verifier"
)

// DefaultAccount is the AWS account id of keys that name none. Any
// 12-digit id would do; this is the one AWS's own documentation uses in
// examples, so policies copied from it work unchanged.
const DefaultAccount = "123456789012"

// ownerConfig is the bucket configuration holding the owner's account id.
const ownerConfig = "owner"

// ownerOf is how listings and ACLs show account: its canonical user id
// and display name. The default account keeps the identity strictS3 has
// always shown; another account's canonical id is derived from its id, so
// it is stable across restarts and distinct per account.
func ownerOf(account string) owner {
	if account == DefaultAccount {
		return theOwner
	}
	sum := sha256.Sum256([]byte("stricts3 canonical user " + account))
	return owner{ID: hex.EncodeToString(sum[:]), DisplayName: account}
}

// accountOf is the account of an authenticated identity.
func accountOf(id verifier.Identity) string {
	if id.Credential.Account == "" {
		return DefaultAccount
	}
	return id.Credential.Account
}

// principalOf is id as a bucket policy sees it.
func principalOf(id verifier.Identity) access.Principal {
	if id.Anonymous() {
		return access.Principal{Anonymous: true}
	}
	acct := accountOf(id)
	return access.Principal{Account: acct, CanonicalID: ownerOf(acct).ID, ARN: access.UserARN(acct, id.AccessKeyID)}
}

// callerAccount is the account of c's signer.
func (c *call) callerAccount() string {
	if c.auth == nil {
		return DefaultAccount
	}
	return accountOf(c.auth.Identity)
}

// bucketOwner is the account owning bucket. CreateBucket writes the owner
// document right after creating the bucket, holding s.creating, and a
// missing document is re-read under that lock: so a bucket is never seen
// ownerless while its creation is in flight, and a document that is still
// missing belongs to a bucket made without CreateBucket (start-up buckets,
// a directory store from an older strictS3), which the default account
// owns.
func (s *Server) bucketOwner(ctx context.Context, bucket string) (string, error) {
	owner, err := s.recordedOwner(ctx, bucket)
	if errors.Is(err, store.ErrNoSuchBucketConfig) {
		s.creating.RLock()
		owner, err = s.recordedOwner(ctx, bucket)
		s.creating.RUnlock()
	}
	if errors.Is(err, store.ErrNoSuchBucketConfig) {
		return DefaultAccount, nil
	}
	return owner, err
}

// recordedOwner reads the owner document without waiting for creations in
// flight; CreateBucket, which holds s.creating, uses it directly.
func (s *Server) recordedOwner(ctx context.Context, bucket string) (string, error) {
	doc, err := s.store.GetBucketConfig(ctx, bucket, ownerConfig)
	if err != nil {
		return DefaultAccount, err
	}
	return string(doc), nil
}
