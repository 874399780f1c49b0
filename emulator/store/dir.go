package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
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
// also kept in an in-memory index loaded by NewDir, so one process at a
// time may use a root.
type Dir struct {
	root  string
	clock Clock
	fsync bool

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

// NewDir opens (creating it if needed) a directory store at root and loads
// its index. It empties root/tmp and removes data files no sidecar names,
// which a crash between writing bytes and committing them leaves behind.
func NewDir(root string, opts ...Option) (*Dir, error) {
	o := applyOptions(opts)
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	d := &Dir{root: abs, clock: o.clock, fsync: o.fsync, buckets: make(map[string]*dirBucket)}
	if err := os.RemoveAll(d.tmpDir()); err != nil {
		return nil, err
	}
	for _, dir := range []string{d.tmpDir(), d.bucketsDir()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	if err := d.load(); err != nil {
		return nil, err
	}
	return d, nil
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

// load reads every bucket's sidecars into the index.
func (d *Dir) load() error {
	entries, err := os.ReadDir(d.bucketsDir())
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		b := &dirBucket{path: filepath.Join(d.bucketsDir(), e.Name()), objects: make(map[string][]*objectRecord), uploads: make(map[string]*dirUpload)}
		if err := readJSON(filepath.Join(b.path, bucketFile), &b.info); err != nil {
			return fmt.Errorf("store: bucket directory %s: %w", b.path, err)
		}
		if err := d.loadObjects(b); err != nil {
			return err
		}
		if err := d.loadUploads(b); err != nil {
			return err
		}
		d.buckets[b.info.Name] = b
	}
	return nil
}

func (d *Dir) loadObjects(b *dirBucket) error {
	shards, err := os.ReadDir(b.objectsDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	for _, shard := range shards {
		dir := filepath.Join(b.objectsDir(), shard.Name())
		files, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		used := make(map[string]bool)
		for _, f := range files {
			if !strings.HasSuffix(f.Name(), ".json") {
				continue
			}
			rec := new(objectRecord)
			if err := readJSON(filepath.Join(dir, f.Name()), rec); err != nil {
				return err
			}
			versions := append([]*objectRecord{rec}, rec.Older...)
			rec.Older = nil
			for _, v := range versions {
				used[v.Data] = true
			}
			b.setChain(rec.Key, chain[*objectRecord]{versions: versions, info: dirInfo})
		}
		for _, f := range files {
			if strings.HasSuffix(f.Name(), ".data") && !used[f.Name()] {
				os.Remove(filepath.Join(dir, f.Name()))
			}
		}
	}
	return nil
}

func (d *Dir) loadUploads(b *dirBucket) error {
	ups, err := os.ReadDir(filepath.Join(b.path, "uploads"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	for _, e := range ups {
		u := &dirUpload{path: b.uploadDir(e.Name()), parts: make(map[int]*partRecord)}
		if err := readJSON(filepath.Join(u.path, uploadFile), &u.info); err != nil {
			return err
		}
		files, err := os.ReadDir(u.path)
		if err != nil {
			return err
		}
		used := make(map[string]bool)
		for _, f := range files {
			n, ok := strings.CutSuffix(f.Name(), ".json")
			if _, err := strconv.Atoi(n); !ok || err != nil {
				continue
			}
			p := new(partRecord)
			if err := readJSON(filepath.Join(u.path, f.Name()), p); err != nil {
				return err
			}
			used[p.Data] = true
			u.parts[p.PartNumber] = p
		}
		for _, f := range files {
			if strings.HasSuffix(f.Name(), ".part") && !used[f.Name()] {
				os.Remove(filepath.Join(u.path, f.Name()))
			}
		}
		b.uploads[u.info.UploadID] = u
	}
	return nil
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
