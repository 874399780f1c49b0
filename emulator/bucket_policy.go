package emulator

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"

	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// policyConfig is the bucket configuration holding the bucket policy as
// the client sent it.
const policyConfig = "policy"

// bucketPolicy is the bucket's parsed policy, nil when it has none. The
// document was validated when it was put, so a parse failure here means
// the store holds something PutBucketPolicy never wrote.
func (s *Server) bucketPolicy(ctx context.Context, bucket string) (*access.BucketPolicy, error) {
	doc, err := s.store.GetBucketConfig(ctx, bucket, policyConfig)
	switch {
	case errors.Is(err, store.ErrNoSuchBucketConfig):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return s.policies.parse(bucket, doc, func(doc []byte) (*access.BucketPolicy, error) {
		return access.ParseBucketPolicy(doc, bucket)
	})
}

// ownerOnly answers 405 MethodNotAllowed to a caller outside the bucket
// owner's account: S3 documents that Get/Put/DeleteBucketPolicy, even
// when a policy allows them, work only for identities of the owner's
// account.
func (s *Server) ownerOnly(c *call) error {
	owner, err := s.bucketOwner(c.r.Context(), c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	if owner == c.callerAccount() {
		return nil
	}
	return s3err.New(s3err.MethodNotAllowed).With("Method", c.r.Method).With("ResourceType", "BUCKETPOLICY").
		WithDiagnosis("bucket %s belongs to account %s; only identities of that account may use its bucket policy (caller: account %s)", c.bucket, owner, c.callerAccount())
}

func (s *Server) putBucketPolicy(c *call) error {
	if err := s.ownerOnly(c); err != nil {
		return err
	}
	body, err := c.body()
	if err != nil {
		return err
	}
	// One byte past the limit tells an oversized policy apart from one
	// exactly at it; the rest is never read.
	doc, err := io.ReadAll(io.LimitReader(body, access.MaxBucketPolicySize+1))
	if err != nil {
		return err
	}
	policy, err := access.ParseBucketPolicy(doc, c.bucket)
	if err != nil {
		var mp *access.MalformedPolicyError
		if errors.As(err, &mp) {
			return s3err.Newf(s3err.MalformedPolicy, "%s", mp.Message).WithDiagnosis("%s", mp.Error())
		}
		return err
	}
	if policy.IsPublic() {
		pab, err := s.effectivePublicAccessBlock(c.r.Context(), c.bucket)
		if err != nil {
			return storeErr(c, err)
		}
		if pab.BlockPublicPolicy {
			return blockedPublicPolicy(c)
		}
	}
	if err := s.store.PutBucketConfig(c.r.Context(), c.bucket, policyConfig, doc); err != nil {
		return storeErr(c, err)
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// blockedPublicPolicy is S3's answer to a public policy on a bucket with
// BlockPublicPolicy on, message as AWS writes it in the error users see.
func blockedPublicPolicy(c *call) error {
	p := principalOf(c.auth.Identity)
	return s3err.Newf(s3err.AccessDenied,
		"User: %s is not authorized to perform: s3:PutBucketPolicy on resource: \"arn:aws:s3:::%s\" because public policies are blocked by the BlockPublicPolicy block public access setting.",
		p.ARN, c.bucket).WithCauses(verifier.Cause{ID: verifier.CauseAccessDenied,
		Message: "the policy grants access to everyone (Principal \"*\") and BlockPublicPolicy is on for bucket " + c.bucket +
			" (new buckets have it on, as on S3 since April 2023): DeletePublicAccessBlock or PutPublicAccessBlock with BlockPublicPolicy false first",
		Evidence: map[string]string{"bucket": c.bucket, "setting": "BlockPublicPolicy"}})
}

func (s *Server) getBucketPolicy(c *call) error {
	if err := s.ownerOnly(c); err != nil {
		return err
	}
	return s.getBucketConfigDoc(c, policyConfig, "application/json", noSuchBucketPolicy)
}

func noSuchBucketPolicy(bucket string) error {
	return s3err.New(s3err.NoSuchBucketPolicy).With("BucketName", bucket)
}

// deleteBucketPolicy answers 204 whether or not the bucket had a policy.
func (s *Server) deleteBucketPolicy(c *call) error {
	if err := s.ownerOnly(c); err != nil {
		return err
	}
	return s.deleteBucketConfigDoc(c, policyConfig)
}

type policyStatusXML struct {
	XMLName  xml.Name `xml:"PolicyStatus"`
	NS       string   `xml:"xmlns,attr"`
	IsPublic bool     `xml:"IsPublic"`
}

// getBucketPolicyStatus says whether the bucket policy is public; a
// bucket without a policy is NoSuchBucketPolicy, as on S3.
func (s *Server) getBucketPolicyStatus(c *call) error {
	p, err := s.bucketPolicy(c.r.Context(), c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	if p == nil {
		return noSuchBucketPolicy(c.bucket)
	}
	return writeXML(c, policyStatusXML{NS: s3NS, IsPublic: p.IsPublic()})
}
