package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Dir is a Store that keeps buckets in a directory tree (the layout is
// described in dir_files.go), so data survives a restart. Bodies stream to
// a temp file and are renamed into place only after the reader hit EOF; a
// JSON sidecar renamed over the old one is the commit point. Metadata is
// also kept in an in-memory index loaded by NewDir, so one Dir at a time
// may use a root: NewDir locks it until Close.
type Dir struct {
	root  string
	clock Clock
	fsync bool
	log   *slog.Logger
	lock  *os.File

	// mu guards the index and every change to the tree; bodies are
	// streamed to temp files without it.
	mu      sync.RWMutex
	buckets map[string]*dirBucket
}

type dirBucket struct {
	info BucketInfo
	path string
	// objects holds each key's versions, newest first (see chain); the
	// key's sidecar stores them all.
	objects map[string][]*objectRecord
	keys    []string // sorted keys of objects
	uploads map[string]*dirUpload
}

// objectRecord is one version of an object. A key's sidecar is its
// current version's record with the older ones in Older, newest first; a
// sidecar written before versions existed is a record without Older.
type objectRecord struct {
	ObjectInfo
	Data  string          `json:",omitempty"` // data file name, in the sidecar's directory; "" for a delete marker
	Older []*objectRecord `json:",omitempty"`
}

func (r *objectRecord) info(bucket string) ObjectInfo {
	info := cloneInfo(r.ObjectInfo)
	info.Bucket, info.IsLatest = bucket, false
	return info
}

var _ Store = (*Dir)(nil)

// NewDir opens a directory store at root: an absent or empty folder
// becomes a new store, a store is reopened, and anything else is refused
// untouched (ErrRootNotDirectory, ErrRootForeign). It locks root for this
// Dir until Close (ErrRootInUse names the holder), then removes what a crash
// between writing bytes and committing them leaves behind: its own temp
// files and data files no sidecar names.
//
// A store written before the layout had its marker file (strictS3 format
// 1: buckets/ and tmp/ alone) is adopted in place when its contents are
// exactly what that version wrote.
func NewDir(root string, opts ...Option) (*Dir, error) {
	o := applyOptions(opts)
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	d := &Dir{root: abs, clock: o.clock, fsync: o.fsync, log: o.logger, buckets: make(map[string]*dirBucket)}
	// Refuse before creating the lock file, so a folder that is not ours
	// is left exactly as it was.
	kind, err := inspectRoot(abs)
	if err != nil {
		return nil, err
	}
	if kind == rootAbsent {
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return nil, err
		}
	}
	if d.lock, err = lockRoot(abs); err != nil {
		return nil, err
	}
	if err := d.open(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// open prepares a locked root and loads the index. The root is inspected
// again: only now can no other process be changing it.
func (d *Dir) open() error {
	kind, err := inspectRoot(d.root)
	if err != nil {
		return err
	}
	if err := d.sweepTemp(); err != nil {
		return err
	}
	for _, dir := range []string{d.tmpDir(), d.bucketsDir()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if kind != rootStore {
		if kind == rootFormat1 {
			d.log.Info("store: adopting a data directory written by an earlier strictS3", "root", d.root, "format", dirFormat)
		}
		if err := d.writeMarker(); err != nil {
			return err
		}
	}
	return d.load()
}

// Close releases root for another Dir or process. The Dir must not be used
// after.
func (d *Dir) Close() error {
	if d.lock == nil {
		return nil
	}
	err := d.lock.Close()
	d.lock = nil
	return err
}

func (d *Dir) tmpDir() string     { return filepath.Join(d.root, "tmp") }
func (d *Dir) bucketsDir() string { return filepath.Join(d.root, "buckets") }
func (d *Dir) now() time.Time     { return d.clock.Now().UTC() }

func (b *dirBucket) objectsDir() string { return filepath.Join(b.path, "objects") }
func (b *dirBucket) configPath(n string) string {
	return filepath.Join(b.path, "configs", escapeName(n))
}
func (b *dirBucket) uploadDir(id string) string { return filepath.Join(b.path, "uploads", id) }

// objectDir and sidecarPath place a key's files.
func (b *dirBucket) objectDir(key string) string {
	return filepath.Join(b.objectsDir(), keyHash(key)[:2])
}

func (b *dirBucket) sidecarPath(key string) string {
	return filepath.Join(b.objectDir(key), keyHash(key)+".json")
}

func dirInfo(r *objectRecord) *ObjectInfo { return &r.ObjectInfo }

// chain returns key's versions; the caller holds d.mu.
func (b *dirBucket) chain(key string) chain[*objectRecord] {
	return chain[*objectRecord]{versions: b.objects[key], info: dirInfo}
}

// setChain updates the index after key's sidecar was committed, dropping
// a key left without versions.
func (b *dirBucket) setChain(key string, c chain[*objectRecord]) {
	setVersions(b.objects, &b.keys, key, c.versions)
}

// load reads every bucket's sidecars into the index. What cannot be read
// (a stray file or directory, a truncated JSON file) is logged and skipped,
// and its files are kept for a human to look at: one damaged file must not
// take every other bucket offline.
func (d *Dir) load() error {
	entries, err := os.ReadDir(d.bucketsDir())
	if err != nil {
		return err
	}
	for _, e := range entries {
		path := filepath.Join(d.bucketsDir(), e.Name())
		b := &dirBucket{path: path, objects: make(map[string][]*objectRecord), uploads: make(map[string]*dirUpload)}
		err := readJSON(filepath.Join(path, bucketFile), &b.info)
		if err == nil && escapeName(b.info.Name) != e.Name() {
			err = fmt.Errorf("its %s names bucket %q, which belongs in %s", bucketFile, b.info.Name, escapeName(b.info.Name))
		}
		if err != nil {
			d.skipped("bucket", path, err)
			continue
		}
		d.loadObjects(b)
		d.loadUploads(b)
		d.buckets[b.info.Name] = b
	}
	return nil
}

// skipped logs a file or directory load left out of the index.
func (d *Dir) skipped(what, path string, err error) {
	d.log.Warn("store: skipped unreadable "+what+"; serving the rest", "path", path, "error", err.Error())
}

func (d *Dir) loadObjects(b *dirBucket) {
	shards, err := os.ReadDir(b.objectsDir())
	if errors.Is(err, fs.ErrNotExist) {
		return
	} else if err != nil {
		d.skipped("objects folder", b.objectsDir(), err)
		return
	}
	for _, shard := range shards {
		dir := filepath.Join(b.objectsDir(), shard.Name())
		files, err := os.ReadDir(dir)
		if err != nil {
			d.skipped("objects folder", dir, err)
			continue
		}
		used := make(map[string]bool)
		damaged := false
		for _, f := range files {
			if !strings.HasSuffix(f.Name(), ".json") {
				continue
			}
			path := filepath.Join(dir, f.Name())
			rec := new(objectRecord)
			err := readJSON(path, rec)
			if err == nil && keyHash(rec.Key)+".json" != f.Name() {
				err = fmt.Errorf("the sidecar's key %q does not hash to its name", rec.Key)
			}
			if err != nil {
				d.skipped("object sidecar", path, err)
				damaged = true
				continue
			}
			versions := append([]*objectRecord{rec}, rec.Older...)
			rec.Older = nil
			for _, v := range versions {
				used[v.Data] = true
			}
			b.setChain(rec.Key, chain[*objectRecord]{versions: versions, info: dirInfo})
		}
		if damaged {
			// The damaged sidecar may have named any of these files.
			continue
		}
		for _, f := range files {
			if strings.HasSuffix(f.Name(), ".data") && !used[f.Name()] {
				os.Remove(filepath.Join(dir, f.Name()))
			}
		}
	}
}

func (d *Dir) loadUploads(b *dirBucket) {
	root := filepath.Join(b.path, "uploads")
	ups, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return
	} else if err != nil {
		d.skipped("uploads folder", root, err)
		return
	}
	for _, e := range ups {
		u := &dirUpload{path: b.uploadDir(e.Name()), parts: make(map[int]*partRecord)}
		if err := readJSON(filepath.Join(u.path, uploadFile), &u.info); err != nil {
			d.skipped("multipart upload", u.path, err)
			continue
		}
		if u.info.UploadID != e.Name() {
			d.skipped("multipart upload", u.path, fmt.Errorf("its %s names upload %q", uploadFile, u.info.UploadID))
			continue
		}
		files, err := os.ReadDir(u.path)
		if err != nil {
			d.skipped("multipart upload", u.path, err)
			continue
		}
		used := make(map[string]bool)
		damaged := false
		for _, f := range files {
			n, ok := strings.CutSuffix(f.Name(), ".json")
			if _, err := strconv.Atoi(n); !ok || err != nil {
				continue
			}
			path := filepath.Join(u.path, f.Name())
			p := new(partRecord)
			if err := readJSON(path, p); err != nil {
				d.skipped("part sidecar", path, err)
				damaged = true
				continue
			}
			used[p.Data] = true
			u.parts[p.PartNumber] = p
		}
		if !damaged {
			for _, f := range files {
				if strings.HasSuffix(f.Name(), ".part") && !used[f.Name()] {
					os.Remove(filepath.Join(u.path, f.Name()))
				}
			}
		}
		b.uploads[u.info.UploadID] = u
	}
}

// bucket looks a bucket up; the caller holds d.mu.
func (d *Dir) bucket(name string) (*dirBucket, error) {
	b, ok := d.buckets[name]
	if !ok {
		return nil, ErrNoSuchBucket
	}
	return b, nil
}

// CreateBucket creates an empty bucket directory, built aside and renamed
// into place.
func (d *Dir) CreateBucket(_ context.Context, name, region string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.buckets[name]; ok {
		return ErrBucketExists
	}
	b := &dirBucket{
		info:    BucketInfo{Name: name, CreationDate: d.now(), Region: region},
		path:    filepath.Join(d.bucketsDir(), escapeName(name)),
		objects: make(map[string][]*objectRecord),
		uploads: make(map[string]*dirUpload),
	}
	staging, err := os.MkdirTemp(d.tmpDir(), "bucket-*")
	if err != nil {
		return err
	}
	if err := d.writeJSONAtomic(filepath.Join(staging, bucketFile), b.info); err != nil {
		os.RemoveAll(staging)
		return err
	}
	if err := d.rename(staging, b.path); err != nil {
		os.RemoveAll(staging)
		return err
	}
	d.buckets[name] = b
	return nil
}

// BucketInfo describes a bucket.
func (d *Dir) BucketInfo(_ context.Context, name string) (BucketInfo, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, err := d.bucket(name)
	if err != nil {
		return BucketInfo{}, err
	}
	return b.info, nil
}

// ListBuckets returns all buckets sorted by name.
func (d *Dir) ListBuckets(context.Context) ([]BucketInfo, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]BucketInfo, 0, len(d.buckets))
	for _, b := range d.buckets {
		out = append(out, b.info)
	}
	slices.SortFunc(out, func(a, b BucketInfo) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// DeleteBucket removes an empty bucket with its configurations.
func (d *Dir) DeleteBucket(_ context.Context, name string) error {
	d.mu.Lock()
	b, err := d.bucket(name)
	if err == nil && (len(b.objects) > 0 || len(b.uploads) > 0) {
		err = ErrBucketNotEmpty
	}
	var trash string
	if err == nil {
		trash, err = d.trash(b.path)
	}
	if err == nil {
		delete(d.buckets, name)
	}
	d.mu.Unlock()
	os.RemoveAll(trash)
	return err
}

// PutBucketConfig stores a bucket sub-resource document.
func (d *Dir) PutBucketConfig(_ context.Context, bucket, name string, doc []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	b, err := d.bucket(bucket)
	if err != nil {
		return err
	}
	return d.writeFileAtomic(b.configPath(name), doc)
}

// GetBucketConfig returns a bucket sub-resource document.
func (d *Dir) GetBucketConfig(_ context.Context, bucket, name string) ([]byte, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, err := d.bucket(bucket)
	if err != nil {
		return nil, err
	}
	doc, err := os.ReadFile(b.configPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoSuchBucketConfig
	}
	return doc, err
}

// DeleteBucketConfig removes a bucket sub-resource document; removing an
// absent one succeeds.
func (d *Dir) DeleteBucketConfig(_ context.Context, bucket, name string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	b, err := d.bucket(bucket)
	if err != nil {
		return err
	}
	if err := os.Remove(b.configPath(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
