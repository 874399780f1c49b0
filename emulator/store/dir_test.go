package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDir_Contract(t *testing.T) {
	runStoreContract(t, func(t *testing.T, clock Clock) Store {
		d, err := NewDir(t.TempDir(), WithClock(clock))
		require.NoError(t, err)
		return d
	})
}

func TestDir_WithFsync_KeepsContract(t *testing.T) {
	if testing.Short() {
		t.Skip("fsync is slow")
	}
	newStore := func(t *testing.T, clock Clock) Store {
		d, err := NewDir(t.TempDir(), WithFsync(true), WithClock(clock))
		require.NoError(t, err)
		return d
	}
	t.Run("PutGet", func(t *testing.T) { testPutGet(t, newStore) })
	t.Run("FailingBody", func(t *testing.T) { testFailingBody(t, newStore) })
	t.Run("MultipartFlow", func(t *testing.T) { testMultipartFlow(t, newStore) })
}

func TestDir_Restart_SeesEverything(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	clock := newManualClock()
	d1, err := NewDir(root, WithClock(clock))
	require.NoError(t, err)
	require.NoError(t, d1.CreateBucket(ctx, "bkt", "eu-central-1"))
	require.NoError(t, d1.CreateBucket(ctx, "other", "us-east-1"))
	meta := ObjectMeta{ContentType: "text/plain", User: map[string]string{"k": "v"}, Checksum: &Checksum{Algorithm: "CRC32C", Value: "x==", Type: "FULL_OBJECT"}}
	for _, key := range oddKeys {
		_, err := d1.PutObject(ctx, "bkt", key, meta, PutCondition{}, strings.NewReader("body of "+key))
		require.NoError(t, err)
	}
	_, err = d1.PutObject(ctx, "bkt", "with space", ObjectMeta{}, PutCondition{}, strings.NewReader("overwritten"))
	require.NoError(t, err)
	require.NoError(t, d1.DeleteObject(ctx, "bkt", "plus+sign"))
	require.NoError(t, d1.PutBucketConfig(ctx, "bkt", "cors", []byte("<CORSConfiguration/>")))
	up, err := d1.CreateUpload(ctx, "bkt", "big", ObjectMeta{ContentType: "video/mp4"})
	require.NoError(t, err)
	for n, body := range map[int]string{1: "first-", 2: "second", 3: "unused"} {
		_, err := d1.UploadPart(ctx, "bkt", "big", up.UploadID, n, nil, strings.NewReader(body))
		require.NoError(t, err)
	}
	before, err := d1.ListObjects(ctx, "bkt", ListOptions{MaxKeys: 1000})
	require.NoError(t, err)
	partsBefore, err := d1.ListParts(ctx, "bkt", "big", up.UploadID)
	require.NoError(t, err)
	bucketsBefore, err := d1.ListBuckets(ctx)
	require.NoError(t, err)
	require.NoError(t, d1.Close())

	d2, err := NewDir(root, WithClock(clock))
	require.NoError(t, err)
	after, err := d2.ListObjects(ctx, "bkt", ListOptions{MaxKeys: 1000})
	require.NoError(t, err)
	require.Len(t, after.Objects, len(oddKeys)-1)
	for i := range before.Objects {
		b, a := before.Objects[i], after.Objects[i]
		assert.Equal(t, b.Key, a.Key)
		assert.Equal(t, b.ETag, a.ETag)
		assert.Equal(t, b.Size, a.Size)
		assert.Equal(t, b.Meta, a.Meta)
		assert.True(t, b.LastModified.Equal(a.LastModified))
	}
	_, body := get(t, d2, "with space", nil)
	assert.Equal(t, "overwritten", body)
	_, body = get(t, d2, "../../../../etc/passwd", nil)
	assert.Equal(t, "body of ../../../../etc/passwd", body)
	_, err = d2.HeadObject(ctx, "bkt", "plus+sign")
	assert.ErrorIs(t, err, ErrNoSuchKey, "a delete survives the restart")

	bucketsAfter, err := d2.ListBuckets(ctx)
	require.NoError(t, err)
	require.Len(t, bucketsAfter, 2)
	for i := range bucketsBefore {
		assert.Equal(t, bucketsBefore[i].Name, bucketsAfter[i].Name)
		assert.Equal(t, bucketsBefore[i].Region, bucketsAfter[i].Region)
		assert.True(t, bucketsBefore[i].CreationDate.Equal(bucketsAfter[i].CreationDate))
	}
	doc, err := d2.GetBucketConfig(ctx, "bkt", "cors")
	require.NoError(t, err)
	assert.Equal(t, "<CORSConfiguration/>", string(doc))

	ups, err := d2.ListUploads(ctx, "bkt")
	require.NoError(t, err)
	require.Len(t, ups, 1)
	assert.Equal(t, up.UploadID, ups[0].UploadID)
	assert.Equal(t, "video/mp4", ups[0].Meta.ContentType)
	partsAfter, err := d2.ListParts(ctx, "bkt", "big", up.UploadID)
	require.NoError(t, err)
	assert.Equal(t, len(partsBefore), len(partsAfter))
	for i := range partsBefore {
		assert.Equal(t, partsBefore[i].ETag, partsAfter[i].ETag)
		assert.Equal(t, partsBefore[i].Size, partsAfter[i].Size)
	}
	_, err = d2.CompleteUpload(ctx, "bkt", "big", up.UploadID, []CompletePart{{PartNumber: 1, ETag: partsAfter[0].ETag}, {PartNumber: 2, ETag: partsAfter[1].ETag}}, `"abc-2"`, ObjectMeta{}, PutCondition{})
	require.NoError(t, err)
	_, body = get(t, d2, "big", nil)
	assert.Equal(t, "first-second", body, "an upload begun before the restart completes after it")
}

