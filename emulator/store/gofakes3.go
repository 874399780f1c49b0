package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"
)

// FromGofakes3 turns any gofakes3.Backend (s3mem, s3bolt, s3afero or one of
// your own) into a Store, so a team keeps its storage and puts strictS3's
// checks in front of it:
//
//	srv, err := emulator.New(emulator.Options{Credentials: creds, Store: store.FromGofakes3(backend)})
//
// Object bytes live in the backend. The S3 fields a gofakes3 backend has no
// place for (metadata headers, checksum, multipart ETag and part sizes)
// travel as one encoded record in the object's metadata map, so they are
// replaced together with the bytes. An object the backend holds without
// that record (written by gofakes3's own front end or directly) is read
// from gofakes3's conventional metadata entries: Content-Type and the other
// content headers, X-Amz-Meta-*, Last-Modified, and its MD5 for the ETag.
//
// Bucket regions, bucket configurations and multipart uploads (parts
// included) are kept in the adapter's memory, not in the backend; a bucket
// the backend already holds is adopted with the server's region.
func FromGofakes3(backend gofakes3.Backend, opts ...Option) Store {
	o := applyOptions(opts)
	g := &gofakes3Store{backend: backend, sides: make(map[string]*bucketSide)}
	g.sideKeeper = sideKeeper{clock: o.clock, mu: &g.mu, side: g.side}
	g.nullVersions = nullVersions{g}
	return g
}

type gofakes3Store struct {
	// sideKeeper holds bucket configurations and multipart uploads.
	sideKeeper
	// nullVersions answers the Versions methods: one object per key.
	nullVersions
	backend gofakes3.Backend

	// mu guards sides. Bucket creation and deletion hold it across the
	// backend call, so a bucket cannot disappear while an upload is being
	// added to it. Every change to an object (commit, delete, tagging)
	// holds it too, so a PutCondition judged under it still holds when the
	// commit lands, and a tagging update re-puts the version it read.
	// It is taken for writing only: looking a bucket up may adopt it.
	mu    sync.RWMutex
	sides map[string]*bucketSide
}

var _ Store = (*gofakes3Store)(nil)

// side returns a bucket's side state, adopting a bucket the backend holds
// that this adapter has not seen; the caller holds g.mu.
func (g *gofakes3Store) side(name string) (*bucketSide, error) {
	if b, ok := g.sides[name]; ok {
		return b, nil
	}
	ok, err := g.backend.BucketExists(name)
	if err != nil {
		return nil, fromGofakes3(err)
	}
	if !ok {
		return nil, ErrNoSuchBucket
	}
	info := BucketInfo{Name: name, CreationDate: g.now()}
	if all, err := g.backend.ListBuckets(); err == nil {
		for _, b := range all {
			if b.Name == name {
				info.CreationDate = b.CreationDate.Time.UTC()
			}
		}
	}
	b := newBucketSide(info)
	g.sides[name] = &b
	return &b, nil
}

// CreateBucket creates an empty bucket in the backend.
func (g *gofakes3Store) CreateBucket(_ context.Context, name, region string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, err := g.side(name); err == nil {
		return ErrBucketExists
	}
	if err := g.backend.CreateBucket(name); err != nil {
		return fromGofakes3(err)
	}
	b := newBucketSide(BucketInfo{Name: name, CreationDate: g.now(), Region: region})
	g.sides[name] = &b
	return nil
}

// BucketInfo describes a bucket.
func (g *gofakes3Store) BucketInfo(_ context.Context, name string) (BucketInfo, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	b, err := g.side(name)
	if err != nil {
		return BucketInfo{}, err
	}
	return b.info, nil
}

