package store

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The directory store serves a read as an *io.LimitedReader over the
// opened *os.File: the one shape net/http passes to sendfile(2) (strace of
// a GET shows sendfile calls), which an io.SectionReader would not be. A
// second Reader of the same Object starts over at its own range.
func TestDir_Reader_IsALimitedFileForSendfile(t *testing.T) {
	ctx := context.Background()
	d, err := NewDir(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, d.CreateBucket(ctx, "bkt", "us-east-1"))
	put(t, d, "k", "0123456789", ObjectMeta{})

	obj, err := d.OpenObject(ctx, "bkt", "k")
	require.NoError(t, err)
	defer obj.Close()
	for _, tt := range []struct {
		rng  *Range
		want string
	}{{&Range{2, 3}, "234"}, {nil, "0123456789"}, {&Range{8, 5}, "89"}} {
		r, err := obj.Reader(tt.rng)
		require.NoError(t, err)
		lr, ok := r.(*io.LimitedReader)
		require.True(t, ok, "%T", r)
		_, isFile := lr.R.(*os.File)
		assert.True(t, isFile, "%T", lr.R)
		got, err := io.ReadAll(r)
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(got))
	}
}
