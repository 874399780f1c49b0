package emulator

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
)

var allAttributes = []types.ObjectAttributes{types.ObjectAttributesEtag, types.ObjectAttributesChecksum,
	types.ObjectAttributesObjectParts, types.ObjectAttributesStorageClass, types.ObjectAttributesObjectSize}

func TestGetObjectAttributes_SimpleObject(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer) {
		ctx := context.Background()
		c := ts.Client
		s3test.MustCreateBucket(t, c, "bkt")
		put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"),
			Body: strings.NewReader("hello"), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		require.NoError(t, err)
		out, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("bkt"), Key: aws.String("k"), ObjectAttributes: allAttributes})
		require.NoError(t, err)
		assert.Equal(t, strings.Trim(aws.ToString(put.ETag), `"`), aws.ToString(out.ETag), "S3 sends this ETag without quotes")
		assert.Equal(t, int64(5), aws.ToInt64(out.ObjectSize))
		assert.Equal(t, types.StorageClassStandard, out.StorageClass)
		require.NotNil(t, out.Checksum)
		assert.Equal(t, aws.ToString(put.ChecksumSHA256), aws.ToString(out.Checksum.ChecksumSHA256))
		assert.Equal(t, types.ChecksumTypeFullObject, out.Checksum.ChecksumType)
		assert.Nil(t, out.ObjectParts, "a simple object has no parts")
		assert.NotNil(t, out.LastModified)

		only, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("bkt"), Key: aws.String("k"),
			ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectSize}})
		require.NoError(t, err)
		assert.Nil(t, only.ETag, "only what was asked for")
		assert.Nil(t, only.Checksum)
		assert.Equal(t, int64(5), aws.ToInt64(only.ObjectSize))
	})
}

func TestGetObjectAttributes_MultipartPartsPaged(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer) {
		ctx := context.Background()
		c := ts.Client
		s3test.MustCreateBucket(t, c, "bkt")
		whole := payload(2*minPartSize + 10)
		parts := [][]byte{whole[:minPartSize], whole[minPartSize : 2*minPartSize], whole[2*minPartSize:]}
		id, done := uploadChecksummedParts(t, c, "mp", "CRC32", "", parts)
		_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp"),
			UploadId: aws.String(id), MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
		require.NoError(t, err)

		page := func(maxParts int32, marker *string) *types.GetObjectAttributesParts {
			out, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("bkt"), Key: aws.String("mp"),
				ObjectAttributes: allAttributes, MaxParts: aws.Int32(maxParts), PartNumberMarker: marker})
			require.NoError(t, err)
			composite, _, _ := strings.Cut(compositeOf(t, "CRC32", parts...), "-")
			assert.Equal(t, composite, aws.ToString(out.Checksum.ChecksumCRC32), "without the -N part count")
			assert.Equal(t, types.ChecksumTypeComposite, out.Checksum.ChecksumType)
			require.NotNil(t, out.ObjectParts)
			assert.Equal(t, int32(3), aws.ToInt32(out.ObjectParts.TotalPartsCount))
			return out.ObjectParts
		}
		first := page(2, nil)
		assert.True(t, aws.ToBool(first.IsTruncated))
		require.Len(t, first.Parts, 2)
		assert.Equal(t, "2", aws.ToString(first.NextPartNumberMarker))
		for i, p := range first.Parts {
			assert.Equal(t, int32(i+1), aws.ToInt32(p.PartNumber))
			assert.Equal(t, int64(len(parts[i])), aws.ToInt64(p.Size))
			assert.Equal(t, sumOf(t, "CRC32", parts[i]), aws.ToString(p.ChecksumCRC32))
		}
		rest := page(2, first.NextPartNumberMarker)
		assert.False(t, aws.ToBool(rest.IsTruncated))
		require.Len(t, rest.Parts, 1)
		assert.Equal(t, int32(3), aws.ToInt32(rest.Parts[0].PartNumber))
		assert.Equal(t, int64(10), aws.ToInt64(rest.Parts[0].Size))
	})
}

func TestGetObjectAttributes_VersionsAndErrors(t *testing.T) {
	ts, c := versionedServer(t)
	ctx := context.Background()
	v1 := s3test.MustPutObject(t, c, "ver", "k", "one")
	s3test.MustPutObject(t, c, "ver", "k", "second")
	out, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("ver"), Key: aws.String("k"),
		VersionId: v1.VersionId, ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectSize}})
	require.NoError(t, err)
	assert.Equal(t, int64(3), aws.ToInt64(out.ObjectSize))
	assert.Equal(t, aws.ToString(v1.VersionId), aws.ToString(out.VersionId))

	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("ver"), Key: aws.String("k")})
	require.NoError(t, err)
	_, err = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("ver"), Key: aws.String("k"), ObjectAttributes: allAttributes})
	apiErr(t, err, "NoSuchKey", http.StatusNotFound)
	assert.Equal(t, "true", responseHeader(t, err, "X-Amz-Delete-Marker"))
	_, err = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("ver"), Key: aws.String("k"), VersionId: del.VersionId, ObjectAttributes: allAttributes})
	apiErr(t, err, "MethodNotAllowed", http.StatusMethodNotAllowed)

	target := ts.URL + "/ver/k?attributes&versionId=" + aws.ToString(v1.VersionId)
	resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, target, nil, nil))
	s3test.RequireError(t, resp, body, http.StatusBadRequest, "InvalidRequest",
		"The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty")
	resp, body = do(t, ts, signedRequest(t, ts, http.MethodGet, target, nil, map[string]string{"X-Amz-Object-Attributes": "ETag,Size"}))
	s3test.RequireError(t, resp, body, http.StatusBadRequest, "InvalidArgument", "Invalid attribute name specified.",
		"ArgumentName", "x-amz-object-attributes", "ArgumentValue", "Size")
	resp, body = do(t, ts, signedRequest(t, ts, http.MethodGet, target, nil, map[string]string{"X-Amz-Object-Attributes": "ETag", "X-Amz-Max-Parts": "x"}))
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, string(body))
}

// A FULL_OBJECT multipart checksum describes the whole object: its parts
// are counted but not listed.
func TestGetObjectAttributes_FullObjectMultipart_CountsPartsOnly(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	c := ts.Client
	s3test.MustCreateBucket(t, c, "bkt")
	parts := twoParts()
	id, done := uploadChecksummedParts(t, c, "full", "CRC32", types.ChecksumTypeFullObject, parts)
	_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("full"),
		UploadId: aws.String(id), MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
	require.NoError(t, err)
	out, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("bkt"), Key: aws.String("full"), ObjectAttributes: allAttributes})
	require.NoError(t, err)
	assert.Equal(t, types.ChecksumTypeFullObject, out.Checksum.ChecksumType)
	assert.Equal(t, sumOf(t, "CRC32", append(append([]byte(nil), parts[0]...), parts[1]...)), aws.ToString(out.Checksum.ChecksumCRC32))
	require.NotNil(t, out.ObjectParts)
	assert.Equal(t, int32(2), aws.ToInt32(out.ObjectParts.TotalPartsCount))
	assert.Empty(t, out.ObjectParts.Parts)
}