func TestDir_OddKeysAndBucketNames_StayInsideRoot(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	root := filepath.Join(parent, "data")
	d, err := NewDir(root)
	require.NoError(t, err)
	buckets := []string{"bkt", "../evil", "..", ".", "", "UPPER", "upper", "a/b", "nul\x00"}
	for _, b := range buckets {
		require.NoError(t, d.CreateBucket(ctx, b, "us-east-1"), "%q", b)
		for _, key := range oddKeys {
			_, err := d.PutObject(ctx, b, key, ObjectMeta{}, PutCondition{}, strings.NewReader(b+"|"+key))
			require.NoError(t, err, "%q %q", b, key)
		}
		require.NoError(t, d.PutBucketConfig(ctx, b, "../../../cors", []byte(b)))
	}
	for _, b := range buckets {
		for _, key := range oddKeys {
			info, rc, err := GetObject(ctx, d, b, key, nil)
			require.NoError(t, err)
			got, _ := io.ReadAll(rc)
			rc.Close()
			assert.Equal(t, b+"|"+key, string(got), "buckets %q and keys never share files", b)
			assert.Equal(t, key, info.Key)
		}
		doc, err := d.GetBucketConfig(ctx, b, "../../../cors")
		require.NoError(t, err)
		assert.Equal(t, b, string(doc))
	}

	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	require.Len(t, entries, 1, "nothing was written beside the root")
	assert.Equal(t, "data", entries[0].Name())
	require.NoError(t, filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		require.NoError(t, err)
		rel, err := filepath.Rel(root, path)
		require.NoError(t, err)
		assert.False(t, strings.HasPrefix(rel, ".."), path)
		assert.NotContains(t, e.Name(), "passwd", "keys never become file names")
		assert.LessOrEqual(t, len(e.Name()), 255)
		return nil
	}))
}

func TestDir_EscapeName_IsSafeAndInjective(t *testing.T) {
	tests := map[string]string{
		"my-bucket.v2": "my-bucket.v2",
		"":             "%",
		".":            "%2E",
		"..":           "%2E.",
		"../x":         "%2E.%2Fx",
		"Foo":          "%46oo",
		"a%b":          "a%25b",
		"é":            "%C3%A9",
	}
	seen := make(map[string]string)
	for in, want := range tests {
		got := escapeName(in)
		assert.Equal(t, want, got, "%q", in)
		lower := strings.ToLower(got)
		assert.NotContains(t, seen, lower, "%q collides with %q on a case-insensitive file system", in, seen[lower])
		seen[lower] = in
	}
}

func TestDir_FailedWrites_LeaveNoFiles(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d, err := NewDir(root)
	require.NoError(t, err)
	require.NoError(t, d.CreateBucket(ctx, "bkt", "us-east-1"))
	put(t, d, "k", "original", ObjectMeta{})
	up, err := d.CreateUpload(ctx, "bkt", "mp", ObjectMeta{})
	require.NoError(t, err)
	filesBefore := countFiles(t, root)

	_, err = d.PutObject(ctx, "bkt", "k", ObjectMeta{}, PutCondition{}, &failingReader{data: bytes.Repeat([]byte("x"), 1<<20), err: errVerify, atEnd: true})
	require.ErrorIs(t, err, errVerify)
	_, err = d.PutObject(ctx, "bkt", "new", ObjectMeta{}, PutCondition{}, &failingReader{data: []byte("x"), err: errVerify})
	require.ErrorIs(t, err, errVerify)
	_, err = d.UploadPart(ctx, "bkt", "mp", up.UploadID, 1, nil, &failingReader{data: []byte("x"), err: errVerify})
	require.ErrorIs(t, err, errVerify)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = d.PutObject(canceled, "bkt", "k", ObjectMeta{}, PutCondition{}, strings.NewReader("cut short"))
	require.ErrorIs(t, err, context.Canceled)

	assert.Equal(t, filesBefore, countFiles(t, root), "no temp or data file remains")
	_, body := get(t, d, "k", nil)
	assert.Equal(t, "original", body)
}

