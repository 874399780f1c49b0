package emulator

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
)

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// multipartETag is S3's ETag of a multipart object: the MD5 of the parts'
// binary MD5s, then "-" and the part count.
func multipartETag(parts ...[]byte) string {
	h := md5.New()
	for _, p := range parts {
		sum := md5.Sum(p)
		h.Write(sum[:])
	}
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(h.Sum(nil)), len(parts))
}

func uploadParts(t *testing.T, c *s3.Client, bucket, key, id string, parts ...[]byte) []types.CompletedPart {
	t.Helper()
	var done []types.CompletedPart
	for i, p := range parts {
		out, err := c.UploadPart(context.Background(), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key),
			UploadId: aws.String(id), PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		require.NoError(t, err)
		assert.Equal(t, `"`+hex.EncodeToString(md5sum(p))+`"`, aws.ToString(out.ETag))
		done = append(done, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag})
	}
	return done
}

func md5sum(b []byte) []byte {
	s := md5.Sum(b)
	return s[:]
}

func TestMultipart_CompleteAssemblesPartsWithS3ETag(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "mpu")
		create, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("big"),
			ContentType: aws.String("application/x-big"), Metadata: map[string]string{"origin": "multipart"}})
		require.NoError(t, err)
		id := aws.ToString(create.UploadId)
		require.NotEmpty(t, id)

		p1 := bytes.Repeat([]byte("a"), 5<<20)
		p2 := []byte("tail")
		parts := uploadParts(t, c, "mpu", "big", id, p1, p2)

		lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String("big"), UploadId: aws.String(id)})
		require.NoError(t, err)
		require.Len(t, lp.Parts, 2)
		assert.Equal(t, int64(5<<20), aws.ToInt64(lp.Parts[0].Size))

		lu, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("mpu")})
		require.NoError(t, err)
		require.Len(t, lu.Uploads, 1)
		assert.Equal(t, id, aws.ToString(lu.Uploads[0].UploadId))

		done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("big"),
			UploadId: aws.String(id), MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		require.NoError(t, err)
		want := multipartETag(p1, p2)
		assert.Equal(t, want, aws.ToString(done.ETag))

		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big")})
		require.NoError(t, err)
		assert.Equal(t, want, aws.ToString(head.ETag))
		assert.Equal(t, int64(len(p1)+len(p2)), aws.ToInt64(head.ContentLength))
		assert.Equal(t, "application/x-big", aws.ToString(head.ContentType))
		assert.Equal(t, map[string]string{"origin": "multipart"}, head.Metadata)

		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big"), PartNumber: aws.Int32(2)})
		require.NoError(t, err)
		b, _ := io.ReadAll(out.Body)
		out.Body.Close()
		assert.Equal(t, "tail", string(b))
		assert.Equal(t, int32(2), aws.ToInt32(out.PartsCount))

		lu, err = c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("mpu")})
		require.NoError(t, err)
		assert.Empty(t, lu.Uploads, "a completed upload is gone")
	})
}

