// Package store is the emulator's storage: a narrow interface the S3
// handlers use, an in-memory implementation (NewMemory), a directory
// implementation (NewDir) and an adapter that puts any gofakes3 backend
// behind it (FromGofakes3).
//
// Writes are commit-or-nothing. PutObject and UploadPart read the body to
// EOF before anything becomes visible; if the reader returns an error (a
// verification failure surfaces that way, at EOF), the store discards what
// it read and the previous object stays as it was. A write may carry a
// PutCondition, judged atomically with its commit (see PutCondition).
//
// Reads open an object once (Store.OpenObject): the info and the bytes of
// the returned Object belong to one version, however the key changes while
// it is read.
package store

import (
	"context"
	"errors"
	"io"
	"time"
)

// Errors a Store returns. The emulator maps them to S3 codes.
var (
	ErrNoSuchBucket       = errors.New("store: no such bucket")
	ErrBucketExists       = errors.New("store: bucket already exists")
	ErrBucketNotEmpty     = errors.New("store: bucket not empty")
	ErrNoSuchKey          = errors.New("store: no such key")
	ErrNoSuchUpload       = errors.New("store: no such upload")
	ErrNoSuchPart         = errors.New("store: no such part")
	ErrNoSuchBucketConfig = errors.New("store: no such bucket configuration")
	// ErrInvalidKey is returned by PutObject and CreateUpload for the empty
	// key and for keys that are not valid UTF-8.
	ErrInvalidKey = errors.New("store: invalid key")
)

// Checksum is a stored x-amz-checksum-* value.
type Checksum struct {
	// Algorithm is CRC32, CRC32C, CRC64NVME, SHA1 or SHA256.
	Algorithm string
	// Value is base64 as S3 returns it; a composite multipart value ends "-N".
	Value string
	// Type is FULL_OBJECT or COMPOSITE.
	Type string
}

// ObjectMeta is what S3 stores beside an object's bytes.
type ObjectMeta struct {
	ContentType        string
	ContentEncoding    string
	ContentDisposition string
	ContentLanguage    string
	CacheControl       string
	Expires            string
	// User holds x-amz-meta-* values keyed by the lower-case name without the prefix.
	User         map[string]string
	StorageClass string
	// Tagging is the URL-encoded tag set (x-amz-tagging form), if any.
	Tagging string
	// ACL is the object's access control list, encoded by the emulator
	// (opaque to stores, which keep it as they keep Tagging); "" is the
	// bucket owner's FULL_CONTROL alone, as on a bucket with ACLs
	// disabled.
	ACL      string `json:",omitempty"`
	Checksum *Checksum
	// Lock is the version's Object Lock state; nil when it has none.
	Lock *ObjectLock `json:",omitempty"`
}

// Object Lock retention modes.
const (
	LockGovernance = "GOVERNANCE"
	LockCompliance = "COMPLIANCE"
)

// ObjectLock is what S3 Object Lock keeps on one object version: a
// retention (Mode until RetainUntil) and a legal hold, independent of
// each other.
type ObjectLock struct {
	// Mode is LockGovernance or LockCompliance; "" when the version has no
	// retention.
	Mode        string    `json:",omitempty"`
	RetainUntil time.Time `json:",omitzero"`
	// LegalHold is "ON" or "OFF" once set, "" when never set (S3 tells
	// the two apart: a version never held has no legal-hold state).
	LegalHold string `json:",omitempty"`
}

