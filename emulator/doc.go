// Package emulator is strictS3's S3 server: an http.Handler that answers
// the S3 REST API the way Amazon S3 does, after checking every request with
// the verifier.
//
// Each request goes through the same pipeline: a request id, addressing
// (path-style /bucket/key or virtual-hosted <bucket>.<BaseDomain>), routing
// to an S3 operation by method and query sub-resource, authentication
// (verifier.Authenticate), authorization (the credential's Allow function
// against the operation's IAM action, at request time, so a pre-signed URL
// is judged by its signer's permissions; package access gives IAM-style
// policies for it), the verified body for writes, the
// store, and the response. Every failure is an *s3err.Error written in S3's
// XML envelope with the request id.
//
// Operations: ListBuckets (paginated); CreateBucket, HeadBucket, DeleteBucket,
// GetBucketLocation; ListObjects and ListObjectsV2; PutObject, GetObject
// (ranges, ?partNumber, conditional headers, response-* overrides),
// HeadObject, DeleteObject, DeleteObjects, CopyObject; the multipart family
// (Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts,
// ListMultipartUploads; a repeated Complete answers as the first did, see
// Options.MaxCompletedUploads); POST object uploads; bucket CORS.
//
// Buckets follow S3's current defaults: one region per server, Object
// Ownership BucketOwnerEnforced (ACL headers other than
// bucket-owner-full-control are AccessControlListNotSupported), versioning
// off until PutBucketVersioning turns it on, no public access (anonymous
// requests other than CORS preflights are AccessDenied, after a missing
// bucket has been answered NoSuchBucket, as S3 does).
//
// Checksums follow S3's data-integrity model: every object stores a
// full-object checksum (the client's x-amz-checksum-* value, verified, or
// S3's default CRC64NVME), returned by GET and HEAD only with
// x-amz-checksum-mode: ENABLED and only for exactly the bytes sent (never a
// whole-object value on a partial range). A multipart upload may name an
// algorithm and a type (COMPOSITE: the digest of the part digests with a
// "-N" suffix; FULL_OBJECT: the part CRCs combined); its parts must then
// carry that algorithm's checksum and CompleteMultipartUpload checks the
// listed ones. aws-chunked bodies are decoded and verified by the verifier,
// and aws-chunked is never stored in Content-Encoding.
//
// Conditional writes hold under concurrency, as on S3: If-None-Match: * and
// If-Match on PutObject, CopyObject and CompleteMultipartUpload are judged
// by the store under the lock that commits the write, so of concurrent
// create-if-absent writes exactly one wins and the others get 412
// PreconditionFailed, and an If-Match compare-and-swap cannot lose an
// update. (The early look before the body is read only saves the upload.)
//
// Versioning follows S3: once a bucket's versioning is Enabled every write
// gets an x-amz-version-id and a DELETE without versionId adds a delete
// marker; Suspended writes replace the null version; ?versionId reaches one
// version on GET, HEAD, DELETE and object tagging, and ?versions lists them
// (see store.Versions for what a store keeps).
//
// Object ?tagging, ?attributes, ?versioning and ?versions are implemented; the
// sub-resources strictS3 does not implement (?acl, ?policy, bucket ?tagging,
// ?retention, ...) answer 501 NotImplemented and change nothing: the router
// names every S3 sub-resource, so one strictS3 lacks can never fall through
// to PutObject and overwrite an object. The query is read once, with
// verifier.ParseQuery, the parser the signature is checked with: ';' is an
// ordinary character there (Go's url.ParseQuery would silently drop such a
// pair, and "?partNumber=1&uploadId=a;b" would route as PutObject).
//
// Request documents read into memory are bounded (CreateBucket,
// DeleteObjects and CompleteMultipartUpload at 8 MiB, MaxMessageLengthExceeded
// beyond; CORS configurations at S3's 64 KB; POST fields before the file at
// S3's 20 KB), and error documents and response headers never carry bytes
// XML or HTTP cannot: FuzzServer holds the server to this.
//
// Addressing reads path-style from IP addresses, single-label hosts
// (localhost, a compose service name) and the BaseDomain itself. Any other
// Host is answered 404 NoSuchBucket naming the Host, as S3 answers a Host
// that is none of its endpoints (it reads it as a bucket name), with a
// diagnosis naming the base domain: a virtual-hosted request for an
// endpoint outside it can never be misread as path-style.
//
// The path prefix ControlPrefix ("/_stricts3/") is the server's own API on
// path-style requests, never a bucket: GET health and clock are open; the
// clock endpoints that move an AdjustableClock (OffsetClock) and the reset
// of the store need a SigV4 signature by a key without a policy. Options.Buckets
// are created at start and again by a reset.
//
// The request inspector keeps the most recent requests (Options.Inspector,
// Options.InspectorSize) and serves them under ControlPrefix: a page that
// updates live, and the same as JSON (requests, requests/{id}). It answers
// loopback peers only by default, never holds a computed signature, secret
// or session token, and records each request when its status is decided.
// Warn-only mode (Options.Enforce = EnforceWarn) runs every check but
// serves what S3 would refuse as a lax emulator would (the identity a
// request claims, access granted, the body stored as sent), marking the
// response with WarningHeader and counting it in Server.Report; checks that
// protect the server itself still refuse.
//
// NewTestServer starts a Server on a loopback port for Go tests, with a
// manual clock and a ready aws-sdk-go-v2 client, in the style of
// net/http/httptest.
package emulator
