package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Multipart uploads are the backend's own; the upload's metadata and the
// id of the record the object will get live in an upload sidecar, and
// each part's checksum and time in the name of an empty part sidecar, so
// ListParts costs two listings whatever the number of parts.

// uploadSidecar is an upload's metadata. The backend upload was created
// with only the content headers and the record entry "s"+RecordID; the
// record, written at Complete, carries the whole final metadata.
type uploadSidecar struct {
	Key       string     `json:"key"`
	RecordID  string     `json:"record"`
	Initiated time.Time  `json:"initiated"`
	Meta      ObjectMeta `json:"meta"`
}

// CreateUpload creates the backend upload and its sidecar.
func (r *remoteStore) CreateUpload(ctx context.Context, bucket, key string, meta ObjectMeta) (UploadInfo, error) {
	if err := checkKey(key); err != nil {
		return UploadInfo{}, err
	}
	side := uploadSidecar{Key: key, RecordID: newUploadID(), Initiated: r.clock.Now().UTC(), Meta: cloneMeta(meta)}
	var out *s3.CreateMultipartUploadOutput
	err := r.call(ctx, func(ctx context.Context) error {
		var err error
		out, err = r.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
			Bucket: aws.String(r.backendName(bucket)), Key: aws.String(key),
			ContentType: nonEmpty(meta.ContentType), ContentEncoding: nonEmpty(meta.ContentEncoding),
			ContentDisposition: nonEmpty(meta.ContentDisposition), ContentLanguage: nonEmpty(meta.ContentLanguage),
			CacheControl: nonEmpty(meta.CacheControl),
			Metadata:     map[string]string{recordMetaKey: recordSidecar + side.RecordID},
		})
		return r.fromBackend("CreateMultipartUpload", err, ErrNoSuchBucket)
	})
	if err != nil {
		return UploadInfo{}, err
	}
	id := aws.ToString(out.UploadId)
	if err := r.putSidecar(ctx, uploadSidecarKey(bucket, id), side); err != nil {
		return UploadInfo{}, err
	}
	return UploadInfo{Bucket: bucket, Key: key, UploadID: id, Initiated: side.Initiated, Meta: cloneMeta(meta)}, nil
}

func (r *remoteStore) uploadSidecar(ctx context.Context, bucket, key, uploadID string) (uploadSidecar, error) {
	var side uploadSidecar
	err := r.getSidecar(ctx, uploadSidecarKey(bucket, uploadID), &side)
	if errors.Is(err, ErrNoSuchKey) {
		if _, err := r.BucketInfo(ctx, bucket); err != nil {
			return side, err
		}
		return side, ErrNoSuchUpload
	}
	if err != nil {
		return side, err
	}
	if side.Key != key {
		return side, ErrNoSuchUpload
	}
	return side, nil
}

// GetUpload reads the upload's sidecar.
func (r *remoteStore) GetUpload(ctx context.Context, bucket, key, uploadID string) (UploadInfo, error) {
	side, err := r.uploadSidecar(ctx, bucket, key, uploadID)
	if err != nil {
		return UploadInfo{}, err
	}
	return UploadInfo{Bucket: bucket, Key: key, UploadID: uploadID, Initiated: side.Initiated, Meta: cloneMeta(side.Meta)}, nil
}

// partSidecarName encodes what a part sidecar says in its key.
func partSidecarName(prefix string, p PartInfo) string {
	sum, _ := json.Marshal(p.Checksum)
	return fmt.Sprintf("%s%05d.%s.%d.%s", prefix, p.PartNumber, strings.Trim(p.ETag, `"`), p.LastModified.UnixNano(), base64.RawURLEncoding.EncodeToString(sum))
}

func parsePartSidecarName(name string) (PartInfo, bool) {
	f := strings.Split(name, ".")
	if len(f) != 4 {
		return PartInfo{}, false
	}
	n, err1 := strconv.Atoi(f[0])
	ns, err2 := strconv.ParseInt(f[2], 10, 64)
	sum, err3 := base64.RawURLEncoding.DecodeString(f[3])
	if err1 != nil || err2 != nil || err3 != nil {
		return PartInfo{}, false
	}
	p := PartInfo{PartNumber: n, ETag: `"` + f[1] + `"`, LastModified: time.Unix(0, ns).UTC()}
	if json.Unmarshal(sum, &p.Checksum) != nil {
		return PartInfo{}, false
	}
	return p, true
}