// IsZero reports whether l holds neither a retention nor a legal hold.
func (l ObjectLock) IsZero() bool {
	return l.Mode == "" && l.RetainUntil.IsZero() && l.LegalHold == ""
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Bucket       string
	Key          string
	Size         int64
	ETag         string // quoted, e.g. "\"9b2cf535f27731c974343645a3985328\""
	LastModified time.Time
	Meta         ObjectMeta
	// PartSizes, for objects made by CompleteMultipartUpload, lets GET
	// ?partNumber= address a part; nil for a simple object.
	PartSizes []int64
	// PartChecksums, for multipart objects, are the parts' checksum values
	// (CompletePart.Checksum, "" where none), for GET ?partNumber= with
	// x-amz-checksum-mode.
	PartChecksums []string
	// VersionID is the version's id; "" is the null version, which is the
	// only one a never-versioned bucket has (S3 shows it as "null").
	VersionID string
	// IsDeleteMarker marks a delete marker: a version without bytes.
	IsDeleteMarker bool
	// IsLatest is set by ListObjectVersions on each key's current version.
	IsLatest bool
}

// PartsCount is the number of parts of an object made by
// CompleteMultipartUpload, 0 for a simple object.
func (o ObjectInfo) PartsCount() int { return len(o.PartSizes) }

// BucketInfo describes a bucket.
type BucketInfo struct {
	Name         string
	CreationDate time.Time
	Region       string
	// Versioning is "", VersioningEnabled or VersioningSuspended.
	Versioning string `json:",omitempty"`
}

// ListOptions are ListObjects(V2) parameters, already validated.
type ListOptions struct {
	Prefix    string
	Delimiter string
	// After is exclusive: keys (and common prefixes) <= After are skipped.
	// ListObjects' marker, V2's start-after and continuation token map to it.
	After   string
	MaxKeys int
}

// ListResult is one page of a listing, in UTF-8 binary key order.
type ListResult struct {
	Objects        []ObjectInfo
	CommonPrefixes []string
	IsTruncated    bool
	// NextAfter is the last key or common prefix returned; pass it as After.
	NextAfter string
}

// Range is a resolved byte range [Start, Start+Length).
type Range struct {
	Start, Length int64
}

// PartInfo describes one uploaded part.
type PartInfo struct {
	PartNumber   int
	Size         int64
	ETag         string
	LastModified time.Time
	Checksum     *Checksum
}

// UploadInfo describes an in-progress multipart upload.
type UploadInfo struct {
	Bucket    string
	Key       string
	UploadID  string
	Initiated time.Time
	Meta      ObjectMeta
}

// CompletePart names one part in CompleteMultipartUpload, after the
// emulator checked order, ETags, sizes and checksums.
type CompletePart struct {
	PartNumber int
	// ETag is the part's ETag the emulator checked (quotes optional). The
	// store assembles the part only if it still has this ETag, so a part
	// replaced by a concurrent UploadPart cannot slip other bytes in.
	ETag string
	// Checksum is the part's checksum value kept with the object (see
	// ObjectInfo.PartChecksums); "" for none.
	Checksum string
}

// HashedBody is a PutObject or UploadPart body that computes its own MD5,
// as a verified request body (verifier.Body) does. Once Read has returned
// io.EOF, MD5 is the digest of every byte read; a store takes it for the
// ETag instead of hashing the bytes a second time.
type HashedBody interface {
	io.Reader
	MD5() []byte
}

// SizedBody is a PutObject or UploadPart body that knows how many bytes it
// should yield: the request's Content-Length, or x-amz-decoded-content-length
// for an aws-chunked body. A store may allocate that much up front. It is a
// hint, not a promise: a body that yields more or fewer bytes is still read
// to its end (the verifier rejects a wrong length there).
type SizedBody interface {
	io.Reader
	// ExpectedSize is the declared length, or -1 when none is known.
	ExpectedSize() int64
}

// Object is one version of an object, opened by Store.OpenObject. It stays
// readable after the key is overwritten or deleted, until Close.
type Object interface {
	// Info describes this version; the caller may keep and change it.
	Info() ObjectInfo
	// Reader returns this version's bytes in rng (the whole object when
	// nil), rng clamped to the object's size. An Object serves one reader
	// at a time: a second Reader call ends the first one's use.
	Reader(rng *Range) (io.Reader, error)
	// Close releases the version (a file a directory store holds open).
	Close() error
}