// ListBuckets returns the backend's buckets sorted by name.
func (g *gofakes3Store) ListBuckets(context.Context) ([]BucketInfo, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	all, err := g.backend.ListBuckets()
	if err != nil {
		return nil, fromGofakes3(err)
	}
	out := make([]BucketInfo, 0, len(all))
	for _, bi := range all {
		if b, err := g.side(bi.Name); err == nil {
			out = append(out, b.info)
		}
	}
	slices.SortFunc(out, func(a, b BucketInfo) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// DeleteBucket removes an empty bucket with its configurations.
func (g *gofakes3Store) DeleteBucket(_ context.Context, name string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	b, err := g.side(name)
	if err != nil {
		return err
	}
	if len(b.uploads) > 0 {
		return ErrBucketNotEmpty
	}
	if err := g.backend.DeleteBucket(name); err != nil {
		return fromGofakes3(err)
	}
	delete(g.sides, name)
	return nil
}

// PutObject reads body whole, then, if cond holds, replaces the object and
// its metadata in the backend. gofakes3 backends take the size up front,
// so the body is read (and verified) before the backend sees it.
func (g *gofakes3Store) PutObject(ctx context.Context, bucket, key string, meta ObjectMeta, cond PutCondition, body io.Reader) (ObjectInfo, error) {
	data, sum, err := readBody(ctx, func() error { return checkBucketAndKey(ctx, g, bucket, key) }, body)
	if err != nil {
		return ObjectInfo{}, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.commit(bucket, key, cond, data, gofakes3Record{ETag: quotedETag(sum), Meta: cloneMeta(meta)})
}

// commit stores data under key with rec if cond holds for the key's
// current object; rec.LastModified is set here. The caller holds g.mu.
func (g *gofakes3Store) commit(bucket, key string, cond PutCondition, data chunks, rec gofakes3Record) (ObjectInfo, error) {
	if err := g.checkCondition(bucket, key, cond); err != nil {
		return ObjectInfo{}, err
	}
	rec.LastModified = g.now()
	return g.putRecord(bucket, key, data, rec)
}

// putRecord writes data with rec to the backend; the caller holds g.mu.
func (g *gofakes3Store) putRecord(bucket, key string, data chunks, rec gofakes3Record) (ObjectInfo, error) {
	enc, err := rec.encode()
	if err != nil {
		return ObjectInfo{}, err
	}
	meta := map[string]string{recordKey: enc, "Last-Modified": rec.LastModified.Format(http.TimeFormat)}
	if _, err := g.backend.PutObject(bucket, key, meta, data.reader(nil), data.size(), nil); err != nil {
		return ObjectInfo{}, fromGofakes3(err)
	}
	return rec.info(bucket, key, data.size()), nil
}

// checkCondition judges cond against the key's object; the caller holds g.mu.
func (g *gofakes3Store) checkCondition(bucket, key string, cond PutCondition) error {
	if cond == (PutCondition{}) {
		return nil
	}
	cur, err := g.HeadObject(context.Background(), bucket, key)
	switch {
	case errors.Is(err, ErrNoSuchKey):
		return cond.Check(nil)
	case err != nil:
		return err
	}
	return cond.Check(&cur)
}

// HeadObject describes an object.
func (g *gofakes3Store) HeadObject(_ context.Context, bucket, key string) (ObjectInfo, error) {
	obj, err := g.backend.HeadObject(bucket, key)
	if err != nil {
		return ObjectInfo{}, fromGofakes3(err)
	}
	if obj.Contents != nil {
		obj.Contents.Close()
	}
	return objectInfo(bucket, obj), nil
}

// OpenObject gets the whole object from the backend in one call, so its
// record and bytes are one version; a range is cut from that stream.
func (g *gofakes3Store) OpenObject(_ context.Context, bucket, key string) (Object, error) {
	obj, err := g.backend.GetObject(bucket, key, nil)
	if err != nil {
		return nil, fromGofakes3(err)
	}
	return &gofakes3Object{info: objectInfo(bucket, obj), contents: obj.Contents}, nil
}

// gofakes3Object is a version a backend returned: its whole contents as a
// stream, consumed by the one reader the Object contract allows.
type gofakes3Object struct {
	info     ObjectInfo
	contents io.ReadCloser
	used     bool
}

func (o *gofakes3Object) Info() ObjectInfo { return cloneInfo(o.info) }

// Reader skips to rng's start (seeking when the backend's stream can) and
// limits the stream to rng's length. A backend stream can be read once.
func (o *gofakes3Object) Reader(rng *Range) (io.Reader, error) {
	if o.used {
		return nil, errors.New("store: a gofakes3 object's contents can be read once")
	}
	o.used = true
	r := clampRange(rng, o.info.Size)
	if r.Start > 0 {
		if s, ok := o.contents.(io.Seeker); ok {
			if _, err := s.Seek(r.Start, io.SeekStart); err != nil {
				return nil, err
			}
		} else if _, err := io.CopyN(io.Discard, o.contents, r.Start); err != nil {
			return nil, err
		}
	}
	return io.LimitReader(o.contents, r.Length), nil
}

func (o *gofakes3Object) Close() error { return o.contents.Close() }

// SetObjectTagging re-puts the object with the new tag set (a gofakes3
// backend has no other way to change metadata) under g.mu, which every
// object write holds, so no other write can slip in between the read and
// the re-put; ETag and LastModified are carried over unchanged.
func (g *gofakes3Store) SetObjectTagging(_ context.Context, bucket, key, tagging string) (ObjectInfo, error) {
	return g.setMeta(bucket, key, func(m *ObjectMeta) { m.Tagging = tagging })
}

// SetObjectACL re-puts the object with the new ACL, as SetObjectTagging.
func (g *gofakes3Store) SetObjectACL(_ context.Context, bucket, key, acl string) (ObjectInfo, error) {
	return g.setMeta(bucket, key, func(m *ObjectMeta) { m.ACL = acl })
}

func (g *gofakes3Store) setMeta(bucket, key string, set func(*ObjectMeta)) (ObjectInfo, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	obj, err := g.backend.GetObject(bucket, key, nil)
	if err != nil {
		return ObjectInfo{}, fromGofakes3(err)
	}
	defer obj.Contents.Close()
	data, _, err := readChunks(obj.Contents)
	if err != nil {
		return ObjectInfo{}, err
	}
	rec := decodeRecord(obj)
	rec.Meta = cloneMeta(rec.Meta)
	set(&rec.Meta)
	return g.putRecord(bucket, key, data, rec)
}

// DeleteObject removes an object; an absent key is not an error.
func (g *gofakes3Store) DeleteObject(_ context.Context, bucket, key string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, err := g.backend.DeleteObject(bucket, key)
	return fromGofakes3(err)
}

// ListObjects returns one page of the bucket's keys.
func (g *gofakes3Store) ListObjects(_ context.Context, bucket string, opts ListOptions) (ListResult, error) {
	if ok, err := g.backend.BucketExists(bucket); err != nil || !ok {
		return ListResult{}, cmp.Or(fromGofakes3(err), ErrNoSuchBucket)
	}
	var listErr error
	res := listPage(opts, g.keys(bucket, opts, &listErr), func(key string) (ObjectInfo, bool) {
		info, err := g.HeadObject(context.Background(), bucket, key)
		return info, err == nil
	})
	return res, listErr
}

// keys walks the backend's sorted key listing in batches. The backend's
// own listing is used only as that: s3mem's delimiter handling trims
// leading delimiters from keys, and its pages can repeat a common prefix,
// so listPage does the S3 part.
func (g *gofakes3Store) keys(bucket string, opts ListOptions, errp *error) iter.Seq[string] {
	const batch = 256
	prefix := &gofakes3.Prefix{Prefix: opts.Prefix, HasPrefix: opts.Prefix != ""}
	return func(yield func(string) bool) {
		marker := opts.After
		for {
			page, err := g.backend.ListBucket(bucket, prefix, gofakes3.ListBucketPage{Marker: marker, HasMarker: marker != "", MaxKeys: batch})
			if err != nil {
				*errp = fromGofakes3(err)
				return
			}
			for _, c := range page.Contents {
				if !yield(c.Key) {
					return
				}
			}
			if !page.IsTruncated || len(page.Contents) == 0 {
				return
			}
			marker = page.Contents[len(page.Contents)-1].Key
		}
	}
}

// recordKey is the metadata entry holding our gofakes3Record. s3mem
// carries old metadata entries over on overwrite; every write replaces
// this one, and only it is read back.
const recordKey = "X-Stricts3-Record"

// gofakes3Record is what the adapter keeps beside an object's bytes.
type gofakes3Record struct {
	ETag          string
	LastModified  time.Time
	Meta          ObjectMeta
	PartSizes     []int64
	PartChecksums []string
}

// encode uses gob rather than JSON because gob keeps strings byte for byte.
func (r gofakes3Record) encode() (string, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(r); err != nil {
		return "", fmt.Errorf("store: encode object record: %w", err)
	}
	return buf.String(), nil
}

func (r gofakes3Record) info(bucket, key string, size int64) ObjectInfo {
	return cloneInfo(ObjectInfo{
		Bucket:        bucket,
		Key:           key,
		Size:          size,
		ETag:          r.ETag,
		LastModified:  r.LastModified,
		Meta:          r.Meta,
		PartSizes:     r.PartSizes,
		PartChecksums: r.PartChecksums,
	})
}

func objectInfo(bucket string, obj *gofakes3.Object) ObjectInfo {
	return decodeRecord(obj).info(bucket, obj.Name, obj.Size)
}

// decodeRecord reads our record, or, for an object written without one,
// what gofakes3 itself keeps.
func decodeRecord(obj *gofakes3.Object) gofakes3Record {
	var rec gofakes3Record
	enc, ok := obj.Metadata[recordKey]
	if ok && gob.NewDecoder(strings.NewReader(enc)).Decode(&rec) == nil {
		return rec
	}
	return foreignRecord(obj)
}

// foreignRecord reads gofakes3's conventional metadata: canonical header
// names as keys, Last-Modified in HTTP date format.
func foreignRecord(obj *gofakes3.Object) gofakes3Record {
	rec := gofakes3Record{ETag: quotedETag(obj.Hash)}
	m := &rec.Meta
	fields := map[string]*string{
		"Content-Type": &m.ContentType, "Content-Encoding": &m.ContentEncoding,
		"Content-Disposition": &m.ContentDisposition, "Content-Language": &m.ContentLanguage,
		"Cache-Control": &m.CacheControl, "Expires": &m.Expires, "X-Amz-Storage-Class": &m.StorageClass,
	}
	for k, v := range obj.Metadata {
		k = http.CanonicalHeaderKey(k)
		if f, ok := fields[k]; ok {
			*f = v
		} else if name, ok := strings.CutPrefix(k, "X-Amz-Meta-"); ok {
			if m.User == nil {
				m.User = make(map[string]string)
			}
			m.User[strings.ToLower(name)] = v
		} else if k == "Last-Modified" {
			rec.LastModified, _ = time.Parse(http.TimeFormat, v)
		}
	}
	return rec
}

// fromGofakes3 maps gofakes3's errors onto the store's.
func fromGofakes3(err error) error {
	switch {
	case err == nil:
		return nil
	case gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchBucket):
		return ErrNoSuchBucket
	case gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchKey):
		return ErrNoSuchKey
	case gofakes3.HasErrorCode(err, gofakes3.ErrBucketNotEmpty):
		return ErrBucketNotEmpty
	case gofakes3.HasErrorCode(err, gofakes3.ErrBucketAlreadyExists):
		return ErrBucketExists
	}
	return fmt.Errorf("store: %w", err)
}
