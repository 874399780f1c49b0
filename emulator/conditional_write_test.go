package emulator

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
)

// bodyRecorder is an SDK HTTP client that keeps the last response body, so
// a test sees the error envelope's extra elements the SDK does not expose.
type bodyRecorder struct {
	next aws.HTTPClient
	body []byte
}

func (r *bodyRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.next.Do(req)
	if err != nil {
		return resp, err
	}
	r.body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(r.body))
	return resp, err
}

func (r *bodyRecorder) use(o *s3.Options) { o.HTTPClient = r }

// gatedStore holds each PutObject body at its first Read until n PutObjects
// have reached the store, so n requests are in flight, all past the
// emulator's early look at the key, before any of them can commit.
type gatedStore struct {
	store.Store
	arrived sync.WaitGroup
}

func newGatedStore(st store.Store, n int) *gatedStore {
	g := &gatedStore{Store: st}
	g.arrived.Add(n)
	return g
}

func (g *gatedStore) PutObject(ctx context.Context, bucket, key string, meta store.ObjectMeta, cond store.PutCondition, body io.Reader) (store.ObjectInfo, error) {
	g.arrived.Done()
	return g.Store.PutObject(ctx, bucket, key, meta, cond, &gatedBody{r: body, g: g})
}

type gatedBody struct {
	r    io.Reader
	g    *gatedStore
	once sync.Once
}

func (b *gatedBody) Read(p []byte) (int, error) {
	b.once.Do(b.g.arrived.Wait)
	return b.r.Read(p)
}

// bothStores runs fn on the memory store and on the directory store.
func bothStores(t *testing.T, fn func(t *testing.T, st store.Store)) {
	t.Run("memory", func(t *testing.T) { fn(t, store.NewMemory()) })
	t.Run("dir", func(t *testing.T) {
		dir, err := store.NewDir(t.TempDir())
		require.NoError(t, err)
		fn(t, dir)
	})
}

// S3 guarantees a create-if-absent lock: of concurrent PUTs with
// If-None-Match: *, exactly one creates the key; the others, finding it
// committed, get 412 PreconditionFailed with <Condition>If-None-Match.
func TestPutObject_ConcurrentIfNoneMatch_ExactlyOneWinsOthersPreconditionFailed(t *testing.T) {
	bothStores(t, func(t *testing.T, st store.Store) {
		const writers = 16
		ts := NewTestServer(t, WithStore(newGatedStore(st, writers)))
		s3test.MustCreateBucket(t, ts.Client, "locks")

		errs := make([]error, writers)
		recs := make([]*bodyRecorder, writers)
		var wg sync.WaitGroup
		for i := range writers {
			recs[i] = &bodyRecorder{next: ts.HTTPClient}
			wg.Go(func() {
				_, errs[i] = ts.Client.PutObject(context.Background(), &s3.PutObjectInput{
					Bucket: aws.String("locks"), Key: aws.String("leader"),
					Body: bytes.NewReader(fmt.Appendf(nil, "writer %d", i)), IfNoneMatch: aws.String("*"),
				}, recs[i].use)
			})
		}
		wg.Wait()

		won := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, won, "writers %d and %d both created the key", won, i)
				won = i
				continue
			}
			apiErr(t, err, "PreconditionFailed", http.StatusPreconditionFailed)
			e := parseError(t, recs[i].body)
			assert.Equal(t, "At least one of the pre-conditions you specified did not hold", e.Message)
			assert.Equal(t, []string{"Condition"}, e.Names())
			assert.Equal(t, "If-None-Match", e.Elem("Condition"))
			assert.NotEmpty(t, e.RequestID)
		}
		require.NotEqual(t, -1, won, "no writer created the key")
		assert.Equal(t, fmt.Sprintf("writer %d", won), s3test.MustGetBody(t, ts.Client, "locks", "leader"))
	})
}

