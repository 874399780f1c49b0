package emulator

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
)

// patternReader yields n bytes of a repeating pattern without holding
// them, so a test can send a body larger than what it may allocate.
type patternReader struct{ n int64 }

func (r *patternReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n)]
	for i := range p {
		p[i] = byte(i)
	}
	r.n -= int64(len(p))
	return len(p), nil
}

// TestDirStore_Put256MiB_AllocatesUnder64MiB: a large PUT into the
// directory store streams, through verification and the store, within a
// fixed amount of memory: everything the process allocates during it,
// whether or not it is still held, stays under 64 MiB.
func TestDirStore_Put256MiB_AllocatesUnder64MiB(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 256 MiB")
	}
	const size = 256 << 20
	dir, err := store.NewDir(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { dir.Close() })
	ts := NewTestServer(t, WithStore(dir), WithLogger(slog.New(slog.DiscardHandler)))
	ctx := context.Background()
	require.NoError(t, dir.CreateBucket(ctx, "big", ts.Region))

	req := httptest.NewRequest(http.MethodPut, ts.URL+"/big/object", &patternReader{n: size})
	req.ContentLength = size
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	s3test.SignRequest(t, req, nil, testCreds(ts), ts.Region, ts.Clock.Now())
	rec := httptest.NewRecorder()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ts.Server.ServeHTTP(rec, req)
	runtime.ReadMemStats(&after)

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	info, err := dir.HeadObject(ctx, "big", "object")
	require.NoError(t, err)
	assert.Equal(t, int64(size), info.Size)
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(64<<20), "allocated %d MiB during the PUT", allocated>>20)
	t.Logf("allocated %.1f MiB during a 256 MiB PUT", float64(allocated)/(1<<20))
}
