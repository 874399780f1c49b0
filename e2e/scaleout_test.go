package e2e

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two strictS3 processes on one backend (a third strictS3 process, with
// keys of its own) answer as one S3: what one writes the other reads, an
// upload begun on one completes on the other, and of creators racing
// through both with If-None-Match exactly one wins.
func TestBinary_TwoServersOnOneBackend_ActAsOneS3(t *testing.T) {
	bin := buildBinary(t)
	backend := serveBinary(t, bin, "--access-key", "AKIABACKENDE2E", "--secret-key", "backend-e2e-secret")
	fronts := make([]*s3.Client, 2)
	for i := range fronts {
		srv := serveBinary(t, bin, "--backend", "s3://e2e-", "--backend-endpoint", backend.Exports["AWS_ENDPOINT_URL"],
			"--backend-access-key", "AKIABACKENDE2E", "--backend-secret-key", "backend-e2e-secret", "--backend-timeout", "10s")
		require.NotEqual(t, "AKIABACKENDE2E", srv.Exports["AWS_ACCESS_KEY_ID"], "clients sign with the front's keys")
		fronts[i] = sdkFromExports(t, srv.Exports)
	}
	a, b := fronts[0], fronts[1]
	const bucket = "scale-out"
	_, err := a.CreateBucket(ctxT(t, 30*time.Second), &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)

	t.Run("read after write across processes", func(t *testing.T) {
		_, err := a.PutObject(ctxT(t, 30*time.Second), &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("through A"),
			Metadata: map[string]string{"via": "a"},
		})
		require.NoError(t, err)
		out, err := b.GetObject(ctxT(t, 30*time.Second), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
		require.NoError(t, err)
		defer out.Body.Close()
		got, err := io.ReadAll(out.Body)
		require.NoError(t, err)
		assert.Equal(t, "through A", string(got))
		assert.Equal(t, map[string]string{"via": "a"}, out.Metadata)
	})

	t.Run("upload begun on A completes on B", func(t *testing.T) {
		up, err := a.CreateMultipartUpload(ctxT(t, 30*time.Second), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("mp")})
		require.NoError(t, err)
		part, err := b.UploadPart(ctxT(t, 30*time.Second), &s3.UploadPartInput{
			Bucket: aws.String(bucket), Key: aws.String("mp"), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("one part"),
		})
		require.NoError(t, err)
		_, err = a.CompleteMultipartUpload(ctxT(t, 30*time.Second), &s3.CompleteMultipartUploadInput{
			Bucket: aws.String(bucket), Key: aws.String("mp"), UploadId: up.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}},
		})
		require.NoError(t, err)
		head, err := b.HeadObject(ctxT(t, 30*time.Second), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("mp")})
		require.NoError(t, err)
		assert.Equal(t, int64(len("one part")), aws.ToInt64(head.ContentLength))
	})

	t.Run("conditional-write race has one winner", func(t *testing.T) {
		const writers = 10
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				_, errs[i] = fronts[i%2].PutObject(ctxT(t, 30*time.Second), &s3.PutObjectInput{
					Bucket: aws.String(bucket), Key: aws.String("lock"), IfNoneMatch: aws.String("*"),
					Body: strings.NewReader(fmt.Sprintf("writer %d", i)),
				})
			})
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			var api smithy.APIError
			switch {
			case err == nil:
				won++
			case errors.As(err, &api):
				assert.Equal(t, "PreconditionFailed", api.ErrorCode(), "writer %d", i)
			default:
				t.Errorf("writer %d: %v", i, err)
			}
		}
		assert.Equal(t, 1, won, "exactly one creator wins across the two processes")
	})
}