// UploadPart streams the part to the backend, then names its sidecar.
func (r *remoteStore) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, checksum *Checksum, body io.Reader) (PartInfo, error) {
	if _, err := r.uploadSidecar(ctx, bucket, key, uploadID); err != nil {
		return PartInfo{}, err
	}
	hasher := newETagHasher(body)
	up, err := prepareBody(body, hasher.reader(body), r.cfg.SpoolDir)
	if err != nil {
		return PartInfo{}, err
	}
	defer up.cleanup()
	if up.held != nil {
		if err := up.held.drainEmpty(); err != nil {
			return PartInfo{}, err
		}
	}
	ictx, ic, cancel := withIdleCancel(ctx, r.cfg.Timeout)
	defer cancel()
	_, err = r.client.UploadPart(ictx, &s3.UploadPartInput{
		Bucket: aws.String(r.backendName(bucket)), Key: aws.String(key), UploadId: aws.String(uploadID),
		PartNumber: aws.Int32(int32(partNumber)), Body: touchingReader{up.body, ic}, ContentLength: aws.Int64(up.size),
	}, unsignedPayload)
	if err != nil {
		if up.held != nil && up.held.failure() != nil {
			return PartInfo{}, up.held.failure()
		}
		if ic.timedOut() {
			err = context.DeadlineExceeded
		}
		return PartInfo{}, r.fromBackend("UploadPart", err, ErrNoSuchUpload)
	}
	part := PartInfo{PartNumber: partNumber, Size: up.size, ETag: quotedETag(hasher.sum()), LastModified: r.clock.Now().UTC(), Checksum: cloneChecksum(checksum)}
	err = r.call(ctx, func(ctx context.Context) error {
		_, err := r.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(r.sidecar), Key: aws.String(partSidecarName(partsSidecarPrefix(bucket, uploadID), part)),
			Body: strings.NewReader(""), ContentLength: aws.Int64(0),
		})
		return r.fromBackend("PutObject (part sidecar)", err, nil)
	})
	return part, err
}

// ListParts joins the backend's parts with their sidecars; a sidecar
// counts only if it names the part's current ETag.
func (r *remoteStore) ListParts(ctx context.Context, bucket, key, uploadID string) ([]PartInfo, error) {
	if _, err := r.uploadSidecar(ctx, bucket, key, uploadID); err != nil {
		return nil, err
	}
	backend, err := r.backendParts(ctx, bucket, key, uploadID)
	if err != nil {
		return nil, err
	}
	sides, err := r.partSidecars(ctx, bucket, uploadID)
	if err != nil {
		return nil, err
	}
	parts := make([]PartInfo, 0, len(backend))
	for _, p := range backend {
		var best *PartInfo
		for i, s := range sides[p.PartNumber] {
			if s.ETag == p.ETag && (best == nil || s.LastModified.After(best.LastModified)) {
				best = &sides[p.PartNumber][i]
			}
		}
		if best != nil {
			p.LastModified, p.Checksum = best.LastModified, best.Checksum
		}
		parts = append(parts, p)
	}
	return parts, nil
}

func (r *remoteStore) backendParts(ctx context.Context, bucket, key, uploadID string) ([]PartInfo, error) {
	var parts []PartInfo
	var marker *string
	for {
		var out *s3.ListPartsOutput
		err := r.call(ctx, func(ctx context.Context) error {
			var err error
			out, err = r.client.ListParts(ctx, &s3.ListPartsInput{
				Bucket: aws.String(r.backendName(bucket)), Key: aws.String(key), UploadId: aws.String(uploadID), PartNumberMarker: marker,
			})
			return r.fromBackend("ListParts", err, ErrNoSuchUpload)
		})
		if err != nil {
			return nil, err
		}
		for _, p := range out.Parts {
			parts = append(parts, PartInfo{PartNumber: int(aws.ToInt32(p.PartNumber)), Size: aws.ToInt64(p.Size), ETag: aws.ToString(p.ETag), LastModified: aws.ToTime(p.LastModified).UTC()})
		}
		if !aws.ToBool(out.IsTruncated) || len(out.Parts) == 0 {
			return parts, nil
		}
		marker = out.NextPartNumberMarker
	}
}

func (r *remoteStore) partSidecars(ctx context.Context, bucket, uploadID string) (map[int][]PartInfo, error) {
	prefix := partsSidecarPrefix(bucket, uploadID)
	sides := make(map[int][]PartInfo)
	var after *string
	for {
		var out *s3.ListObjectsV2Output
		err := r.call(ctx, func(ctx context.Context) error {
			var err error
			out, err = r.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(r.sidecar), Prefix: aws.String(prefix), StartAfter: after})
			return r.fromBackend("ListObjectsV2 (part sidecars)", err, nil)
		})
		if err != nil {
			return nil, err
		}
		for _, o := range out.Contents {
			if p, ok := parsePartSidecarName(strings.TrimPrefix(aws.ToString(o.Key), prefix)); ok {
				sides[p.PartNumber] = append(sides[p.PartNumber], p)
			}
			after = o.Key
		}
		if !aws.ToBool(out.IsTruncated) || len(out.Contents) == 0 {
			return sides, nil
		}
	}
}

