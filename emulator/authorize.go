package emulator

import (
	"context"
	"errors"
	"fmt"

	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// authorize checks op's IAM action for the authenticated identity, after
// authentication: an anonymous request is evaluated as anonymous, never as
// signed. S3 does not hide a bucket's absence from anonymous callers (404
// NoSuchBucket), and neither does strictS3.
func (s *Server) authorize(c *call, op *operation) error {
	if c.auth.Identity.Anonymous() {
		if err := s.anonymousBucketExists(c, op); err != nil {
			return err
		}
	}
	return s.authorizeIdentity(c, op)
}

// authorizeIdentity is authorize without the bucket-existence answer:
// Judge decides requests for buckets that need not exist (a bucket the
// store does not have contributes no bucket policy, so the identity
// decides).
func (s *Server) authorizeIdentity(c *call, op *operation) error {
	if c.auth.Identity.Anonymous() && op.action == "" {
		// Operations that authorize per resource (DeleteObjects) or are
		// not implemented stay closed to anonymous callers: no bucket
		// policy is consulted for them.
		return s.tolerate(c, s3err.New(s3err.AccessDenied).WithCauses(verifier.Cause{ID: verifier.CauseAnonymous,
			Message: fmt.Sprintf("anonymous request (no Authorization header, no pre-signed query): strictS3 serves %s to signed requests only", op.name)}))
	}
	if op.action == "" {
		return nil
	}
	return s.allow(c, op.action, c.bucket, c.key)
}

// anonymousBucketExists answers NoSuchBucket for an anonymous request
// addressed to a bucket that does not exist. Service requests and
// CreateBucket keep the plain denial: the first names no bucket, and for
// the second an absent bucket is the normal case, not a finding (no
// recorded AWS answer for anonymous CreateBucket was found; denying it is
// the choice that changes nothing).
func (s *Server) anonymousBucketExists(c *call, op *operation) error {
	if c.bucket == "" || op.name == "CreateBucket" {
		return nil
	}
	_, err := s.store.BucketInfo(c.r.Context(), c.bucket)
	if errors.Is(err, store.ErrNoSuchBucket) {
		return storeErr(c, err)
	}
	// Any other store failure must not turn a denial into a 500 for a
	// caller who could not have been served anyway.
	return nil
}

// allow checks one action; handlers call it for extra resources, such as a
// copy source or each key of DeleteObjects. Every denial names what
// decided it: an explicit Deny (which statement), or that nothing allowed.
func (s *Server) allow(c *call, action, bucket, key string) error {
	v, err := s.decide(c, action, bucket, key)
	if err != nil {
		return storeErr(c, err)
	}
	if v.allowed {
		return nil
	}
	if v.accessKey != "" {
		v.set("access_key", v.accessKey)
		v.set("account", v.account)
	}
	if v.bucketOwner != "" {
		v.set("bucket_owner", v.bucketOwner)
	}
	if v.statement != "" {
		v.set("statement", v.statement)
	}
	v.set("action", action)
	v.set("resource", resourceARN(bucket, key))
	return s.tolerate(c, s3err.New(s3err.AccessDenied).WithCauses(verifier.Cause{ID: v.causeID, Message: v.why, Evidence: v.evidence}))
}

// verdict is the outcome of authorizing one action.
type verdict struct {
	allowed bool
	causeID string
	why     string
	// Who asked, whose bucket, which statement decided: the evidence of a
	// denial, kept as fields so that an allowed request builds no map.
	accessKey, account, bucketOwner, statement string
	evidence                                   map[string]string
}

// set records one piece of a denial's evidence.
func (v *verdict) set(name, value string) {
	if v.evidence == nil {
		v.evidence = make(map[string]string, 8)
	}
	v.evidence[name] = value
}

// bucketAccess is what a bucket contributes to authorization.
type bucketAccess struct {
	exists bool
	owner  string
	policy *access.BucketPolicy
	block  PublicAccessBlock
}

func (s *Server) bucketAccess(ctx context.Context, bucket string) (bucketAccess, error) {
	owner, err := s.bucketOwner(ctx, bucket)
	if errors.Is(err, store.ErrNoSuchBucket) {
		return bucketAccess{}, nil
	}
	if err != nil {
		return bucketAccess{}, err
	}
	b := bucketAccess{exists: true, owner: owner}
	if b.policy, err = s.bucketPolicy(ctx, bucket); err != nil {
		return b, err
	}
	b.block, err = s.effectivePublicAccessBlock(ctx, bucket)
	return b, err
}

// decide combines the key's identity policy with the bucket policy and
// the ACLs as IAM does for S3: an explicit Deny in either policy wins;
// within the bucket owner's account either policy or an ACL grant may
// allow; across accounts the identity policy and a resource grant (a
// bucket policy statement naming the key or its account, or an ACL grant)
// must both; an anonymous caller needs a statement for everyone ("*") or
// a grant to AllUsers. RestrictPublicBuckets keeps a public policy from
// allowing anyone outside the owner's account; IgnorePublicAcls voids
// grants to AllUsers and AuthenticatedUsers.
func (s *Server) decide(c *call, action, bucket, key string) (verdict, error) {
	id := c.auth.Identity
	pr := principalOf(id)
	v := verdict{causeID: verifier.CauseAccessDenied}
	if id.Anonymous() {
		v.causeID = verifier.CauseAnonymous
	} else {
		v.accessKey, v.account = id.AccessKeyID, pr.Account
	}
	// The texts of a denial are built only when one is given: an allowed
	// request, the common case, pays for none of them.
	who := func() string {
		if id.Anonymous() {
			return "anonymous request"
		}
		if pr.Account != DefaultAccount {
			return "access key " + id.AccessKeyID + " (account " + pr.Account + ")"
		}
		return "access key " + id.AccessKeyID
	}
	res := func() string { return resourceARN(bucket, key) }
	cred := id.Credential
	if !id.Anonymous() && cred.Denies != nil && cred.Denies(action, bucket, key) {
		v.why = fmt.Sprintf("%s: its identity policy explicitly denies %s on %s", who(), action, res())
		v.set("decided_by", "identity policy")
		return v, nil
	}
	identityAllows := !id.Anonymous() && (cred.Allow == nil || cred.Allow(action, bucket, key))

	var b bucketAccess
	if bucket != "" && action != "s3:CreateBucket" {
		var err error
		if b, err = s.bucketAccess(c.r.Context(), bucket); err != nil {
			return v, err
		}
	}
	if !b.exists {
		// No bucket (ListBuckets, CreateBucket, or a bucket the handler
		// will answer NoSuchBucket for): only the identity decides.
		b.owner = pr.Account
	}
	v.bucketOwner = b.owner

	var d access.Decision
	if b.policy != nil {
		d = b.policy.Evaluate(access.Request{Principal: pr, Action: action, Bucket: bucket, Key: key, Context: s.conditionContext(c, pr)})
	}
	v.statement = d.Statement
	sameAccount := !id.Anonymous() && pr.Account == b.owner
	if sameAccount && cred.Allow == nil && policyLockoutExempt[action] {
		// A key without a policy stands for the owner account's root
		// user, which S3 always lets read, replace or delete the bucket
		// policy, whatever it denies: a policy cannot lock its owner out.
		v.allowed = true
		return v, nil
	}
	restricted := d.Effect == access.Allow && !sameAccount && b.block.RestrictPublicBuckets && b.policy.IsPublic()

	switch {
	case d.Effect == access.Deny:
		v.why = fmt.Sprintf("%s: statement %q of the bucket policy of %s explicitly denies %s on %s", who(), d.Statement, bucket, action, res())
		v.set("decided_by", "bucket policy")
	case restricted:
		v.why = fmt.Sprintf("%s: statement %q of the bucket policy of %s would allow %s on %s, but the policy is public and RestrictPublicBuckets is on, which limits it to the owner's account %s",
			who(), d.Statement, bucket, action, res(), b.owner)
		v.set("decided_by", "RestrictPublicBuckets")
	case id.Anonymous() && !b.exists:
		v.why = fmt.Sprintf("%s: %s on %s needs a signed request; no bucket policy applies to it", who(), action, res())
	case id.Anonymous():
		if d.Effect == access.Allow && !d.AccountOnly {
			v.allowed = true
			return v, nil
		}
		v.why = fmt.Sprintf("%s: %s", who(), s.noAllow(b, bucket, access.Request{Principal: pr, Action: action, Bucket: bucket, Key: key},
			"anonymous callers need a statement with Principal \"*\""))
	case sameAccount:
		if identityAllows || d.Effect == access.Allow && !d.AccountOnly {
			v.allowed = true
			return v, nil
		}
		v.why = fmt.Sprintf("%s is not allowed %s on %s: its identity policy does not allow it, and %s", who(), action, res(),
			s.noAllow(b, bucket, access.Request{Principal: pr, Action: action, Bucket: bucket, Key: key}, "no bucket policy names the key"))
	case !identityAllows:
		v.why = fmt.Sprintf("%s is not allowed %s on %s: its identity policy does not allow it (bucket %s belongs to account %s: access from another account needs both the key's identity policy and the bucket policy)",
			who(), action, res(), bucket, b.owner)
	case d.Effect == access.Allow:
		v.allowed = true
		return v, nil
	default:
		v.why = fmt.Sprintf("%s is not allowed %s on %s: bucket %s belongs to account %s, and %s", who(), action, res(), bucket, b.owner,
			s.noAllow(b, bucket, access.Request{Principal: pr, Action: action, Bucket: bucket, Key: key}, "another account's key needs a bucket policy statement naming it or its account"))
	}
	if b.exists && d.Effect != access.Deny && (id.Anonymous() || sameAccount || identityAllows) {
		// ACLs are the other resource-based grant: where a bucket policy
		// statement could have allowed, a grant can.
		acl, err := s.aclDecision(c, b, pr, action, bucket, key)
		if err != nil {
			return v, err
		}
		if acl.granted != nil {
			v.allowed = true
			c.grantedBy = fmt.Sprintf("%s ACL of %s grants %s", acl.level, res(), acl.granted)
			return v, nil
		}
		if acl.ignored != nil {
			v.why += fmt.Sprintf("; the %s ACL grants %s, but IgnorePublicAcls is on for bucket %s", acl.level, acl.ignored, bucket)
			v.set("decided_by", "IgnorePublicAcls")
			v.set("ignored_grant", acl.ignored.String())
		}
	}
	if v.evidence["decided_by"] == "" {
		v.set("decided_by", "no statement allows")
	}
	return v, nil
}

// policyLockoutExempt are the actions the bucket owner's root user may
// always perform, as S3 documents.
var policyLockoutExempt = map[string]bool{"s3:GetBucketPolicy": true, "s3:PutBucketPolicy": true, "s3:DeleteBucketPolicy": true}

// noAllow says why the bucket policy allowed nothing.
func (s *Server) noAllow(b bucketAccess, bucket string, req access.Request, hint string) string {
	if b.policy == nil {
		return fmt.Sprintf("bucket %s has no bucket policy (%s)", bucket, hint)
	}
	return "in the bucket policy of " + bucket + ", " + b.policy.Explain(req)
}

func resourceARN(bucket, key string) string {
	return access.ARN(bucket, key)
}
