// Package access decides whether an access key may perform an S3 action,
// with the rules of an IAM identity policy, so a test can give each key the
// permissions its real counterpart has.
//
// The trap it exists for: anyone holding a key can pre-sign anything, and
// S3 decides only when the URL or POST form is used, by the permissions of
// the key that signed it. A URL signed by a read-only key is a valid
// signature and still fails with 403 AccessDenied "Access Denied".
//
// A Policy is a list of Rules. Policy.Allow evaluates them as IAM does: an
// explicit Deny wins, otherwise any matching Allow grants, otherwise the
// request is implicitly denied. Its signature fits verifier.Credential.Allow:
//
//	readOnly := access.Policy{{
//		Effect:    access.Allow,
//		Actions:   []string{"s3:GetObject", "s3:ListBucket"},
//		Resources: []string{"arn:aws:s3:::photos", "arn:aws:s3:::photos/*"},
//	}}
//	cred := verifier.Credential{AccessKeyID: "AKIAREADER", SecretAccessKey: "...", Allow: readOnly.Allow}
//
// Matching follows IAM: action names (and the "s3:" prefix) ignore letter
// case, resource ARNs do not; in both, '*' matches any run of characters,
// '/' included, and '?' exactly one. Bucket-level actions (s3:ListBucket,
// s3:CreateBucket, ...) are matched against arn:aws:s3:::bucket and
// object-level ones (s3:GetObject, s3:PutObject, ...) against
// arn:aws:s3:::bucket/key, so "arn:aws:s3:::photos/*" does not grant
// s3:ListBucket on photos: list the bucket ARN too.
//
// strictS3 chooses where IAM has no resource: s3:ListAllMyBuckets is
// matched against arn:aws:s3:::*, so "*" and "arn:aws:s3:::*" grant it and
// a pattern naming one bucket does not. Conditions, NotAction, NotResource
// and policy variables are not supported; Validate rejects the last.
//
// The package also holds S3 bucket policies: ParseBucketPolicy validates a
// policy document for one bucket with S3's rules and MalformedPolicy
// messages, and BucketPolicy.Evaluate decides a request (principal,
// action, resource, condition values) with IAM's rules — a matching Deny
// wins, then an Allow for the caller, then one for the caller's account —
// and names the deciding statement, so a denial can say which statement
// decided. The emulator combines that decision with the key's own Policy
// as IAM does for S3; see the emulator package.
//
// The package uses the standard library only, so verifier users can import
// it without the emulator.
package access
