package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crashWriterEnv names the root a re-executed test binary writes to as
// the crash writer (TestDir_CrashWriter).
const crashWriterEnv = "STRICTS3_STORE_CRASH_WRITER_ROOT"

// crashBody is the writer's n-th body: one letter repeated, between 1 byte
// and about 2 MiB, so each write is several system calls long and a torn
// one shows as a size or MD5 that does not match the sidecar.
func crashBody(n int) []byte {
	return bytes.Repeat([]byte{byte('a' + n%26)}, 1+(n*786433)%(2<<20))
}

// TestDir_CrashWriter is not a test of its own: run by
// TestDir_KilledMidWrite_NeverShowsAPartialObject in a child process, it
// overwrites one object without end and reports each finished PUT.
func TestDir_CrashWriter(t *testing.T) {
	root := os.Getenv(crashWriterEnv)
	if root == "" {
		t.Skip("runs only as the child of TestDir_KilledMidWrite_NeverShowsAPartialObject")
	}
	d, err := NewDir(root)
	require.NoError(t, err)
	ctx := context.Background()
	if err := d.CreateBucket(ctx, "crash", "us-east-1"); err != nil && err != ErrBucketExists {
		t.Fatal(err)
	}
	for n := 0; ; n++ {
		body := crashBody(n)
		_, err := d.PutObject(ctx, "crash", "k", ObjectMeta{}, PutCondition{}, sized{bytes.NewReader(body), int64(len(body))})
		require.NoError(t, err)
		fmt.Printf("put %d\n", n)
	}
}

// TestDir_KilledMidWrite_NeverShowsAPartialObject kills (SIGKILL) a
// process overwriting an object at arbitrary points of its writes, then
// reopens the store: the object is always one whole version, and the temp
// files of the write cut short are gone.
func TestDir_KilledMidWrite_NeverShowsAPartialObject(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	root := t.TempDir()
	for round, putsBeforeKill := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDir_CrashWriter$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashWriterEnv+"="+root)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		lines := bufio.NewScanner(stdout)
		for seen := 0; seen < putsBeforeKill; {
			require.True(t, lines.Scan(), "round %d: the writer stopped before %d PUTs", round, putsBeforeKill)
			if strings.HasPrefix(lines.Text(), "put ") {
				seen++
			}
		}
		// The next PUT is under way: kill it wherever it is.
		require.NoError(t, cmd.Process.Kill())
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()

		d, err := NewDir(root)
		require.NoError(t, err, "round %d", round)
		info, err := d.HeadObject(context.Background(), "crash", "k")
		require.NoError(t, err, "round %d: a PUT finished, so the object exists", round)
		obj, err := d.OpenObject(context.Background(), "crash", "k")
		require.NoError(t, err)
		r, err := obj.Reader(nil)
		require.NoError(t, err)
		data, err := io.ReadAll(r)
		require.NoError(t, err)
		obj.Close()
		sum := md5.Sum(data)
		assert.Equal(t, info.Size, int64(len(data)), "round %d: the bytes are as long as the sidecar says", round)
		assert.Equal(t, `"`+hex.EncodeToString(sum[:])+`"`, info.ETag, "round %d: the bytes are the ones the sidecar committed", round)
		assert.Equal(t, len(data), bytes.Count(data, data[:1]), "round %d: one version's bytes, not a mix", round)
		left, err := os.ReadDir(d.tmpDir())
		require.NoError(t, err)
		assert.Empty(t, left, "round %d: reopening swept the cut-short write's temp files", round)
		require.NoError(t, d.Close())
	}
}
