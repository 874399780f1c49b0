package emulator

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
)

// lookupCountingStore counts the look-ups of one key, so a test can see how
// often a handler reads an object's metadata and bytes.
type lookupCountingStore struct {
	store.Store
	bucket, key string

	mu          sync.Mutex
	heads, gets int // gets counts OpenObject
}

func (s *lookupCountingStore) HeadObject(ctx context.Context, bucket, key string) (store.ObjectInfo, error) {
	if bucket == s.bucket && key == s.key {
		s.mu.Lock()
		s.heads++
		s.mu.Unlock()
	}
	return s.Store.HeadObject(ctx, bucket, key)
}

func (s *lookupCountingStore) OpenObject(ctx context.Context, bucket, key string) (store.Object, error) {
	if bucket == s.bucket && key == s.key {
		s.mu.Lock()
		s.gets++
		s.mu.Unlock()
	}
	return s.Store.OpenObject(ctx, bucket, key)
}

func (s *lookupCountingStore) counts() (heads, gets int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heads, s.gets
}

// The copy-source conditions must judge the very version whose bytes are
// copied, so the source is opened once, never looked up and then read.
func TestCopy_OpensTheSourceOnce(t *testing.T) {
	st := &lookupCountingStore{Store: store.NewMemory(), bucket: "copies", key: "src"}
	ts := NewTestServer(t, WithStore(st))
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "copies")
	put := s3test.MustPutObject(t, ts.Client, "copies", "src", "0123456789")

	_, err := ts.Client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("copies"), Key: aws.String("dst"),
		CopySource: aws.String("copies/src"), CopySourceIfMatch: put.ETag})
	require.NoError(t, err)
	heads, gets := st.counts()
	assert.Equal(t, 0, heads, "HeadObject calls on the source")
	assert.Equal(t, 1, gets, "OpenObject calls on the source")
	assert.Equal(t, "0123456789", s3test.MustGetBody(t, ts.Client, "copies", "dst"))

	create, err := ts.Client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("copies"), Key: aws.String("mp")})
	require.NoError(t, err)
	_, err = ts.Client.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("copies"), Key: aws.String("mp"),
		UploadId: create.UploadId, PartNumber: aws.Int32(1), CopySource: aws.String("copies/src"), CopySourceRange: aws.String("bytes=2-5")})
	require.NoError(t, err)
	heads, gets = st.counts()
	assert.Equal(t, 0, heads, "HeadObject calls on the source")
	assert.Equal(t, 2, gets, "OpenObject calls on the source")
	parts, err := ts.Client.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("copies"), Key: aws.String("mp"), UploadId: create.UploadId})
	require.NoError(t, err)
	require.Len(t, parts.Parts, 1)
	assert.Equal(t, `"`+md5hex("2345")+`"`, aws.ToString(parts.Parts[0].ETag))
}

// S3 refuses an x-amz-copy-source-range that is malformed or reaches past
// the source's end with InvalidArgument naming the header, and stores no
// part. The range is judged against the opened source before it reaches
// the store.
func TestUploadPartCopy_RangeOutsideTheSource_IsInvalidArgument(t *testing.T) {
	for name, newStore := range everyStore {
		t.Run(name, func(t *testing.T) {
			ts := NewTestServer(t, WithStore(newStore(t)))
			ctx := context.Background()
			s3test.MustCreateBucket(t, ts.Client, "copies")
			s3test.MustPutObject(t, ts.Client, "copies", "src", "0123456789")
			create, err := ts.Client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("copies"), Key: aws.String("mp")})
			require.NoError(t, err)
			path := "/copies/mp?partNumber=1&uploadId=" + aws.ToString(create.UploadId)

			for _, rng := range []string{"bytes=0-10", "bytes=10-10", "bytes=5-4", "bytes=-3", "0-3",
				"bytes=0-9223372036854775807", "bytes=9223372036854775806-9223372036854775807", "bytes=0-9223372036854775808"} {
				resp, body := do(t, ts, signedRequest(t, ts, http.MethodPut, ts.URL+path, nil,
					map[string]string{"X-Amz-Copy-Source": "copies/src", "X-Amz-Copy-Source-Range": rng}))
				s3test.RequireError(t, resp, body, http.StatusBadRequest, "InvalidArgument",
					"Range specified is not valid for source object of size: 10",
					"ArgumentName", "x-amz-copy-source-range", "ArgumentValue", rng)
			}
			parts, err := ts.Client.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("copies"), Key: aws.String("mp"), UploadId: create.UploadId})
			require.NoError(t, err)
			assert.Empty(t, parts.Parts)
		})
	}
}
