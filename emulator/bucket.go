package emulator

import (
	"errors"
	"net/http"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// createBucket creates a bucket in the server's region. The location
// constraint follows S3: none (or an empty document) in us-east-1, and
// exactly the endpoint's region elsewhere.
func (s *Server) createBucket(c *call) error {
	if ok, why := validBucketName(c.bucket); !ok {
		return s3err.New(s3err.InvalidBucketName).With("BucketName", c.bucket).WithDiagnosis("%s", why)
	}
	lock := objectLockRequested(c.r.Header)
	ownership, err := bucketOwnership(c.r.Header, ownerOf(c.callerAccount()).ID, s.defaultOwnership)
	if err != nil {
		return err
	}
	// A new bucket blocks public access (as on S3 since April 2023), so a
	// public ACL asked for at creation can never be set.
	if what, public := publicACL(c.r.Header); public {
		return s3err.New(s3err.InvalidBucketACLBlockPublic).
			WithDiagnosis("%s: new buckets block public ACLs; create the bucket, lift its Block Public Access, then set the ACL", what)
	}
	creator := ownerOf(c.callerAccount())
	acl, setsACL, err := aclFromHeaders(c.r.Header, creator.ID, creator.ID)
	if err != nil {
		return err
	}
	var cfg createBucketConfiguration
	if _, err := readXML(c, &cfg); err != nil {
		return err
	}
	if err := s.checkLocationConstraint(cfg.LocationConstraint); err != nil {
		return err
	}
	if err := s.createOwnedBucket(c, ownership, lock); err != nil {
		return err
	}
	if setsACL && ownership != ownershipEnforced {
		acl.OwnerName = creator.DisplayName
		if err := s.store.PutBucketConfig(c.r.Context(), c.bucket, bucketACLConfig, []byte(acl.encode())); err != nil {
			return storeErr(c, err)
		}
	}
	c.w.Header().Set("Location", "/"+c.bucket)
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// createOwnedBucket creates the bucket with its owner (the caller's
// account), Object Ownership and Block Public Access settings, and with
// lock, versioning Enabled and Object Lock enabled without a default rule
// (as S3 makes such a bucket). The bucket namespace is shared by all accounts: another account's bucket of that
// name is 409 BucketAlreadyExists.
func (s *Server) createOwnedBucket(c *call, ownership string, lock bool) error {
	ctx := c.r.Context()
	s.creating.Lock()
	defer s.creating.Unlock()
	switch err := s.store.CreateBucket(ctx, c.bucket, s.region); {
	case errors.Is(err, store.ErrBucketExists):
		owner, oerr := s.recordedOwner(ctx, c.bucket)
		if errors.Is(oerr, store.ErrNoSuchBucketConfig) {
			owner, oerr = DefaultAccount, nil // made without CreateBucket
		}
		if oerr != nil {
			return storeErr(c, oerr)
		}
		if owner != c.callerAccount() {
			return s3err.New(s3err.BucketAlreadyExists).With("BucketName", c.bucket).
				WithDiagnosis("bucket %s belongs to account %s; the caller is account %s", c.bucket, owner, c.callerAccount())
		}
		if s.region == "us-east-1" {
			// S3 keeps a legacy answer in us-east-1: re-creating a bucket
			// you own succeeds (and resets its ACL, which strictS3 does
			// not model).
			return nil
		}
		return storeErr(c, err)
	case err != nil:
		return storeErr(c, err)
	}
	configs := map[string][]byte{
		ownerConfig:        []byte(c.callerAccount()),
		publicAccessConfig: BlockAllPublicAccess.marshal(),
	}
	if ownership != ownershipEnforced {
		configs[ownershipConfig] = []byte(ownership)
	}
	if lock {
		configs[objectLockConfig] = enabledLockConfiguration.marshal()
		if err := s.store.SetBucketVersioning(ctx, c.bucket, store.VersioningEnabled); err != nil {
			// A store that keeps one object per key cannot protect
			// versions: no lock-less bucket may stay behind.
			_ = s.store.DeleteBucket(ctx, c.bucket)
			return storeErr(c, err)
		}
	}
	for name, doc := range configs {
		if err := s.store.PutBucketConfig(ctx, c.bucket, name, doc); err != nil {
			// A bucket without its owner must not stay behind.
			_ = s.store.DeleteBucket(ctx, c.bucket)
			return storeErr(c, err)
		}
	}
	return nil
}

// objectLockRequested reports whether CreateBucket asks for Object Lock.
// Only "true" asks for it; "false" is the default S3 accepts. Any other
// value is taken as not asking (no recorded S3 answer for one was found).
func objectLockRequested(h http.Header) bool {
	return strings.EqualFold(strings.TrimSpace(headerGet(h, "X-Amz-Bucket-Object-Lock-Enabled")), "true")
}

func (s *Server) checkLocationConstraint(lc string) error {
	incompatible := func(what string) *s3err.Error {
		return s3err.Newf(s3err.IllegalLocationConstraintException,
			"The %s location constraint is incompatible for the region specific endpoint this request was sent to.", what)
	}
	switch {
	case s.region == "us-east-1" && lc == "":
		return nil
	case s.region == "us-east-1" && lc == "us-east-1":
		// us-east-1 is spelled as no constraint at all; naming it is invalid.
		return s3err.New(s3err.InvalidLocationConstraint).With("LocationConstraint", lc)
	case lc == "":
		return incompatible("unspecified").WithDiagnosis("this server's region is %s: send LocationConstraint %s", s.region, s.region)
	case lc != s.region:
		return incompatible(lc).WithDiagnosis("this server answers only for region %s", s.region)
	}
	return nil
}

// bucketRegion is the region c's bucket lives in; a store that records
// none holds buckets of the server's region.
func (s *Server) bucketRegion(c *call) (string, error) {
	b, err := s.store.BucketInfo(c.r.Context(), c.bucket)
	if err != nil {
		return "", storeErr(c, err)
	}
	if b.Region == "" {
		return s.region, nil
	}
	return b.Region, nil
}

func (s *Server) headBucket(c *call) error {
	region, err := s.bucketRegion(c)
	if err != nil {
		return err
	}
	c.w.Header().Set("X-Amz-Bucket-Region", region)
	c.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) deleteBucket(c *call) error {
	if err := s.store.DeleteBucket(c.r.Context(), c.bucket); err != nil {
		return storeErr(c, err)
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// getBucketLocation answers an empty LocationConstraint for us-east-1, as S3
// does for historical reasons.
func (s *Server) getBucketLocation(c *call) error {
	region, err := s.bucketRegion(c)
	if err != nil {
		return err
	}
	if region == "us-east-1" {
		region = ""
	}
	return writeXML(c, locationConstraint{NS: s3NS, Value: region})
}
