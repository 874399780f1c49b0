package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

type dirUpload struct {
	info  UploadInfo
	path  string
	parts map[int]*partRecord
}

// partRecord is a part's sidecar.
type partRecord struct {
	PartInfo
	Data string // part file name, in the upload's directory
}

// upload finds an upload; the caller holds d.mu.
func (d *Dir) upload(bucket, key, uploadID string) (*dirBucket, *dirUpload, error) {
	b, err := d.bucket(bucket)
	if err != nil {
		return nil, nil, err
	}
	u, ok := b.uploads[uploadID]
	if !ok || u.info.Key != key {
		return nil, nil, ErrNoSuchUpload
	}
	return b, u, nil
}

// CreateUpload starts a multipart upload: a directory built aside and
// renamed into place.
func (d *Dir) CreateUpload(_ context.Context, bucket, key string, meta ObjectMeta) (UploadInfo, error) {
	if err := checkKey(key); err != nil {
		return UploadInfo{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	b, err := d.bucket(bucket)
	if err != nil {
		return UploadInfo{}, err
	}
	u := &dirUpload{
		info:  UploadInfo{Bucket: bucket, Key: key, UploadID: newUploadID(), Initiated: d.now(), Meta: cloneMeta(meta)},
		parts: make(map[int]*partRecord),
	}
	u.path = b.uploadDir(u.info.UploadID)
	staging, err := os.MkdirTemp(d.tmpDir(), "upload-*")
	if err != nil {
		return UploadInfo{}, err
	}
	if err = d.writeJSONAtomic(filepath.Join(staging, uploadFile), u.info); err == nil {
		err = d.rename(staging, u.path)
	}
	if err != nil {
		os.RemoveAll(staging)
		return UploadInfo{}, err
	}
	b.uploads[u.info.UploadID] = u
	return uploadCopy(u.info), nil
}

// GetUpload describes an in-progress upload.
func (d *Dir) GetUpload(_ context.Context, bucket, key, uploadID string) (UploadInfo, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	_, u, err := d.upload(bucket, key, uploadID)
	if err != nil {
		return UploadInfo{}, err
	}
	return uploadCopy(u.info), nil
}

// UploadPart streams body to a temp file and, once it returned EOF, makes
// it part partNumber, replacing an earlier one.
func (d *Dir) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, checksum *Checksum, body io.Reader) (PartInfo, error) {
	d.mu.RLock()
	_, _, err := d.upload(bucket, key, uploadID)
	d.mu.RUnlock()
	if err != nil {
		return PartInfo{}, err
	}
	tmp, size, sum, err := d.spool(ctx, body, true)
	if err != nil {
		return PartInfo{}, err
	}
	d.mu.Lock()
	info, garbage, err := d.commitPart(bucket, key, uploadID, tmp, &partRecord{PartInfo: PartInfo{
		PartNumber: partNumber, Size: size, ETag: quotedETag(sum), Checksum: cloneChecksum(checksum),
	}})
	d.mu.Unlock()
	d.removeQuietly(garbage)
	return info, err
}

// commitPart is commitObject for parts.
func (d *Dir) commitPart(bucket, key, uploadID, tmp string, p *partRecord) (PartInfo, string, error) {
	_, u, err := d.upload(bucket, key, uploadID)
	if err != nil {
		return PartInfo{}, tmp, err
	}
	n := strconv.Itoa(p.PartNumber)
	p.Data = n + "." + randomSuffix() + ".part"
	p.LastModified = d.now()
	data := filepath.Join(u.path, p.Data)
	if err := d.rename(tmp, data); err != nil {
		return PartInfo{}, tmp, err
	}
	if err := d.writeJSONAtomic(filepath.Join(u.path, n+".json"), p); err != nil {
		return PartInfo{}, data, err
	}
	var old string
	if prev, ok := u.parts[p.PartNumber]; ok {
		old = filepath.Join(u.path, prev.Data)
	}
	u.parts[p.PartNumber] = p
	return partCopy(p.PartInfo), old, nil
}

// ListParts returns an upload's parts sorted by part number.
func (d *Dir) ListParts(_ context.Context, bucket, key, uploadID string) ([]PartInfo, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	_, u, err := d.upload(bucket, key, uploadID)
	if err != nil {
		return nil, err
	}
	return listedParts(u.parts, func(p *partRecord) PartInfo { return p.PartInfo }), nil
}

// ListUploads returns a bucket's in-progress uploads sorted by key, then
// initiation time.
func (d *Dir) ListUploads(_ context.Context, bucket string) ([]UploadInfo, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, err := d.bucket(bucket)
	if err != nil {
		return nil, err
	}
	return listedUploads(b.uploads, func(u *dirUpload) UploadInfo { return u.info }), nil
}

// CompleteUpload streams the named parts, in order, into a temp file, then
// commits it as the object and removes the upload. The part files are
// opened under the lock, after their ETags and cond were checked, and
// copied without it; a part file never changes once written (a new part
// gets a new file), so the bytes copied are those of the checked ETags.
// cond is judged again at the commit, on the object it replaces.
func (d *Dir) CompleteUpload(ctx context.Context, bucket, key, uploadID string, parts []CompletePart, etag string, meta ObjectMeta, cond PutCondition) (ObjectInfo, error) {
	files, sizes, err := d.openParts(bucket, key, uploadID, parts, cond)
	if err != nil {
		return ObjectInfo{}, err
	}
	readers := make([]io.Reader, len(files))
	var total int64
	for i, f := range files {
		readers[i] = f
		total += sizes[i]
	}
	tmp, size, _, err := d.spool(ctx, io.MultiReader(readers...), false)
	for _, f := range files {
		f.Close()
	}
	if err == nil && size != total {
		err = errors.New("store: a part file changed size")
		os.Remove(tmp)
	}
	if err != nil {
		return ObjectInfo{}, err
	}
	rec := &objectRecord{ObjectInfo: ObjectInfo{Key: key, Size: size, ETag: etag, Meta: cloneMeta(meta), PartSizes: sizes, PartChecksums: partChecksums(parts)}}

	d.mu.Lock()
	var info ObjectInfo
	var garbage []string
	var trash string
	b, u, err := d.upload(bucket, key, uploadID)
	if err != nil {
		garbage = []string{tmp} // aborted or completed meanwhile
	} else if info, garbage, err = d.commitObject(bucket, tmp, rec, cond); err == nil {
		delete(b.uploads, uploadID)
		trash, _ = d.trash(u.path)
	}
	d.mu.Unlock()
	d.removeQuietly(garbage...)
	os.RemoveAll(trash)
	return info, err
}

// openParts opens the named parts' files, checking that each still has the
// ETag named, and returns them with their sizes, if cond holds now (so a
// doomed completion copies nothing). Parts are judged before cond, as the
// memory store does.
func (d *Dir) openParts(bucket, key, uploadID string, parts []CompletePart, cond PutCondition) ([]*os.File, []int64, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, u, err := d.upload(bucket, key, uploadID)
	if err != nil {
		return nil, nil, err
	}
	files := make([]*os.File, 0, len(parts))
	sizes := make([]int64, 0, len(parts))
	fail := func(err error) ([]*os.File, []int64, error) {
		for _, f := range files {
			f.Close()
		}
		return nil, nil, err
	}
	for _, cp := range parts {
		p, ok := u.parts[cp.PartNumber]
		if !ok {
			return fail(fmt.Errorf("%w: part %d", ErrNoSuchPart, cp.PartNumber))
		}
		if err := partMatches(cp, p.PartInfo); err != nil {
			return fail(err)
		}
		f, err := os.Open(filepath.Join(u.path, p.Data))
		if err != nil {
			return fail(err)
		}
		files = append(files, f)
		sizes = append(sizes, p.Size)
	}
	if err := b.checkCondition(bucket, key, cond); err != nil {
		return fail(err)
	}
	return files, sizes, nil
}

// AbortUpload discards an upload and its parts.
func (d *Dir) AbortUpload(_ context.Context, bucket, key, uploadID string) error {
	d.mu.Lock()
	b, u, err := d.upload(bucket, key, uploadID)
	var trash string
	if err == nil {
		if trash, err = d.trash(u.path); err == nil {
			delete(b.uploads, uploadID)
		}
	}
	d.mu.Unlock()
	os.RemoveAll(trash)
	return err
}
