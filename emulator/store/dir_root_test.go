package store

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapshot maps every path under root to its content ("<dir>" for folders).
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			out[path] = "<dir>"
			return nil
		}
		data, err := os.ReadFile(path)
		out[path] = string(data)
		return err
	}))
	return out
}

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(root, name)
		if strings.HasSuffix(name, "/") {
			require.NoError(t, os.MkdirAll(path, 0o755))
			continue
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
}

func TestNewDir_FolderThatIsNotAStore_IsRefusedUntouched(t *testing.T) {
	cases := map[string]map[string]string{
		// What `--data-dir ~` or `--data-dir .` find: the user's own tmp.
		"home with a tmp folder":         {"tmp/draft.txt": "mine", "notes.txt": "mine too"},
		"only a tmp folder":              {"tmp/draft.txt": "mine"},
		"buckets folder of someone else": {"buckets/photos/cat.jpg": "meow"},
		"old layout plus a user file":    {"buckets/b/bucket.json": `{"Name":"b"}`, "notes.txt": "mine"},
		"old layout, foreign temp file":  {"buckets/b/bucket.json": `{"Name":"b"}`, "tmp/draft.txt": "mine"},
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			writeFiles(t, root, files)
			before := snapshot(t, root)

			_, err := NewDir(root)
			require.ErrorIs(t, err, ErrRootForeign)
			assert.Contains(t, err.Error(), root, "the message names the folder")
			assert.Equal(t, before, snapshot(t, root), "nothing was created, changed or deleted")
		})
	}
}

func TestNewDir_RegularFile_IsErrRootNotDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(path, []byte("keep"), 0o644))
	_, err := NewDir(path)
	require.ErrorIs(t, err, ErrRootNotDirectory)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "keep", string(data))
}

func TestNewDir_AbsentOrEmptyFolder_BecomesAMarkedStore(t *testing.T) {
	for name, root := range map[string]string{
		"absent": filepath.Join(t.TempDir(), "new", "data"),
		"empty":  t.TempDir(),
	} {
		t.Run(name, func(t *testing.T) {
			d, err := NewDir(root)
			require.NoError(t, err)
			require.NoError(t, d.CreateBucket(context.Background(), "bkt", "us-east-1"))
			require.NoError(t, d.Close())
			var m storeMarker
			require.NoError(t, readJSON(filepath.Join(root, markerFile), &m))
			assert.Equal(t, dirFormat, m.Format)

			again, err := NewDir(root)
			require.NoError(t, err)
			defer again.Close()
			_, err = again.BucketInfo(context.Background(), "bkt")
			assert.NoError(t, err)
		})
	}
}

func TestNewDir_UnknownFormat_IsRefused(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{markerFile: `{"format": 99}`})
	_, err := NewDir(root)
	require.ErrorIs(t, err, ErrRootFormat)
}

// A store written before the marker existed (format 1: buckets/ and tmp/,
// and the CA serve --tls put beside them) is adopted: its objects are
// served and the marker is written; its leftover temp files are swept.
func TestNewDir_Format1Store_IsAdopted(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d, err := NewDir(root)
	require.NoError(t, err)
	require.NoError(t, d.CreateBucket(ctx, "bkt", "us-east-1"))
	put(t, d, "k", "from format 1", ObjectMeta{})
	require.NoError(t, d.Close())
	require.NoError(t, os.Remove(filepath.Join(root, markerFile)))
	require.NoError(t, os.Remove(filepath.Join(root, lockFile)))
	writeFiles(t, root, map[string]string{"tmp/body-123": "spooled", "stricts3-ca.pem": "CA"})

	var logs bytes.Buffer
	d, err = NewDir(root, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, err)
	defer d.Close()
	_, body := get(t, d, "k", nil)
	assert.Equal(t, "from format 1", body)
	assert.FileExists(t, filepath.Join(root, markerFile))
	assert.NoFileExists(t, filepath.Join(root, "tmp", "body-123"))
	assert.FileExists(t, filepath.Join(root, "stricts3-ca.pem"))
	assert.Contains(t, logs.String(), "adopting")
}

