package store

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// PutObject streams body to a temp file and, once it returned EOF, makes it
// the object with meta if cond holds.
func (d *Dir) PutObject(ctx context.Context, bucket, key string, meta ObjectMeta, cond PutCondition, body io.Reader) (ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return ObjectInfo{}, err
	}
	if _, err := d.BucketInfo(ctx, bucket); err != nil {
		return ObjectInfo{}, err // do not read a body that cannot be stored
	}
	tmp, size, sum, err := d.spool(ctx, body, true)
	if err != nil {
		return ObjectInfo{}, err
	}
	rec := &objectRecord{ObjectInfo: ObjectInfo{Key: key, Size: size, ETag: quotedETag(sum), Meta: cloneMeta(meta)}}
	d.mu.Lock()
	info, garbage, err := d.commitObject(bucket, tmp, rec, cond)
	d.mu.Unlock()
	d.removeQuietly(garbage...)
	return info, err
}

// spool copies body into a new temp file, with its MD5 when asked (see
// etagHasher).
// It returns the file's name only when body returned EOF and ctx is live.
func (d *Dir) spool(ctx context.Context, body io.Reader, hash bool) (name string, size int64, sum []byte, err error) {
	f, err := createSpoolFile(d.tmpDir(), "body-")
	if err != nil {
		return "", 0, nil, err
	}
	var e etagHasher
	if hash {
		e = newETagHasher(body)
		body = e.reader(body)
	}
	size, err = spoolCopy(f, body, spoolBufferSize(body))
	if err == nil {
		err = ctx.Err()
	}
	if err == nil && d.fsync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", 0, nil, err
	}
	if hash {
		sum = e.sum()
	}
	return f.Name(), size, sum, nil
}

// overlapFrom is the copy buffer size from which spoolCopy writes one buffer
// while it reads the next.
const overlapFrom = 256 << 10

// spoolCopy is io.CopyBuffer(dst, src, make([]byte, bufSize)), except that
// from overlapFrom on it fills one buffer while the other is written: the
// file write of a piece (a copy into the page cache) then overlaps the read
// and, for a verified body, the hashing of the next, instead of following
// it. On a 256 MiB PUT that write was a sixth of the time, all of it on the
// critical path.
func spoolCopy(dst io.Writer, src io.Reader, bufSize int) (int64, error) {
	if _, ok := src.(io.WriterTo); ok || bufSize < overlapFrom {
		return io.CopyBuffer(dst, src, make([]byte, bufSize))
	}
	bufs := [2][]byte{make([]byte, bufSize), make([]byte, bufSize)}
	var (
		total    int64
		inFlight chan error // the write of the other buffer, if any
	)
	wait := func() error {
		if inFlight == nil {
			return nil
		}
		err := <-inFlight
		inFlight = nil
		return err
	}
	for i := 0; ; i ^= 1 {
		// bufs[i]'s last write was waited for before bufs[i^1]'s started.
		n, rerr := src.Read(bufs[i])
		if n > 0 {
			if err := wait(); err != nil {
				return total, err
			}
			p, done := bufs[i][:n], make(chan error, 1)
			inFlight = done
			go func() {
				_, err := dst.Write(p) // a short write is an error (io.Writer)
				done <- err
			}()
			total += int64(n)
		}
		if rerr != nil {
			werr := wait()
			if rerr == io.EOF {
				rerr = werr
			}
			return total, rerr
		}
	}
}

// spoolBufferSize sizes spool's copy buffer: the declared size if there is
// one, within [4 KiB, 1 MiB]. A large buffer makes large reads of a
// verified body, which hashes them in parallel pieces (verifier.Body), and
// large writes; a small body gets no more than it needs.
func spoolBufferSize(body io.Reader) int {
	const smallest, largest = 4 << 10, 1 << 20
	if _, ok := body.(io.WriterTo); ok {
		return smallest // io.CopyBuffer lets it write itself, buffer unused
	}
	if sb, ok := body.(SizedBody); ok && sb.ExpectedSize() >= 0 {
		return int(min(max(sb.ExpectedSize(), smallest), largest))
	}
	return largest
}

// commitObject renames the spooled file tmp into the bucket and commits rec
// (stamping LastModified) by renaming its sidecar over the old one, if cond
// holds for the key's current object, as a new version under the bucket's
// versioning status. It returns files for the caller to remove once d.mu is
// released: the data of the versions this write replaced, or on failure
// whatever is left of tmp. The caller holds d.mu for writing, which every
// change to an object takes, so cond is judged on the object this write
// replaces.
func (d *Dir) commitObject(bucket, tmp string, rec *objectRecord, cond PutCondition) (ObjectInfo, []string, error) {
	b, err := d.bucket(bucket)
	if err != nil {
		return ObjectInfo{}, []string{tmp}, err
	}
	if err := b.checkCondition(bucket, rec.Key, cond); err != nil {
		return ObjectInfo{}, []string{tmp}, err
	}
	rec.Data = keyHash(rec.Key) + "." + randomSuffix() + ".data"
	rec.LastModified = d.now()
	data := filepath.Join(b.objectDir(rec.Key), rec.Data)
	if err := d.rename(tmp, data); err != nil {
		return ObjectInfo{}, []string{tmp}, err
	}
	c := b.chain(rec.Key)
	dropped := c.add(rec, b.info.Versioning)
	if err := d.commitChain(b, rec.Key, c); err != nil {
		return ObjectInfo{}, []string{data}, err
	}
	return rec.info(bucket), b.dataFiles(rec.Key, dropped), nil
}