// GetObject opens key's object and returns its info and a reader over rng
// (the whole object when nil) that closes the object: a short form of
// OpenObject for callers that read once.
func GetObject(ctx context.Context, s Store, bucket, key string, rng *Range) (ObjectInfo, io.ReadCloser, error) {
	obj, err := s.OpenObject(ctx, bucket, key)
	if err != nil {
		return ObjectInfo{}, nil, err
	}
	r, err := obj.Reader(rng)
	if err != nil {
		obj.Close()
		return ObjectInfo{}, nil, err
	}
	return obj.Info(), objectReadCloser{r, obj}, nil
}

type objectReadCloser struct {
	io.Reader
	io.Closer
}

// Store is everything the S3 handlers need from storage.
type Store interface {
	CreateBucket(ctx context.Context, name, region string) error
	// BucketInfo returns ErrNoSuchBucket when the bucket is absent.
	BucketInfo(ctx context.Context, name string) (BucketInfo, error)
	ListBuckets(ctx context.Context) ([]BucketInfo, error)
	// DeleteBucket returns ErrBucketNotEmpty while objects or uploads remain.
	DeleteBucket(ctx context.Context, name string) error

	// PutBucketConfig stores an opaque sub-resource document (e.g. "cors").
	PutBucketConfig(ctx context.Context, bucket, name string, doc []byte) error
	// GetBucketConfig returns ErrNoSuchBucketConfig when none is set. The
	// caller must not modify the document: a store may return the one it
	// keeps rather than a copy.
	GetBucketConfig(ctx context.Context, bucket, name string) ([]byte, error)
	DeleteBucketConfig(ctx context.Context, bucket, name string) error

	// PutObject reads body to EOF and commits only if it returned io.EOF.
	// It computes size and ETag (MD5, unless body is a HashedBody) and
	// replaces object and metadata whole.
	// meta is read only after body returned io.EOF, so a caller may fill in
	// a value computed from the body (its checksum) while it is read.
	// cond is judged against the key's object at the commit, under the
	// lock that makes the write visible; if it fails (ErrPreconditionFailed
	// or ErrNoSuchKey, see PutCondition.Check) nothing is written.
	PutObject(ctx context.Context, bucket, key string, meta ObjectMeta, cond PutCondition, body io.Reader) (ObjectInfo, error)
	HeadObject(ctx context.Context, bucket, key string) (ObjectInfo, error)
	// OpenObject opens the key's current object once: its info and its
	// bytes belong to the same write, whatever writes or deletes follow,
	// so conditions judged on Info hold for the bytes Reader returns. The
	// caller closes it.
	OpenObject(ctx context.Context, bucket, key string) (Object, error)
	// SetObjectTagging replaces the object's Meta.Tagging (the URL-encoded
	// tag set; "" removes every tag) and nothing else: bytes, ETag,
	// LastModified and the other metadata stay as they are, as S3's
	// PutObjectTagging and DeleteObjectTagging leave them. It is atomic
	// with respect to every other write of the key: either the new tag set
	// is committed on the object current at that moment, or nothing
	// changes. It returns ErrNoSuchBucket or ErrNoSuchKey.
	SetObjectTagging(ctx context.Context, bucket, key, tagging string) (ObjectInfo, error)
	// DeleteObject succeeds when the key is absent, as S3 does.
	DeleteObject(ctx context.Context, bucket, key string) error
	ListObjects(ctx context.Context, bucket string, opts ListOptions) (ListResult, error)

	CreateUpload(ctx context.Context, bucket, key string, meta ObjectMeta) (UploadInfo, error)
	GetUpload(ctx context.Context, bucket, key, uploadID string) (UploadInfo, error)
	// UploadPart has PutObject's commit rules; a part replaces an earlier
	// one with the same number. checksum, when non-nil, is stored with it;
	// like PutObject's meta it is read only after body returned io.EOF.
	UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, checksum *Checksum, body io.Reader) (PartInfo, error)
	ListParts(ctx context.Context, bucket, key, uploadID string) ([]PartInfo, error)
	ListUploads(ctx context.Context, bucket string) ([]UploadInfo, error)
	// CompleteUpload concatenates parts into the object, with the ETag and
	// final metadata the emulator computed, and removes the upload. A part
	// that is absent or has another ETag than the CompletePart names is
	// ErrNoSuchPart. cond is judged as PutObject's; when a part or cond
	// fails, nothing is written and the upload stays.
	CompleteUpload(ctx context.Context, bucket, key, uploadID string, parts []CompletePart, etag string, meta ObjectMeta, cond PutCondition) (ObjectInfo, error)
	AbortUpload(ctx context.Context, bucket, key, uploadID string) error

	Versions
}

