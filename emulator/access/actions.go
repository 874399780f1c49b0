package access

import "strings"

// actionLevel says which resource an S3 action is authorized against.
type actionLevel int

const (
	serviceLevel actionLevel = iota
	bucketLevel
	objectLevel
)

// s3Actions are the S3 actions a bucket policy may name, lower-cased, with
// the level of resource each applies to. A bucket policy naming any other
// action is MalformedPolicy "Policy has invalid action", as on S3.
var s3Actions = func() map[string]actionLevel {
	m := map[string]actionLevel{}
	add := func(level actionLevel, names ...string) {
		for _, n := range names {
			m["s3:"+strings.ToLower(n)] = level
		}
	}
	add(serviceLevel, "ListAllMyBuckets", "CreateBucket", "GetAccountPublicAccessBlock", "PutAccountPublicAccessBlock",
		"ListAccessPoints", "ListJobs", "CreateJob")
	add(bucketLevel, "DeleteBucket", "ListBucket", "ListBucketVersions", "ListBucketMultipartUploads",
		"GetBucketLocation", "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy", "GetBucketPolicyStatus",
		"GetBucketAcl", "PutBucketAcl", "GetBucketCORS", "PutBucketCORS", "GetBucketVersioning", "PutBucketVersioning",
		"GetBucketTagging", "PutBucketTagging", "GetBucketWebsite", "PutBucketWebsite", "DeleteBucketWebsite",
		"GetBucketLogging", "PutBucketLogging", "GetBucketNotification", "PutBucketNotification",
		"GetBucketObjectLockConfiguration", "PutBucketObjectLockConfiguration",
		"GetBucketOwnershipControls", "PutBucketOwnershipControls",
		"GetBucketPublicAccessBlock", "PutBucketPublicAccessBlock",
		"GetBucketRequestPayment", "PutBucketRequestPayment", "GetLifecycleConfiguration", "PutLifecycleConfiguration",
		"GetReplicationConfiguration", "PutReplicationConfiguration", "GetEncryptionConfiguration",
		"PutEncryptionConfiguration", "GetAccelerateConfiguration", "PutAccelerateConfiguration",
		"GetAnalyticsConfiguration", "PutAnalyticsConfiguration", "GetInventoryConfiguration",
		"PutInventoryConfiguration", "GetMetricsConfiguration", "PutMetricsConfiguration",
		"GetIntelligentTieringConfiguration", "PutIntelligentTieringConfiguration")
	add(objectLevel, "GetObject", "GetObjectVersion", "GetObjectAcl", "GetObjectVersionAcl", "GetObjectAttributes",
		"GetObjectVersionAttributes", "GetObjectTagging", "GetObjectVersionTagging", "GetObjectTorrent",
		"GetObjectVersionTorrent", "GetObjectLegalHold", "GetObjectRetention", "GetObjectVersionForReplication",
		"PutObject", "PutObjectAcl", "PutObjectVersionAcl", "PutObjectTagging", "PutObjectVersionTagging",
		"PutObjectLegalHold", "PutObjectRetention", "DeleteObject", "DeleteObjectVersion", "DeleteObjectTagging",
		"DeleteObjectVersionTagging", "AbortMultipartUpload", "ListMultipartUploadParts", "RestoreObject",
		"BypassGovernanceRetention", "ReplicateObject", "ReplicateDelete", "ReplicateTags",
		"ObjectOwnerOverrideToBucketOwner")
	return m
}()

// knownActionPattern reports whether pattern ("*", "s3:*", "s3:Get*",
// "s3:GetObject") names at least one S3 action.
func knownActionPattern(pattern string) bool {
	if pattern == "*" {
		return true
	}
	p := strings.ToLower(pattern)
	if !strings.ContainsAny(p, "*?") {
		_, ok := s3Actions[p]
		return ok
	}
	for a := range s3Actions {
		if wildcardMatch(p, a) {
			return true
		}
	}
	return false
}