func TestMultipart_CompleteRejections(t *testing.T) {
	ts := NewTestServer(t)
	c := ts.Client
	ctx := context.Background()
	s3test.MustCreateBucket(t, c, "mpu")
	newUpload := func() string {
		out, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k")})
		require.NoError(t, err)
		return aws.ToString(out.UploadId)
	}
	complete := func(id string, parts []types.CompletedPart) error {
		_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k"),
			UploadId: aws.String(id), MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		return err
	}

	t.Run("a small part before the last is EntityTooSmall", func(t *testing.T) {
		id := newUpload()
		parts := uploadParts(t, c, "mpu", "k", id, []byte("small"), []byte("last"))
		err := complete(id, parts)
		apiErr(t, err, "EntityTooSmall", http.StatusBadRequest)

		body := fmt.Sprintf(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part><Part><PartNumber>2</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>`,
			aws.ToString(parts[0].ETag), aws.ToString(parts[1].ETag))
		resp, raw := do(t, ts, signedRequest(t, ts, http.MethodPost, ts.URL+"/mpu/k?uploadId="+id, []byte(body), nil))
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		e := parseError(t, raw)
		assert.Equal(t, "5", e.Elem("ProposedSize"))
		assert.Equal(t, "5242880", e.Elem("MinSizeAllowed"))
		assert.Equal(t, "1", e.Elem("PartNumber"))
		assert.Equal(t, md5hex("small"), e.Elem("ETag"))
	})
	t.Run("parts out of order is InvalidPartOrder", func(t *testing.T) {
		id := newUpload()
		parts := uploadParts(t, c, "mpu", "k", id, []byte("one"), []byte("two"))
		err := complete(id, []types.CompletedPart{parts[1], parts[0]})
		apiErr(t, err, "InvalidPartOrder", http.StatusBadRequest)
	})
	t.Run("unknown part is InvalidPart", func(t *testing.T) {
		id := newUpload()
		parts := uploadParts(t, c, "mpu", "k", id, []byte("one"))
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(7), ETag: parts[0].ETag})
		err := complete(id, parts)
		apiErr(t, err, "InvalidPart", http.StatusBadRequest)
	})
	t.Run("wrong ETag is InvalidPart", func(t *testing.T) {
		id := newUpload()
		parts := uploadParts(t, c, "mpu", "k", id, []byte("one"))
		parts[0].ETag = aws.String(`"` + md5hex("other") + `"`)
		err := complete(id, parts)
		apiErr(t, err, "InvalidPart", http.StatusBadRequest)
	})
	t.Run("unknown upload is NoSuchUpload with UploadId", func(t *testing.T) {
		resp, raw := do(t, ts, signedRequest(t, ts, http.MethodPut, ts.URL+"/mpu/k?partNumber=1&uploadId=nope", []byte("x"), nil))
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		e := parseError(t, raw)
		assert.Equal(t, "NoSuchUpload", e.Code)
		assert.Equal(t, "nope", e.Elem("UploadId"))
	})
	t.Run("part number out of range is InvalidArgument", func(t *testing.T) {
		id := newUpload()
		for _, pn := range []string{"0", "10001", "x"} {
			resp, raw := do(t, ts, signedRequest(t, ts, http.MethodPut, ts.URL+"/mpu/k?partNumber="+pn+"&uploadId="+id, []byte("x"), nil))
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, pn)
			e := parseError(t, raw)
			assert.Equal(t, "InvalidArgument", e.Code, pn)
			assert.Equal(t, "partNumber", e.Elem("ArgumentName"), pn)
		}
	})
	t.Run("abort removes the upload", func(t *testing.T) {
		id := newUpload()
		uploadParts(t, c, "mpu", "k", id, []byte("one"))
		_, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k"), UploadId: aws.String(id)})
		require.NoError(t, err)
		_, err = c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String("k"), UploadId: aws.String(id)})
		apiErr(t, err, "NoSuchUpload", http.StatusNotFound)
	})
}

func TestMultipart_UploadPartCopy(t *testing.T) {
	ts := NewTestServer(t)
	c := ts.Client
	ctx := context.Background()
	s3test.MustCreateBucket(t, c, "mpu")
	src := bytes.Repeat([]byte("0123456789"), 600_000) // 6 MB
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("mpu"), Key: aws.String("src"), Body: bytes.NewReader(src)})
	require.NoError(t, err)
	create, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("dst")})
	require.NoError(t, err)
	id := create.UploadId
	p1, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("mpu"), Key: aws.String("dst"), UploadId: id,
		PartNumber: aws.Int32(1), CopySource: aws.String("mpu/src"), CopySourceRange: aws.String("bytes=0-5242879")})
	require.NoError(t, err)
	p2, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("mpu"), Key: aws.String("dst"), UploadId: id,
		PartNumber: aws.Int32(2), CopySource: aws.String("mpu/src"), CopySourceRange: aws.String(fmt.Sprintf("bytes=5242880-%d", len(src)-1))})
	require.NoError(t, err)
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("dst"), UploadId: id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{
			{PartNumber: aws.Int32(1), ETag: p1.CopyPartResult.ETag}, {PartNumber: aws.Int32(2), ETag: p2.CopyPartResult.ETag}}}})
	require.NoError(t, err)
	assert.Equal(t, string(src), s3test.MustGetBody(t, c, "mpu", "dst"))

	// The upload is complete, so its id no longer names an upload: that is
	// checked before the source and its range (which
	// TestUploadPartCopy_RangeOutsideTheSource_IsInvalidArgument covers).
	_, err = c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("mpu"), Key: aws.String("dst"), UploadId: id,
		PartNumber: aws.Int32(3), CopySource: aws.String("mpu/src"), CopySourceRange: aws.String("bytes=0-99999999")})
	apiErr(t, err, "NoSuchUpload", http.StatusNotFound)
}

func TestListMultipartUploads_PrefixDelimiterAndPaging(t *testing.T) {
	ts := NewTestServer(t)
	c := ts.Client
	ctx := context.Background()
	s3test.MustCreateBucket(t, c, "uploads")
	ids := map[string]string{}
	for _, k := range []string{"a/1", "a/2", "b", "c/x/y", "d"} {
		out, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("uploads"), Key: aws.String(k)})
		require.NoError(t, err)
		ids[k] = aws.ToString(out.UploadId)
	}
	out, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("uploads"), Delimiter: aws.String("/")})
	require.NoError(t, err)
	var keys, prefixes []string
	for _, u := range out.Uploads {
		keys = append(keys, aws.ToString(u.Key))
	}
	for _, p := range out.CommonPrefixes {
		prefixes = append(prefixes, aws.ToString(p.Prefix))
	}
	assert.Equal(t, []string{"b", "d"}, keys)
	assert.Equal(t, []string{"a/", "c/"}, prefixes)

	out, err = c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("uploads"), Prefix: aws.String("a/"), MaxUploads: aws.Int32(1)})
	require.NoError(t, err)
	require.Len(t, out.Uploads, 1)
	assert.True(t, aws.ToBool(out.IsTruncated))
	assert.Equal(t, ids["a/1"], aws.ToString(out.Uploads[0].UploadId))
	out, err = c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("uploads"), Prefix: aws.String("a/"), MaxUploads: aws.Int32(1),
		KeyMarker: out.NextKeyMarker, UploadIdMarker: out.NextUploadIdMarker})
	require.NoError(t, err)
	require.Len(t, out.Uploads, 1)
	assert.Equal(t, "a/2", aws.ToString(out.Uploads[0].Key))
	assert.False(t, aws.ToBool(out.IsTruncated))
}

// A simple object is its own part 1, and S3 answers ?partNumber=1 as a range
// covering all of it: 206 with Content-Range, and no x-amz-mp-parts-count,
// which only multipart objects have (a wire capture from S3 is quoted in
// versity/versitygw#2074: "206 Partial Content ... Content-Range: bytes
// 0-9/10", no parts count).
func TestGetObject_PartNumberOneOfSimpleObject_Is206WholeRangeWithoutPartsCount(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "parts")
	s3test.MustPutObject(t, ts.Client, "parts", "simple", "whole")

	for _, method := range []string{http.MethodGet, http.MethodHead} {
		resp, body := do(t, ts, signedRequest(t, ts, method, ts.URL+"/parts/simple?partNumber=1", nil, nil))
		assert.Equal(t, http.StatusPartialContent, resp.StatusCode, method)
		assert.Equal(t, "bytes 0-4/5", resp.Header.Get("Content-Range"), method)
		assert.Equal(t, "5", resp.Header.Get("Content-Length"), method)
		assert.Empty(t, resp.Header.Values("X-Amz-Mp-Parts-Count"), method)
		if method == http.MethodGet {
			assert.Equal(t, "whole", string(body))
		}
	}
}

func TestGetObject_PartNumber_BeyondPartsIsInvalidPartNumber(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "parts")
	s3test.MustPutObject(t, ts.Client, "parts", "simple", "whole")

	resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/parts/simple?partNumber=2", nil, nil))
	assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, resp.StatusCode)
	e := parseError(t, body)
	assert.Equal(t, "InvalidPartNumber", e.Code)
	assert.Equal(t, "2", e.Elem("PartNumberRequested"))
	assert.Equal(t, "1", e.Elem("ActualPartCount"))

	resp, body = do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/parts/simple?partNumber=1", nil, map[string]string{"Range": "bytes=0-1"}))
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "InvalidRequest", parseError(t, body).Code)
}
