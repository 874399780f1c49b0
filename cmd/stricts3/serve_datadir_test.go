package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
)

// `--data-dir .` or `--data-dir ~` used to empty the user's own tmp/.
func TestServe_DataDirThatIsNotAStore_IsUsageErrorAndLeftUntouched(t *testing.T) {
	home := t.TempDir()
	draft := filepath.Join(home, "tmp", "draft.txt")
	require.NoError(t, os.MkdirAll(filepath.Dir(draft), 0o755))
	require.NoError(t, os.WriteFile(draft, []byte("mine"), 0o644))

	_, stderr, code := runCmd(t, nil, "serve", "--addr", "127.0.0.1:0", "--data-dir", home)
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, home)
	assert.Contains(t, stderr, "not a strictS3 data directory")
	data, err := os.ReadFile(draft)
	require.NoError(t, err)
	assert.Equal(t, "mine", string(data))
	entries, err := os.ReadDir(home)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "nothing was added beside the user's folder")
}

func TestServe_DataDirThatIsAFile_IsUsageError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	_, stderr, code := runCmd(t, nil, "serve", "--addr", "127.0.0.1:0", "--data-dir", file)
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, "not a directory")
	assert.NotContains(t, stderr, "unlinkat")
}

// A second serve on a live server's data directory used to empty the
// staging folder under the live server's in-flight PUT (a 500) before
// failing to bind. Now it stops at the lock, naming the holder.
func TestServe_SecondServerOnTheSameDataDir_ExitsNamingTheHolder_LiveUploadCompletes(t *testing.T) {
	dir := t.TempDir()
	live := startServe(t, map[string]string{"STRICTS3_DATA_DIR": dir}, "--addr", "127.0.0.1:0")
	client := sdkClient(t, live.vars)
	s3test.MustCreateBucket(t, client, "locked")

	const first, second = "streamed before the second server starts, ", "and after it gave up"
	put := startInflightPut(t, client, "locked", "inflight", int64(len(first+second)))
	_, err := io.WriteString(put.w, first)
	require.NoError(t, err)

	_, stderr, code := runCmd(t, map[string]string{"STRICTS3_DATA_DIR": dir}, "serve", "--addr", "127.0.0.1:0")
	assert.Equal(t, exitRejected, code, stderr)
	assert.Contains(t, stderr, "in use by another strictS3 process")
	assert.Contains(t, stderr, "pid "+strconv.Itoa(os.Getpid()), "the holder is named")

	_, err = io.WriteString(put.w, second)
	require.NoError(t, err)
	require.NoError(t, put.w.Close())
	res := <-put.done
	require.NoError(t, res.err)
	assert.Equal(t, http.StatusOK, res.status, "the live server's upload is unharmed")
	assert.Equal(t, first+second, s3test.MustGetBody(t, client, "locked", "inflight"))
}

// A zero-length sidecar or a stray directory under buckets/ used to make
// serve exit 1: now they are logged and the rest is served.
func TestServe_DataDirWithDamagedFiles_StartsAndServesTheRest(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"STRICTS3_DATA_DIR": dir}
	first := startServe(t, env, "--addr", "127.0.0.1:0")
	client := sdkClient(t, first.vars)
	s3test.MustCreateBucket(t, client, "good")
	s3test.MustPutObject(t, client, "good", "k", "served")
	s3test.MustPutObject(t, client, "good", "damaged", "sidecar truncated")
	require.NoError(t, first.stop())

	sidecars, err := filepath.Glob(filepath.Join(dir, "buckets", "good", "objects", "*", "*.json"))
	require.NoError(t, err)
	require.Len(t, sidecars, 2)
	for _, sc := range sidecars {
		data, err := os.ReadFile(sc)
		require.NoError(t, err)
		if strings.Contains(string(data), `"damaged"`) {
			require.NoError(t, os.Truncate(sc, 0))
		}
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "buckets", "stray"), 0o755))

	second := startServe(t, env, "--addr", "127.0.0.1:0")
	assert.Equal(t, "served", s3test.MustGetBody(t, sdkClient(t, second.vars), "good", "k"))
	awaitLine(t, second, "skipped unreadable object sidecar")
	awaitLine(t, second, filepath.Join(dir, "buckets", "stray"))
}