func TestCompleteMultipartUpload_Conditions_JudgedOnTheKeyAtCompletion(t *testing.T) {
	bothStores(t, func(t *testing.T, st store.Store) {
		ts := NewTestServer(t, WithStore(st))
		c := ts.Client
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "mpu")
		existing := s3test.MustPutObject(t, c, "mpu", "taken", "old")

		complete := func(key string, edit func(*s3.CompleteMultipartUploadInput)) (*bodyRecorder, error) {
			create, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String(key)})
			require.NoError(t, err)
			parts := uploadParts(t, c, "mpu", key, aws.ToString(create.UploadId), []byte("new"))
			in := &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String(key), UploadId: create.UploadId,
				MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}
			edit(in)
			rec := &bodyRecorder{next: ts.HTTPClient}
			_, err = c.CompleteMultipartUpload(ctx, in, rec.use)
			if err != nil {
				_, lerr := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String(key), UploadId: create.UploadId})
				assert.NoError(t, lerr, "a failed condition keeps the upload")
			}
			return rec, err
		}

		tests := []struct {
			name      string
			key       string
			edit      func(*s3.CompleteMultipartUploadInput)
			code      string
			status    int
			condition string
		}{
			{"If-None-Match star on an existing key is 412", "taken",
				func(in *s3.CompleteMultipartUploadInput) { in.IfNoneMatch = aws.String("*") }, "PreconditionFailed", 412, "If-None-Match"},
			{"If-Match with another ETag is 412", "taken",
				func(in *s3.CompleteMultipartUploadInput) { in.IfMatch = aws.String(`"0000"`) }, "PreconditionFailed", 412, "If-Match"},
			{"If-Match on an absent key is NoSuchKey", "absent",
				func(in *s3.CompleteMultipartUploadInput) { in.IfMatch = existing.ETag }, "NoSuchKey", 404, ""},
			{"If-None-Match other than star is NotImplemented", "absent",
				func(in *s3.CompleteMultipartUploadInput) { in.IfNoneMatch = existing.ETag }, "NotImplemented", 501, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rec, err := complete(tt.key, tt.edit)
				apiErr(t, err, tt.code, tt.status)
				if tt.condition != "" {
					assert.Equal(t, tt.condition, parseError(t, rec.body).Elem("Condition"))
				}
			})
		}
		assert.Equal(t, "old", s3test.MustGetBody(t, c, "mpu", "taken"), "no failed completion replaced the object")

		_, err := complete("taken", func(in *s3.CompleteMultipartUploadInput) { in.IfMatch = existing.ETag })
		require.NoError(t, err)
		assert.Equal(t, "new", s3test.MustGetBody(t, c, "mpu", "taken"))
		_, err = complete("fresh", func(in *s3.CompleteMultipartUploadInput) { in.IfNoneMatch = aws.String("*") })
		require.NoError(t, err)
		assert.Equal(t, "new", s3test.MustGetBody(t, c, "mpu", "fresh"))
	})
}

func TestCopyObject_DestinationIfNoneMatch_OnExistingKeyIsPreconditionFailed(t *testing.T) {
	ts := NewTestServer(t)
	c := ts.Client
	ctx := context.Background()
	s3test.MustCreateBucket(t, c, "copies")
	s3test.MustPutObject(t, c, "copies", "src", "source")
	s3test.MustPutObject(t, c, "copies", "dst", "kept")

	rec := &bodyRecorder{next: ts.HTTPClient}
	_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("copies"), Key: aws.String("dst"),
		CopySource: aws.String("copies/src"), IfNoneMatch: aws.String("*")}, rec.use)
	apiErr(t, err, "PreconditionFailed", http.StatusPreconditionFailed)
	assert.Equal(t, "If-None-Match", parseError(t, rec.body).Elem("Condition"))
	assert.Equal(t, "kept", s3test.MustGetBody(t, c, "copies", "dst"))

	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("copies"), Key: aws.String("new"),
		CopySource: aws.String("copies/src"), IfNoneMatch: aws.String("*")})
	require.NoError(t, err)
	assert.Equal(t, "source", s3test.MustGetBody(t, c, "copies", "new"))
}

// partSwapStore uploads part 1 again just before CompleteUpload runs: an
// UploadPart that lands between the emulator's check of the part list and
// the store's assembly.
type partSwapStore struct{ store.Store }

func (s partSwapStore) CompleteUpload(ctx context.Context, bucket, key, uploadID string, parts []store.CompletePart, etag string, meta store.ObjectMeta, cond store.PutCondition) (store.ObjectInfo, error) {
	if _, err := s.Store.UploadPart(ctx, bucket, key, uploadID, 1, nil, bytes.NewReader([]byte("swapped"))); err != nil {
		return store.ObjectInfo{}, err
	}
	return s.Store.CompleteUpload(ctx, bucket, key, uploadID, parts, etag, meta, cond)
}

func TestCompleteMultipartUpload_PartReplacedDuringCompletion_IsInvalidPart(t *testing.T) {
	bothStores(t, func(t *testing.T, st store.Store) {
		ts := NewTestServer(t, WithStore(partSwapStore{st}))
		c := ts.Client
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "swap")
		create, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("swap"), Key: aws.String("k")})
		require.NoError(t, err)
		parts := uploadParts(t, c, "swap", "k", aws.ToString(create.UploadId), []byte("checked"))

		rec := &bodyRecorder{next: ts.HTTPClient}
		_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("swap"), Key: aws.String("k"),
			UploadId: create.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}, rec.use)
		apiErr(t, err, "InvalidPart", http.StatusBadRequest)
		assert.Equal(t, aws.ToString(create.UploadId), parseError(t, rec.body).Elem("UploadId"))
		_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("swap"), Key: aws.String("k")})
		require.Error(t, err, "nothing was assembled from bytes the client did not name")
	})
}
