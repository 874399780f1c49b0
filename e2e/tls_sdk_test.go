package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

// onlyReader hides Seek (and everything else) so the SDK sees a stream it
// cannot rewind or measure: what an application piping data has.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func crc32Base64(b []byte) string {
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc32.ChecksumIEEE(b))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// Over TLS the SDK at its defaults sends bodies aws-chunked with
// STREAMING-UNSIGNED-PAYLOAD-TRAILER and a trailing x-amz-checksum-crc32
// (spec §12); these tests pin that the emulator takes each shape of upload
// the SDK produces and returns the same bytes.
func TestGoSDK_TLSDefaults_UploadsAndDownloads(t *testing.T) {
	ts := emulator.NewTestServer(t, emulator.WithTLS())
	client := defaultClient(ts)
	const bucket = "e2e-tls"
	_, err := client.CreateBucket(ctxT(t, 30*time.Second), &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)

	getBack := func(t *testing.T, key string) []byte {
		t.Helper()
		out, err := client.GetObject(ctxT(t, 60*time.Second), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		require.NoError(t, err)
		defer out.Body.Close()
		b, err := io.ReadAll(out.Body)
		require.NoError(t, err)
		return b
	}

	t.Run("PutObject seekable body", func(t *testing.T) {
		body := randomBytes(1<<20+13, 1)
		out, err := client.PutObject(ctxT(t, 60*time.Second), &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String("seekable.bin"), Body: bytes.NewReader(body),
		})
		require.NoError(t, err)
		assert.Equal(t, crc32Base64(body), aws.ToString(out.ChecksumCRC32), "the server reports the CRC32 it verified")
		assert.Equal(t, sha256Hex(body), sha256Hex(getBack(t, "seekable.bin")))
	})

	t.Run("PutObject non-seekable body of known length", func(t *testing.T) {
		body := randomBytes(2<<20+5, 2)
		_, err := client.PutObject(ctxT(t, 60*time.Second), &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String("stream.bin"),
			Body: onlyReader{bytes.NewReader(body)}, ContentLength: aws.Int64(int64(len(body))),
		})
		require.NoError(t, err)
		assert.Equal(t, sha256Hex(body), sha256Hex(getBack(t, "stream.bin")))
	})

	t.Run("UploadPart and CompleteMultipartUpload", func(t *testing.T) {
		const key = "multipart/parts.bin"
		parts := [][]byte{randomBytes(5<<20, 3), randomBytes(1<<20+77, 4)}
		ctx := ctxT(t, 2*time.Minute)
		// As the SDK's own uploader does: the upload names the checksum its
		// parts carry, and completion lists each part's value.
		created, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
			Bucket: aws.String(bucket), Key: aws.String(key), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
		})
		require.NoError(t, err)
		var completed []types.CompletedPart
		for i, p := range parts {
			n := int32(i + 1)
			up, err := client.UploadPart(ctx, &s3.UploadPartInput{
				Bucket: aws.String(bucket), Key: aws.String(key), UploadId: created.UploadId,
				PartNumber: aws.Int32(n), Body: bytes.NewReader(p),
			})
			require.NoError(t, err, "UploadPart %d", n)
			assert.Equal(t, crc32Base64(p), aws.ToString(up.ChecksumCRC32), "part %d checksum", n)
			completed = append(completed, types.CompletedPart{PartNumber: aws.Int32(n), ETag: up.ETag, ChecksumCRC32: up.ChecksumCRC32})
		}
		_, err = client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket: aws.String(bucket), Key: aws.String(key), UploadId: created.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: completed},
		})
		require.NoError(t, err)
		assert.Equal(t, sha256Hex(append(append([]byte{}, parts[0]...), parts[1]...)), sha256Hex(getBack(t, key)))
	})

	t.Run("manager.Uploader 20 MiB non-seekable stream", func(t *testing.T) {
		body := randomBytes(20<<20, 5)
		up := manager.NewUploader(client)
		out, err := up.Upload(ctxT(t, 3*time.Minute), &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String("manager/20MiB.bin"), Body: onlyReader{bytes.NewReader(body)},
		})
		require.NoError(t, err)
		assert.NotEmpty(t, out.UploadID, "20 MiB at the default 5 MiB part size is a multipart upload")
		assert.Equal(t, sha256Hex(body), sha256Hex(getBack(t, "manager/20MiB.bin")))
	})

	t.Run("GetObject validates the response checksum", func(t *testing.T) {
		body := randomBytes(300*1024, 6)
		_, err := client.PutObject(ctxT(t, 60*time.Second), &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String("checked.bin"), Body: bytes.NewReader(body),
		})
		require.NoError(t, err)
		out, err := client.GetObject(ctxT(t, 60*time.Second), &s3.GetObjectInput{
			Bucket: aws.String(bucket), Key: aws.String("checked.bin"), ChecksumMode: types.ChecksumModeEnabled,
		})
		require.NoError(t, err)
		defer out.Body.Close()
		// The SDK checks the body against x-amz-checksum-crc32 while it is
		// read; a mismatch would surface as a read error here.
		got, err := io.ReadAll(out.Body)
		require.NoError(t, err)
		assert.Equal(t, crc32Base64(body), aws.ToString(out.ChecksumCRC32))
		assert.Equal(t, types.ChecksumTypeFullObject, out.ChecksumType)
		assert.Equal(t, sha256Hex(body), sha256Hex(got))
	})

	t.Run("Range GET returns 206 and the slice", func(t *testing.T) {
		body := randomBytes(10_000, 7)
		_, err := client.PutObject(ctxT(t, 60*time.Second), &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String("ranged.bin"), Body: bytes.NewReader(body),
		})
		require.NoError(t, err)
		for _, r := range []struct {
			header     string
			start, end int
		}{{"bytes=100-199", 100, 199}, {"bytes=9990-", 9990, 9999}, {"bytes=-10", 9990, 9999}, {"bytes=0-0", 0, 0}} {
			out, err := client.GetObject(ctxT(t, 30*time.Second), &s3.GetObjectInput{
				Bucket: aws.String(bucket), Key: aws.String("ranged.bin"), Range: aws.String(r.header),
			})
			require.NoError(t, err, r.header)
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			require.NoError(t, err)
			assert.Equal(t, body[r.start:r.end+1], got, r.header)
			assert.Equal(t, fmt.Sprintf("bytes %d-%d/%d", r.start, r.end, len(body)), aws.ToString(out.ContentRange), r.header)
			assert.Equal(t, int64(r.end-r.start+1), aws.ToInt64(out.ContentLength), r.header)
		}
	})
}

