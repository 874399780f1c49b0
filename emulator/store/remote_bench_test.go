package store_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/emulator/store"
)

// sizedBytes is a body that declares its length, as a verified one does.
type sizedBytes struct{ *bytes.Reader }

func (b sizedBytes) ExpectedSize() int64 { return b.Size() }

// What a remote store costs over loopback to an in-process strictS3, per
// PUT and per GET (each a few backend calls: see the README's Scaling out).
func BenchmarkRemote_PutThenGet(b *testing.B) {
	endpoint := newStrictS3BackendTB(b)
	s, err := store.NewRemote(context.Background(), remoteConfig(endpoint, store.ConditionalWritesBackend))
	require.NoError(b, err)
	ctx := context.Background()
	require.NoError(b, s.CreateBucket(ctx, "bench", "us-east-1"))
	for _, size := range []int{1 << 10, 1 << 20} {
		data := bytes.Repeat([]byte("x"), size)
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(size))
			for i := 0; b.Loop(); i++ {
				_, err := s.PutObject(ctx, "bench", "k", store.ObjectMeta{}, store.PutCondition{}, sizedBytes{bytes.NewReader(data)})
				require.NoError(b, err)
				_, rc, err := store.GetObject(ctx, s, "bench", "k", nil)
				require.NoError(b, err)
				n, err := io.Copy(io.Discard, rc)
				rc.Close()
				require.NoError(b, err)
				require.Equal(b, int64(size), n)
			}
		})
	}
}
