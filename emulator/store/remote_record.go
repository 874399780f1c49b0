package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// recordMetaKey is the backend object's x-amz-meta-* entry that carries
// (or names) its record; a client's own entry of that name travels inside
// the record instead.
const recordMetaKey = "stricts3"

// maxBackendUserMeta is S3's limit on x-amz-meta-* keys plus values.
const maxBackendUserMeta = 2048

// remoteRecord is what strictS3 keeps about an object that an S3 backend
// has no header for, or would compute differently.
type remoteRecord struct {
	ETag         string    `json:"e"`
	LastModified time.Time `json:"t"`
	// Meta is the whole metadata. The backend object's own headers and
	// x-amz-meta-* entries are a copy for other readers of the backend:
	// backends drop some (gofakes3 keeps no Content-Language) or add some
	// (a default Content-Type).
	Meta          ObjectMeta `json:"m"`
	PartSizes     []int64    `json:"p,omitempty"`
	PartChecksums []string   `json:"k,omitempty"`
}

func newRecord(etag string, now time.Time, meta ObjectMeta) remoteRecord {
	return remoteRecord{ETag: etag, LastModified: now, Meta: cloneMeta(meta)}
}

// Record entry values: "i" + base64url(JSON) inline, "s" + id naming a
// sidecar record.
const (
	recordInline  = "i"
	recordSidecar = "s"
)

// nativeUserMeta is the client's user metadata as the backend stores it:
// without the reserved entry, which the record carries.
func nativeUserMeta(user map[string]string) map[string]string {
	out := make(map[string]string, len(user)+1)
	for k, v := range user {
		if k != recordMetaKey {
			out[k] = v
		}
	}
	return out
}

// userMetaSize counts as S3 does: the bytes of every key and value.
func userMetaSize(m map[string]string) int {
	n := 0
	for k, v := range m {
		n += len(k) + len(v)
	}
	return n
}

// attachRecord puts rec into the native metadata inline when it fits in
// S3's 2 KB, else writes it as a sidecar and puts its name there.
func (r *remoteStore) attachRecord(ctx context.Context, bucket string, native map[string]string, rec remoteRecord) error {
	doc, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	inline := recordInline + base64.RawURLEncoding.EncodeToString(doc)
	if userMetaSize(native)+len(recordMetaKey)+len(inline) <= maxBackendUserMeta {
		native[recordMetaKey] = inline
		return nil
	}
	id := newUploadID()
	if err := r.putSidecar(ctx, recordSidecarKey(bucket, id), rec); err != nil {
		return err
	}
	native[recordMetaKey] = recordSidecar + id
	return nil
}

// errRecordGone is a sidecar record deleted by a concurrent overwrite
// between reading the object and its record.
var errRecordGone = errors.New("store: object record replaced while read")

// loadRecord reads the record an object's entry holds or names; ok is false
// for an object written to the backend by something else than strictS3.
func (r *remoteStore) loadRecord(ctx context.Context, bucket, entry string) (rec remoteRecord, ok bool, err error) {
	switch {
	case strings.HasPrefix(entry, recordInline):
		doc, err := base64.RawURLEncoding.DecodeString(entry[len(recordInline):])
		if err != nil || json.Unmarshal(doc, &rec) != nil {
			return rec, false, nil
		}
		return rec, true, nil
	case strings.HasPrefix(entry, recordSidecar):
		err := r.getSidecar(ctx, recordSidecarKey(bucket, entry[len(recordSidecar):]), &rec)
		if errors.Is(err, ErrNoSuchKey) {
			return rec, false, errRecordGone
		}
		return rec, err == nil, err
	}
	return rec, false, nil
}

// sidecarRecordID is the id an entry names, "" for an inline record.
func sidecarRecordID(entry string) string {
	if strings.HasPrefix(entry, recordSidecar) {
		return entry[len(recordSidecar):]
	}
	return ""
}

// nativeHeaders are the object headers a backend stores as such.
type nativeHeaders struct {
	ContentType, ContentEncoding, ContentDisposition, ContentLanguage, CacheControl *string
	Metadata                                                                        map[string]string
	ETag                                                                            *string
	LastModified                                                                    *time.Time
	Size                                                                            *int64
}

// objectInfo combines what the backend answered with the record.
func (r *remoteStore) objectInfo(ctx context.Context, bucket, key string, h nativeHeaders) (ObjectInfo, error) {
	info := ObjectInfo{Bucket: bucket, Key: key, Size: deref(h.Size), ETag: deref(h.ETag)}
	if h.LastModified != nil {
		info.LastModified = h.LastModified.UTC()
	}
	info.Meta = ObjectMeta{
		ContentType: deref(h.ContentType), ContentEncoding: deref(h.ContentEncoding),
		ContentDisposition: deref(h.ContentDisposition), ContentLanguage: deref(h.ContentLanguage),
		CacheControl: deref(h.CacheControl),
	}
	user := make(map[string]string, len(h.Metadata))
	var entry string
	for k, v := range h.Metadata {
		if k = strings.ToLower(k); k == recordMetaKey {
			entry = v
			continue
		}
		user[k] = v
	}
	rec, ok, err := r.loadRecord(ctx, bucket, entry)
	if err != nil {
		return ObjectInfo{}, err
	}
	if ok {
		info.Meta = rec.Meta
		info.ETag, info.LastModified = rec.ETag, rec.LastModified
		info.PartSizes, info.PartChecksums = rec.PartSizes, rec.PartChecksums
	} else {
		info.Meta.User = user
	}
	info.Meta = cloneMeta(info.Meta)
	return info, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