// Versions is the part of Store that keeps object versions, as S3 does
// once a bucket's versioning is enabled. On such a bucket PutObject and
// CompleteUpload give each write a new version id (ObjectInfo.VersionID),
// DeleteObject adds a delete marker, and the key-only methods (HeadObject,
// OpenObject, SetObjectTagging, ListObjects) see the current version: a key
// whose current version is a marker reads as absent (a *DeleteMarkerError
// that unwraps to ErrNoSuchKey). While suspended, writes replace the null
// version. A versionID argument is "null" (or "") for the null version.
// A store that cannot keep versions returns ErrNotImplemented.
type Versions interface {
	// SetBucketVersioning sets the bucket's status (BucketInfo.Versioning)
	// to VersioningEnabled or VersioningSuspended.
	SetBucketVersioning(ctx context.Context, bucket, status string) error
	// OpenObjectVersion opens one version as OpenObject opens the current
	// one: ErrNoSuchVersion when absent, a *DeleteMarkerError for a marker.
	OpenObjectVersion(ctx context.Context, bucket, key, versionID string) (Object, error)
	// DeleteObjectVersion removes the version named versionID for good (an
	// absent version is no error); with versionID "" it does what
	// DeleteObject does and says whether it made a delete marker.
	DeleteObjectVersion(ctx context.Context, bucket, key, versionID string) (DeleteResult, error)
	// DeleteObjectVersionIf is DeleteObjectVersion for a named version
	// (versionID not "") that first asks check, under the store's lock,
	// whether that version may go: a check's error is returned and nothing
	// is deleted, so a rule it judges (Object Lock retention) holds against
	// concurrent changes. An absent version or a marker is not checked.
	DeleteObjectVersionIf(ctx context.Context, bucket, key, versionID string, check func(ObjectInfo) error) (DeleteResult, error)
	// SetObjectVersionTagging is SetObjectTagging for one version; a marker
	// is a *DeleteMarkerError.
	SetObjectVersionTagging(ctx context.Context, bucket, key, versionID, tagging string) (ObjectInfo, error)
	// SetObjectVersionLock replaces one version's Meta.Lock by what update
	// returns given the current state (the zero ObjectLock for none), and
	// nothing else, atomically with every other write of the key: update
	// runs under the store's lock, so a rule it checks (a COMPLIANCE
	// retention may not be shortened) holds at the commit. An error from
	// update changes nothing and is returned as is. A marker is a
	// *DeleteMarkerError; a store that cannot keep versions returns
	// ErrNotImplemented.
	SetObjectVersionLock(ctx context.Context, bucket, key, versionID string, update func(ObjectLock) (ObjectLock, error)) (ObjectInfo, error)
	// SetObjectVersionACL replaces one version's Meta.ACL and nothing
	// else, with SetObjectTagging's atomicity; versionID "" is the current
	// version.
	SetObjectVersionACL(ctx context.Context, bucket, key, versionID, acl string) (ObjectInfo, error)
	ListObjectVersions(ctx context.Context, bucket string, opts VersionListOptions) (VersionListResult, error)
}
