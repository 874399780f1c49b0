package store

import (
	"context"
	"errors"
	"io"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// unsignedPayload lets a streamed body go unhashed: strictS3 verified it.
var unsignedPayload = s3.WithAPIOptions(v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware)

// current is what a write needs to know about the key's object before it.
type current struct {
	native string // the backend's ETag
	entry  string // the record entry
	info   *ObjectInfo
}

// head reads the key's object as the backend has it; nil when absent.
// withInfo also loads the record, for a condition on strictS3's ETag.
func (r *remoteStore) head(ctx context.Context, bucket, key string, withInfo bool) (*current, error) {
	for range 3 {
		var out *s3.HeadObjectOutput
		err := r.call(ctx, func(ctx context.Context) error {
			var err error
			out, err = r.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(r.backendName(bucket)), Key: aws.String(key)})
			return r.fromBackend("HeadObject", err, ErrNoSuchKey)
		})
		if errors.Is(err, ErrNoSuchKey) {
			if _, err := r.BucketInfo(ctx, bucket); err != nil {
				return nil, err
			}
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		cur := &current{native: aws.ToString(out.ETag), entry: out.Metadata[recordMetaKey]}
		if !withInfo {
			return cur, nil
		}
		info, err := r.objectInfo(ctx, bucket, key, nativeHeaders{
			ContentType: out.ContentType, ContentEncoding: out.ContentEncoding, ContentDisposition: out.ContentDisposition,
			ContentLanguage: out.ContentLanguage, CacheControl: out.CacheControl, Metadata: out.Metadata,
			ETag: out.ETag, LastModified: out.LastModified, Size: out.ContentLength,
		})
		if errors.Is(err, errRecordGone) {
			continue // overwritten between the HEAD and the record: look again
		}
		if err != nil {
			return nil, err
		}
		cur.info = &info
		return cur, nil
	}
	return nil, r.fromBackend("HeadObject", errRecordGone, nil)
}

// backendCondition judges cond for a write of the key and returns the
// conditions the backend must judge with the commit. With
// ConditionalWritesProcess the caller holds the key's lock and the
// backend gets none; otherwise If-Match on strictS3's ETag becomes
// If-Match on the backend's ETag of the same object, so the backend still
// refuses the write if that object was replaced meanwhile.
func (r *remoteStore) backendCondition(cond PutCondition, cur *current) (ifNoneMatch, ifMatch *string, err error) {
	var info *ObjectInfo
	if cur != nil {
		info = cur.info
		if info == nil {
			info = &ObjectInfo{} // cond.IfMatch is empty: only presence counts
		}
	}
	if err := cond.Check(info); err != nil {
		return nil, nil, err
	}
	if r.cfg.ConditionalWrites == ConditionalWritesProcess {
		return nil, nil, nil
	}
	if cond.IfNoneMatch {
		ifNoneMatch = aws.String("*")
	}
	if cond.IfMatch != "" {
		ifMatch = aws.String(cur.native)
	}
	return ifNoneMatch, ifMatch, nil
}

// PutObject streams body to the backend (see heldBody) with the record
// written as a sidecar once the body has ended well and its metadata is
// final; a body of unknown length is spooled first and its record inlined.
func (r *remoteStore) PutObject(ctx context.Context, bucket, key string, meta ObjectMeta, cond PutCondition, body io.Reader) (ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return ObjectInfo{}, err
	}
	hasher := newETagHasher(body)
	sized := body
	if r.judgesInProcess() {
		// Read (spool) the body before taking the key's lock, so
		// concurrent writers do not wait for each other's uploads.
		sized = struct{ io.Reader }{body}
	}
	up, err := prepareBody(sized, hasher.reader(body), r.cfg.SpoolDir)
	if err != nil {
		return ObjectInfo{}, err
	}
	defer up.cleanup()
	if r.judgesInProcess() {
		defer r.keyLocks.lock(bucket + "/" + key)()
	}
	cur, err := r.head(ctx, bucket, key, cond.IfMatch != "")
	if err != nil {
		return ObjectInfo{}, err
	}
	ifNoneMatch, ifMatch, err := r.backendCondition(cond, cur)
	if err != nil {
		return ObjectInfo{}, err
	}

	native := nativeUserMeta(meta.User)
	var rec remoteRecord
	var recordID string
	finish := func() error {
		rec = newRecord(quotedETag(hasher.sum()), r.clock.Now().UTC(), meta)
		if recordID != "" {
			return r.putSidecar(ctx, recordSidecarKey(bucket, recordID), rec)
		}
		return r.attachRecord(ctx, bucket, native, rec)
	}
	if up.held != nil {
		recordID = newUploadID()
		native[recordMetaKey] = recordSidecar + recordID
		up.held.beforeLast = finish
		if err := up.held.drainEmpty(); err != nil {
			return ObjectInfo{}, err
		}
	} else if err := finish(); err != nil {
		return ObjectInfo{}, err
	}

	ictx, ic, cancel := withIdleCancel(ctx, r.cfg.Timeout)
	defer cancel()
	_, err = r.client.PutObject(ictx, &s3.PutObjectInput{
		Bucket: aws.String(r.backendName(bucket)), Key: aws.String(key),
		Body: touchingReader{up.body, ic}, ContentLength: aws.Int64(up.size),
		ContentType: nonEmpty(meta.ContentType), ContentEncoding: nonEmpty(meta.ContentEncoding),
		ContentDisposition: nonEmpty(meta.ContentDisposition), ContentLanguage: nonEmpty(meta.ContentLanguage),
		CacheControl: nonEmpty(meta.CacheControl), Metadata: native,
		IfNoneMatch: ifNoneMatch, IfMatch: ifMatch,
	}, unsignedPayload)
	if err != nil {
		if recordID != "" {
			_ = r.deleteSidecar(context.WithoutCancel(ctx), recordSidecarKey(bucket, recordID))
		}
		if up.held != nil && up.held.failure() != nil {
			return ObjectInfo{}, up.held.failure()
		}
		if ic.timedOut() {
			err = context.DeadlineExceeded
		}
		return ObjectInfo{}, r.fromBackend("PutObject", err, nil)
	}
	r.dropRecord(ctx, bucket, cur)
	info := ObjectInfo{Bucket: bucket, Key: key, Size: up.size, ETag: rec.ETag, LastModified: rec.LastModified, Meta: cloneMeta(meta)}
	return info, nil
}