func TestNewDir_SecondOpen_IsErrRootInUseNamingTheHolderAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d1, err := NewDir(root)
	require.NoError(t, err)
	require.NoError(t, d1.CreateBucket(ctx, "bkt", "us-east-1"))
	// An upload of the live store, mid-stream in its staging folder.
	inflight := filepath.Join(root, "tmp", "body-inflight")
	require.NoError(t, os.WriteFile(inflight, []byte("half"), 0o644))

	_, err = NewDir(root)
	require.ErrorIs(t, err, ErrRootInUse)
	assert.Contains(t, err.Error(), "pid "+strconv.Itoa(os.Getpid()))
	assert.FileExists(t, inflight, "the second opener must not sweep the live store's staging folder")
	put(t, d1, "k", "still served", ObjectMeta{})

	require.NoError(t, d1.Close())
	d2, err := NewDir(root)
	require.NoError(t, err, "Close releases the root")
	defer d2.Close()
	_, body := get(t, d2, "k", nil)
	assert.Equal(t, "still served", body)
}

// One damaged file must not take the whole store down: a zero-length
// bucket.json or sidecar, a stray directory or file where buckets or shards
// belong are logged and skipped, and their files are kept.
func TestNewDir_DamagedFiles_AreSkippedLoggedAndKept(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d, err := NewDir(root)
	require.NoError(t, err)
	for _, b := range []string{"bkt", "bad"} {
		require.NoError(t, d.CreateBucket(ctx, b, "us-east-1"))
	}
	put(t, d, "k", "fine", ObjectMeta{})
	put(t, d, "broken", "its sidecar will be truncated", ObjectMeta{})
	_, err = d.PutObject(ctx, "bad", "k", ObjectMeta{}, PutCondition{}, strings.NewReader("in the bad bucket"))
	require.NoError(t, err)
	up, err := d.CreateUpload(ctx, "bkt", "mp", ObjectMeta{})
	require.NoError(t, err)
	brokenSidecar := d.buckets["bkt"].sidecarPath("broken")
	brokenData := filepath.Join(filepath.Dir(brokenSidecar), d.buckets["bkt"].objects["broken"][0].Data)
	require.NoError(t, d.Close())

	require.NoError(t, os.Truncate(brokenSidecar, 0))
	require.NoError(t, os.Truncate(filepath.Join(root, "buckets", "bad", bucketFile), 0))
	require.NoError(t, os.Truncate(filepath.Join(root, "buckets", "bkt", "uploads", up.UploadID, uploadFile), 0))
	writeFiles(t, root, map[string]string{
		"buckets/stray-dir/":              "",
		"buckets/stray-file":              "x",
		"buckets/bkt/objects/not-a-shard": "x",
		"tmp/user-notes.txt":              "someone's",
	})

	var logs bytes.Buffer
	d, err = NewDir(root, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, err, "a damaged file does not stop the store")
	defer d.Close()

	_, body := get(t, d, "k", nil)
	assert.Equal(t, "fine", body, "the readable object of the same shard is served")
	_, err = d.HeadObject(ctx, "bkt", "broken")
	assert.ErrorIs(t, err, ErrNoSuchKey)
	assert.FileExists(t, brokenData, "the data a damaged sidecar may name is kept")
	_, err = d.BucketInfo(ctx, "bad")
	assert.ErrorIs(t, err, ErrNoSuchBucket)
	_, err = d.BucketInfo(ctx, "bkt")
	assert.NoError(t, err)
	ups, err := d.ListUploads(ctx, "bkt")
	require.NoError(t, err)
	assert.Empty(t, ups)
	assert.FileExists(t, filepath.Join(root, "tmp", "user-notes.txt"), "a file we did not create is not swept")

	for _, path := range []string{
		brokenSidecar,
		filepath.Join(root, "buckets", "bad"),
		filepath.Join(root, "buckets", "stray-dir"),
		filepath.Join(root, "buckets", "stray-file"),
		filepath.Join(root, "buckets", "bkt", "objects", "not-a-shard"),
		filepath.Join(root, "buckets", "bkt", "uploads", up.UploadID),
		filepath.Join(root, "tmp", "user-notes.txt"),
	} {
		assert.Contains(t, logs.String(), path, "what was skipped is logged")
	}
}