// commitChain writes key's sidecar for its versions c, or removes it when
// none is left: the commit point of every change to a key. Only then does
// it update the index. The caller holds d.mu for writing.
func (d *Dir) commitChain(b *dirBucket, key string, c chain[*objectRecord]) error {
	var err error
	if len(c.versions) == 0 {
		err = os.Remove(b.sidecarPath(key))
	} else {
		head := *c.versions[0]
		head.Older = c.versions[1:]
		err = d.writeJSONAtomic(b.sidecarPath(key), &head)
	}
	if err != nil {
		return err
	}
	b.setChain(key, c)
	return nil
}

// dataFiles names the data files of versions no sidecar refers to any more.
func (b *dirBucket) dataFiles(key string, versions []*objectRecord) []string {
	var out []string
	for _, v := range versions {
		if v.Data != "" {
			out = append(out, filepath.Join(b.objectDir(key), v.Data))
		}
	}
	return out
}

// checkCondition judges cond against key's object; the caller holds d.mu.
func (b *dirBucket) checkCondition(bucket, key string, cond PutCondition) error {
	var cur *ObjectInfo
	if info := b.chain(key).currentInfo(); info != nil {
		i := *info
		i.Bucket = bucket
		cur = &i
	}
	return cond.Check(cur)
}

// removeQuietly removes leftovers; "" entries are skipped. A failure only
// leaves garbage that the next NewDir sweeps.
func (d *Dir) removeQuietly(paths ...string) {
	for _, p := range paths {
		if p != "" {
			os.Remove(p)
		}
	}
}

// object finds a key's record; the caller holds d.mu.
func (d *Dir) object(bucket, key string) (*dirBucket, *objectRecord, error) {
	b, err := d.bucket(bucket)
	if err != nil {
		return nil, nil, err
	}
	rec, err := b.chain(key).current()
	if err != nil {
		return nil, nil, err
	}
	return b, rec, nil
}

// HeadObject describes an object.
func (d *Dir) HeadObject(_ context.Context, bucket, key string) (ObjectInfo, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	_, rec, err := d.object(bucket, key)
	if err != nil {
		return ObjectInfo{}, err
	}
	return rec.info(bucket), nil
}

// OpenObject opens the key's data file under the lock, so the record and
// the file are one version: an overwrite or delete that renames or removes
// the file afterwards leaves this open file readable (POSIX semantics).
func (d *Dir) OpenObject(_ context.Context, bucket, key string) (Object, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, rec, err := d.object(bucket, key)
	if err != nil {
		return nil, err
	}
	return b.open(bucket, rec)
}

// open opens a version's data file; the caller holds d.mu.
func (b *dirBucket) open(bucket string, rec *objectRecord) (Object, error) {
	f, err := os.Open(filepath.Join(b.objectDir(rec.Key), rec.Data))
	if err != nil {
		return nil, err
	}
	return &dirObject{info: rec.info(bucket), f: f}, nil
}

// dirObject is an opened version: its record and its open data file.
type dirObject struct {
	info ObjectInfo
	f    *os.File
}

func (o *dirObject) Info() ObjectInfo { return cloneInfo(o.info) }

// Reader positions the file at rng's start and limits it to rng's length.
// It returns an *io.LimitedReader over the *os.File rather than an
// io.SectionReader because that is the shape net/http hands to sendfile(2)
// (net.sendFile unwraps a LimitedReader over a file, nothing else); the
// price is the shared file offset, hence one reader at a time.
func (o *dirObject) Reader(rng *Range) (io.Reader, error) {
	r := clampRange(rng, o.info.Size)
	if _, err := o.f.Seek(r.Start, io.SeekStart); err != nil {
		return nil, err
	}
	return &io.LimitedReader{R: o.f, N: r.Length}, nil
}

func (o *dirObject) Close() error { return o.f.Close() }

// DeleteObject removes an object, or adds a delete marker on a versioned
// bucket; an absent key is not an error.
func (d *Dir) DeleteObject(ctx context.Context, bucket, key string) error {
	_, err := d.DeleteObjectVersion(ctx, bucket, key, "")
	return err
}

// ListObjects returns one page of the bucket's keys.
func (d *Dir) ListObjects(_ context.Context, bucket string, opts ListOptions) (ListResult, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, err := d.bucket(bucket)
	if err != nil {
		return ListResult{}, err
	}
	start, _ := slices.BinarySearch(b.keys, max(opts.After, opts.Prefix))
	return listPage(opts, slices.Values(b.keys[start:]), func(key string) (ObjectInfo, bool) {
		rec, err := b.chain(key).current()
		if err != nil {
			return ObjectInfo{}, false
		}
		return rec.info(bucket), true
	}), nil
}