// dropRecord deletes the sidecar record of an object just replaced or
// deleted. A reader that opened it has read it already.
func (r *remoteStore) dropRecord(ctx context.Context, bucket string, old *current) {
	if old == nil {
		return
	}
	if id := sidecarRecordID(old.entry); id != "" {
		_ = r.deleteSidecar(context.WithoutCancel(ctx), recordSidecarKey(bucket, id))
	}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// HeadObject combines the backend's HEAD with the record.
func (r *remoteStore) HeadObject(ctx context.Context, bucket, key string) (ObjectInfo, error) {
	cur, err := r.head(ctx, bucket, key, true)
	if err != nil {
		return ObjectInfo{}, err
	}
	if cur == nil {
		return ObjectInfo{}, ErrNoSuchKey
	}
	return *cur.info, nil
}

// DeleteObject deletes the backend object, then its sidecar record.
func (r *remoteStore) DeleteObject(ctx context.Context, bucket, key string) error {
	cur, err := r.head(ctx, bucket, key, false)
	if err != nil {
		return err
	}
	err = r.call(ctx, func(ctx context.Context) error {
		_, err := r.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(r.backendName(bucket)), Key: aws.String(key)})
		return r.fromBackend("DeleteObject", err, nil)
	})
	if err != nil {
		return err
	}
	r.dropRecord(ctx, bucket, cur)
	return nil
}

// SetObjectTagging copies the object onto itself with a new record, on
// condition that the backend still holds the version read (its ETag).
// Objects over 5 GB cannot be copied in one call and answer InternalError.
func (r *remoteStore) SetObjectTagging(ctx context.Context, bucket, key, tagging string) (ObjectInfo, error) {
	return r.setMeta(ctx, bucket, key, func(m *ObjectMeta) { m.Tagging = tagging })
}

// SetObjectACL copies the object onto itself with the new ACL in its
// record, as SetObjectTagging.
func (r *remoteStore) SetObjectACL(ctx context.Context, bucket, key, acl string) (ObjectInfo, error) {
	return r.setMeta(ctx, bucket, key, func(m *ObjectMeta) { m.ACL = acl })
}

func (r *remoteStore) setMeta(ctx context.Context, bucket, key string, set func(*ObjectMeta)) (ObjectInfo, error) {
	unlock := r.keyLocks.lock(bucket + "/" + key)
	defer unlock()
	for range 3 {
		info, err := r.setRecordMeta(ctx, bucket, key, set)
		if !errors.Is(err, ErrPreconditionFailed) {
			return info, err
		}
		// Replaced between the HEAD and the copy: tag the new object.
	}
	return ObjectInfo{}, r.fromBackend("CopyObject (tagging)", errors.New("the object kept changing"), nil)
}

func (r *remoteStore) setRecordMeta(ctx context.Context, bucket, key string, set func(*ObjectMeta)) (ObjectInfo, error) {
	cur, err := r.head(ctx, bucket, key, true)
	if err != nil {
		return ObjectInfo{}, err
	}
	if cur == nil {
		return ObjectInfo{}, ErrNoSuchKey
	}
	info := *cur.info
	info.Meta = cloneMeta(info.Meta)
	set(&info.Meta)
	rec := newRecord(info.ETag, info.LastModified, info.Meta)
	rec.PartSizes, rec.PartChecksums = info.PartSizes, info.PartChecksums
	native := nativeUserMeta(info.Meta.User)
	if err := r.attachRecord(ctx, bucket, native, rec); err != nil {
		return ObjectInfo{}, err
	}
	err = r.call(ctx, func(ctx context.Context) error {
		_, err := r.client.CopyObject(ctx, &s3.CopyObjectInput{
			Bucket: aws.String(r.backendName(bucket)), Key: aws.String(key),
			CopySource:        aws.String(r.backendName(bucket) + "/" + url.PathEscape(key)),
			CopySourceIfMatch: aws.String(cur.native),
			MetadataDirective: types.MetadataDirectiveReplace, Metadata: native,
			ContentType: nonEmpty(info.Meta.ContentType), ContentEncoding: nonEmpty(info.Meta.ContentEncoding),
			ContentDisposition: nonEmpty(info.Meta.ContentDisposition), ContentLanguage: nonEmpty(info.Meta.ContentLanguage),
			CacheControl: nonEmpty(info.Meta.CacheControl),
		})
		return r.fromBackend("CopyObject (tagging)", err, ErrNoSuchKey)
	})
	if err != nil {
		if id := sidecarRecordID(native[recordMetaKey]); id != "" {
			_ = r.deleteSidecar(context.WithoutCancel(ctx), recordSidecarKey(bucket, id))
		}
		return ObjectInfo{}, err
	}
	r.dropRecord(ctx, bucket, cur)
	return cloneInfo(info), nil
}