// ListUploads lists the backend's uploads with their sidecars' metadata;
// an upload without one (made on the backend directly) is left out.
func (r *remoteStore) ListUploads(ctx context.Context, bucket string) ([]UploadInfo, error) {
	var ups []UploadInfo
	var keyMarker, idMarker *string
	for {
		var out *s3.ListMultipartUploadsOutput
		err := r.call(ctx, func(ctx context.Context) error {
			var err error
			out, err = r.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(r.backendName(bucket)), KeyMarker: keyMarker, UploadIdMarker: idMarker})
			return r.fromBackend("ListMultipartUploads", err, ErrNoSuchBucket)
		})
		if errors.Is(err, ErrNoSuchUpload) {
			break // gofakes3's answer for a bucket without uploads
		}
		if err != nil {
			return nil, err
		}
		for _, u := range out.Uploads {
			up, err := r.GetUpload(ctx, bucket, aws.ToString(u.Key), aws.ToString(u.UploadId))
			if errors.Is(err, ErrNoSuchUpload) {
				continue
			}
			if err != nil {
				return nil, err
			}
			ups = append(ups, up)
		}
		if !aws.ToBool(out.IsTruncated) || len(out.Uploads) == 0 {
			break
		}
		keyMarker, idMarker = out.NextKeyMarker, out.NextUploadIdMarker
	}
	sortUploads(ups)
	return ups, nil
}

// CompleteUpload writes the object's record, then has the backend
// assemble the parts, judging cond (see backendCondition) and the part
// ETags itself.
func (r *remoteStore) CompleteUpload(ctx context.Context, bucket, key, uploadID string, parts []CompletePart, etag string, meta ObjectMeta, cond PutCondition) (ObjectInfo, error) {
	if r.judgesInProcess() {
		defer r.keyLocks.lock(bucket + "/" + key)()
	}
	side, err := r.uploadSidecar(ctx, bucket, key, uploadID)
	if err != nil {
		return ObjectInfo{}, err
	}
	have, err := r.backendParts(ctx, bucket, key, uploadID)
	if err != nil {
		return ObjectInfo{}, err
	}
	sizes := make(map[int]PartInfo, len(have))
	for _, p := range have {
		sizes[p.PartNumber] = p
	}
	rec := newRecord(etag, r.clock.Now().UTC(), meta)
	rec.PartChecksums = partChecksums(parts)
	completed := make([]types.CompletedPart, 0, len(parts))
	var size int64
	for _, p := range parts {
		got, ok := sizes[p.PartNumber]
		if !ok || strings.Trim(got.ETag, `"`) != strings.Trim(p.ETag, `"`) {
			return ObjectInfo{}, ErrNoSuchPart
		}
		rec.PartSizes = append(rec.PartSizes, got.Size)
		size += got.Size
		completed = append(completed, types.CompletedPart{PartNumber: aws.Int32(int32(p.PartNumber)), ETag: aws.String(got.ETag)})
	}
	cur, err := r.head(ctx, bucket, key, cond.IfMatch != "")
	if err != nil {
		return ObjectInfo{}, err
	}
	ifNoneMatch, ifMatch, err := r.backendCondition(cond, cur)
	if err != nil {
		return ObjectInfo{}, err
	}
	if err := r.putSidecar(ctx, recordSidecarKey(bucket, side.RecordID), rec); err != nil {
		return ObjectInfo{}, err
	}
	err = r.call(ctx, func(ctx context.Context) error {
		_, err := r.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket: aws.String(r.backendName(bucket)), Key: aws.String(key), UploadId: aws.String(uploadID),
			MultipartUpload: &types.CompletedMultipartUpload{Parts: completed},
			IfNoneMatch:     ifNoneMatch, IfMatch: ifMatch,
		})
		return r.fromBackend("CompleteMultipartUpload", err, ErrNoSuchUpload)
	})
	if err != nil {
		return ObjectInfo{}, err
	}
	r.dropUploadSidecars(ctx, bucket, uploadID)
	r.dropRecord(ctx, bucket, cur)
	return ObjectInfo{Bucket: bucket, Key: key, Size: size, ETag: etag, LastModified: rec.LastModified, Meta: cloneMeta(meta),
		PartSizes: rec.PartSizes, PartChecksums: rec.PartChecksums}, nil
}

func (r *remoteStore) dropUploadSidecars(ctx context.Context, bucket, uploadID string) {
	ctx = context.WithoutCancel(ctx)
	_ = r.deleteSidecars(ctx, partsSidecarPrefix(bucket, uploadID))
	_ = r.deleteSidecar(ctx, uploadSidecarKey(bucket, uploadID))
}

// AbortUpload aborts the backend upload and drops its sidecars.
func (r *remoteStore) AbortUpload(ctx context.Context, bucket, key, uploadID string) error {
	side, err := r.uploadSidecar(ctx, bucket, key, uploadID)
	if err != nil {
		return err
	}
	err = r.call(ctx, func(ctx context.Context) error {
		_, err := r.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(r.backendName(bucket)), Key: aws.String(key), UploadId: aws.String(uploadID)})
		return r.fromBackend("AbortMultipartUpload", err, ErrNoSuchUpload)
	})
	if err != nil {
		return err
	}
	r.dropUploadSidecars(ctx, bucket, uploadID)
	_ = r.deleteSidecar(context.WithoutCancel(ctx), recordSidecarKey(bucket, side.RecordID))
	return nil
}