func TestDir_NewDir_SweepsCrashLeftovers(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d, err := NewDir(root)
	require.NoError(t, err)
	require.NoError(t, d.CreateBucket(ctx, "bkt", "us-east-1"))
	put(t, d, "k", "kept", ObjectMeta{})
	b := d.buckets["bkt"]
	orphan := filepath.Join(b.objectDir("k"), keyHash("k")+".deadbeef.data")
	require.NoError(t, os.WriteFile(orphan, []byte("half-committed"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "tmp", "body-123"), []byte("spooled"), 0o644))
	require.NoError(t, d.Close())

	swept, err := NewDir(root)
	require.NoError(t, err)
	assert.NoFileExists(t, orphan, "data no sidecar names is removed")
	assert.NoFileExists(t, filepath.Join(root, "tmp", "body-123"))
	require.NoError(t, swept.Close())
	d2, err := NewDir(root)
	require.NoError(t, err)
	_, body := get(t, d2, "k", nil)
	assert.Equal(t, "kept", body)
}

// TestDir_PutObject_StreamsBody checks a large body is not held in memory.
func TestDir_PutObject_StreamsBody(t *testing.T) {
	ctx := context.Background()
	d, err := NewDir(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, d.CreateBucket(ctx, "bkt", "us-east-1"))
	const size = 64 << 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	info, err := d.PutObject(ctx, "bkt", "big", ObjectMeta{}, PutCondition{}, io.LimitReader(zeros{}, size))
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	assert.Equal(t, int64(size), info.Size)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "allocated while storing 64 MiB")
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func countFiles(t *testing.T, root string) int {
	n := 0
	require.NoError(t, filepath.WalkDir(root, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			n++
		}
		return err
	}))
	return n
}

// A tag set or an ACL set after the upload is in the sidecar, so a
// restarted store reads it back with the bytes PutObject wrote.
func TestDir_SetObjectMeta_SurvivesRestart(t *testing.T) {
	tests := []struct {
		name string
		set  func(d *Dir) error
		want func(ObjectMeta) string
	}{
		{"tagging", func(d *Dir) error {
			_, err := d.SetObjectTagging(context.Background(), "bkt", "k", "team=a")
			return err
		}, func(m ObjectMeta) string { return m.Tagging }},
		{"acl", func(d *Dir) error {
			_, err := d.SetObjectVersionACL(context.Background(), "bkt", "k", "", "team=a")
			return err
		}, func(m ObjectMeta) string { return m.ACL }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			root := t.TempDir()
			d1, err := NewDir(root, WithClock(newManualClock()))
			require.NoError(t, err)
			require.NoError(t, d1.CreateBucket(ctx, "bkt", "us-east-1"))
			before, err := d1.PutObject(ctx, "bkt", "k", ObjectMeta{ContentType: "text/plain"}, PutCondition{}, strings.NewReader("data"))
			require.NoError(t, err)
			require.NoError(t, tt.set(d1))
			require.NoError(t, d1.Close())

			d2, err := NewDir(root, WithClock(newManualClock()))
			require.NoError(t, err)
			info, rc, err := GetObject(ctx, d2, "bkt", "k", nil)
			require.NoError(t, err)
			defer rc.Close()
			body, err := io.ReadAll(rc)
			require.NoError(t, err)
			assert.Equal(t, "data", string(body), "the data file is the one PutObject wrote")
			assert.Equal(t, "team=a", tt.want(info.Meta))
			assert.Equal(t, before.ETag, info.ETag)
			assert.Equal(t, before.LastModified, info.LastModified)
		})
	}
}

// failingWriter fails its second write.
type failingWriter struct{ writes int }

func (w *failingWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.writes == 2 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// pieceReader returns its data in reads of at most piece bytes, then err.
type pieceReader struct {
	data  []byte
	piece int
	err   error
}

func (r *pieceReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p[:min(len(p), r.piece)], r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestSpoolCopy_OverlappedCopyIsCopyBuffer(t *testing.T) {
	data := make([]byte, 5<<20+123)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for _, bufSize := range []int{4 << 10, overlapFrom, 1 << 20} {
		for _, piece := range []int{1000, 300 << 10, 1 << 20} {
			var dst bytes.Buffer
			n, err := spoolCopy(&dst, &pieceReader{data: data, piece: piece, err: io.EOF}, bufSize)
			require.NoError(t, err)
			assert.Equal(t, int64(len(data)), n)
			assert.True(t, bytes.Equal(data, dst.Bytes()), "buffer %d, reads of %d", bufSize, piece)
		}
	}
	t.Run("a read error ends the copy with it", func(t *testing.T) {
		bad := errors.New("XAmzContentSHA256Mismatch")
		_, err := spoolCopy(io.Discard, &pieceReader{data: data, piece: 1 << 20, err: bad}, 1<<20)
		assert.ErrorIs(t, err, bad)
	})
	t.Run("a write error ends the copy with it", func(t *testing.T) {
		_, err := spoolCopy(&failingWriter{}, &pieceReader{data: data, piece: 1 << 20, err: io.EOF}, 1<<20)
		assert.EqualError(t, err, "disk full")
	})
}
