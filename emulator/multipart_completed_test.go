package emulator

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
)

// completedOnce creates, fills and completes an upload of key, returning
// the request that completed it and its answer.
func completedOnce(t *testing.T, c *s3.Client, bucket, key string) (*s3.CompleteMultipartUploadInput, *s3.CompleteMultipartUploadOutput) {
	t.Helper()
	ctx := context.Background()
	create, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(t, err)
	parts := uploadParts(t, c, bucket, key, aws.ToString(create.UploadId), []byte("only part of "+key))
	in := &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: create.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}
	out, err := c.CompleteMultipartUpload(ctx, in)
	require.NoError(t, err)
	return in, out
}

// S3 answers a repeated CompleteMultipartUpload of a completed upload with
// 200 and the same result, as long as the repeat names the same parts and
// the object is still the one the upload made; otherwise the upload is
// gone: 404 NoSuchUpload.
func TestCompleteMultipartUpload_Repeated_AnswersTheSameResult(t *testing.T) {
	bothStores(t, func(t *testing.T, st store.Store) {
		ts := NewTestServer(t, WithStore(st))
		c := ts.Client
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "mpu")
		tests := []struct {
			name string
			// between changes things after the first completion; edit
			// changes the repeated request.
			between func(t *testing.T, key string)
			edit    func(in *s3.CompleteMultipartUploadInput)
			code    string
		}{
			{"same parts", nil, nil, ""},
			{"same parts with If-None-Match: * (nothing is written again)", nil,
				func(in *s3.CompleteMultipartUploadInput) { in.IfNoneMatch = aws.String("*") }, ""},
			{"other part ETag", nil, func(in *s3.CompleteMultipartUploadInput) {
				in.MultipartUpload.Parts[0].ETag = aws.String(`"0123456789abcdef0123456789abcdef"`)
			}, "NoSuchUpload"},
			{"other part number", nil, func(in *s3.CompleteMultipartUploadInput) {
				in.MultipartUpload.Parts[0].PartNumber = aws.Int32(2)
			}, "NoSuchUpload"},
			{"object overwritten since", func(t *testing.T, key string) {
				s3test.MustPutObject(t, c, "mpu", key, "overwritten")
			}, nil, "NoSuchUpload"},
			{"object deleted since", func(t *testing.T, key string) {
				_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("mpu"), Key: aws.String(key)})
				require.NoError(t, err)
			}, nil, "NoSuchUpload"},
			{"another key", nil, func(in *s3.CompleteMultipartUploadInput) { in.Key = aws.String("elsewhere") }, "NoSuchUpload"},
		}
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				key := fmt.Sprint("obj", i)
				in, first := completedOnce(t, c, "mpu", key)
				if tc.between != nil {
					tc.between(t, key)
				}
				if tc.edit != nil {
					tc.edit(in)
				}
				for range 2 {
					again, err := c.CompleteMultipartUpload(ctx, in)
					if tc.code != "" {
						apiErr(t, err, tc.code, http.StatusNotFound)
						continue
					}
					require.NoError(t, err)
					assert.Equal(t, aws.ToString(first.ETag), aws.ToString(again.ETag))
					assert.Equal(t, aws.ToString(first.Location), aws.ToString(again.Location))
					assert.Equal(t, aws.ToString(first.Bucket), aws.ToString(again.Bucket))
					assert.Equal(t, aws.ToString(first.Key), aws.ToString(again.Key))
					assert.Equal(t, aws.ToString(first.ChecksumCRC64NVME), aws.ToString(again.ChecksumCRC64NVME))
					assert.Equal(t, first.ChecksumType, again.ChecksumType)
					assert.Equal(t, "only part of "+key, s3test.MustGetBody(t, c, "mpu", key))
				}
			})
		}

		// An upload id never issued stays NoSuchUpload.
		_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k"),
			UploadId: aws.String("never-issued"), MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{
				{PartNumber: aws.Int32(1), ETag: aws.String(`"0123456789abcdef0123456789abcdef"`)}}}})
		apiErr(t, err, "NoSuchUpload", http.StatusNotFound)
	})
}

// The record of completed uploads is bounded: the oldest is forgotten
// first, and its repeat is then the NoSuchUpload S3 documents.
func TestCompletedUploads_ForgetsTheOldestBeyondItsBound(t *testing.T) {
	tests := []struct {
		name       string
		max        int
		added      []string
		remembered []string
		forgotten  []string
	}{
		{"under the bound", 3, []string{"a", "b"}, []string{"a", "b"}, nil},
		{"over the bound", 2, []string{"a", "b", "c"}, []string{"b", "c"}, []string{"a"}},
		{"re-adding does not evict", 2, []string{"a", "b", "b"}, []string{"a", "b"}, nil},
		{"negative remembers none", -1, []string{"a"}, nil, []string{"a"}},
		{"zero is the default bound", 0, []string{"a"}, []string{"a"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newCompletedUploads(tc.max)
			for _, id := range tc.added {
				r.add(id, completedUpload{bucket: "b", key: id})
			}
			for _, id := range tc.remembered {
				got, ok := r.get(id)
				assert.True(t, ok, id)
				assert.Equal(t, id, got.key)
			}
			for _, id := range tc.forgotten {
				_, ok := r.get(id)
				assert.False(t, ok, id)
			}
		})
	}
	assert.Equal(t, DefaultMaxCompletedUploads, newCompletedUploads(0).max)
}