// Over plain HTTP the SDK moves the checksum into a header instead of a
// trailer (and refuses a non-seekable PutObject body); the same uploads
// must work, and the uploader buffers a stream into seekable parts.
func TestGoSDK_PlainHTTPDefaults_PutObjectAndManagerUpload(t *testing.T) {
	ts := emulator.NewTestServer(t)
	client := defaultClient(ts)
	const bucket = "e2e-http"
	_, err := client.CreateBucket(ctxT(t, 30*time.Second), &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)

	body := randomBytes(1<<20, 8)
	out, err := client.PutObject(ctxT(t, 60*time.Second), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String("plain.bin"), Body: bytes.NewReader(body),
	})
	require.NoError(t, err)
	assert.Equal(t, crc32Base64(body), aws.ToString(out.ChecksumCRC32))
	assert.Equal(t, sha256Hex(body), sha256Hex(stored(t, ts, bucket, "plain.bin")))

	big := randomBytes(12<<20, 9)
	_, err = manager.NewUploader(client).Upload(ctxT(t, 3*time.Minute), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String("plain-multipart.bin"), Body: onlyReader{bytes.NewReader(big)},
	})
	require.NoError(t, err)
	assert.Equal(t, sha256Hex(big), sha256Hex(stored(t, ts, bucket, "plain-multipart.bin")))
}
