package verifier

import (
	"net/http"
	"time"
)

// Identity is who signed a request, as established by the signature.
type Identity struct {
	Auth        AuthType
	AccessKeyID string
	// Credential is the key's full record; zero for anonymous requests.
	Credential Credential
}

// Anonymous reports whether the request carried no signature at all.
func (id Identity) Anonymous() bool { return id.Auth == AuthAnonymous }

// PayloadMode is how the request body is protected, from x-amz-content-sha256.
type PayloadMode int

const (
	// PayloadUnsigned is UNSIGNED-PAYLOAD, pre-signed URLs, SigV2 and anonymous
	// requests: the body is not covered by the signature.
	PayloadUnsigned PayloadMode = iota
	// PayloadSHA256 is a literal hex SHA-256 of the body.
	PayloadSHA256
	// PayloadStreamingSigned is STREAMING-AWS4-HMAC-SHA256-PAYLOAD.
	PayloadStreamingSigned
	// PayloadStreamingSignedTrailer is STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER.
	PayloadStreamingSignedTrailer
	// PayloadStreamingUnsignedTrailer is STREAMING-UNSIGNED-PAYLOAD-TRAILER.
	PayloadStreamingUnsignedTrailer
	// PayloadStreamingECDSA is any STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD* (SigV4a).
	PayloadStreamingECDSA
)

// Streaming reports whether the body is aws-chunked framed.
func (m PayloadMode) Streaming() bool { return m >= PayloadStreamingSigned }

// Payload says how Body must verify the request body.
type Payload struct {
	Mode PayloadMode
	// SHA256 is the declared lower-case hex digest for PayloadSHA256.
	SHA256 string
	// SeedSignature starts the chunk-signature chain of signed streaming bodies.
	SeedSignature string
	// RequestTime and Scope ("20130524/us-east-1/s3/aws4_request") are the
	// values chunk string-to-signs repeat.
	RequestTime time.Time
	Scope       string
	// signingKey is the derived SigV4 key for chunk signatures.
	signingKey []byte
	// unverified: authentication was waived (LaxResult), so chunk and
	// trailer signatures are read but not checked.
	unverified bool
}

// Result is what Authenticate learned about a request before its body.
type Result struct {
	Identity Identity
	Payload  Payload
	// QueryHeaders are x-amz-* values that arrived as query parameters of a
	// pre-signed URL (signed or not). S3 applies them as if they were request
	// headers: metadata, storage class, checksums, SSE. Keys are canonical
	// header names.
	QueryHeaders http.Header
}

// Allowed reports whether the identity's own (IAM identity) policy lets it
// perform action on bucket/key. Anonymous identities have no identity
// policy, so the answer is no; what a bucket policy grants them, or grants
// another account's keys, is decided by the emulator, which knows buckets.
func (r *Result) Allowed(action, bucket, key string) bool {
	if r.Identity.Anonymous() {
		return false
	}
	if r.Identity.Credential.Allow == nil {
		return true
	}
	return r.Identity.Credential.Allow(action, bucket, key)
}
