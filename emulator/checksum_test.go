package emulator

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// payload is n deterministic pseudo-random bytes (seeded by n), so a
// mis-ordered or repeated chunk never goes unnoticed.
func payload(n int) []byte {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// sumOf is the base64 checksum of data under alg, as S3 reports it.
func sumOf(t *testing.T, alg string, data ...[]byte) string {
	t.Helper()
	h, ok := verifier.NewChecksumHash(alg)
	require.True(t, ok, alg)
	for _, d := range data {
		h.Write(d)
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// onlyReader hides Seek, making a body the SDK cannot rewind or measure.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// checksumOf picks alg's member of an SDK output.
func checksumOf(alg string, crc32, crc32c, crc64, sha1, sha256 *string) string {
	m := map[string]*string{"CRC32": crc32, "CRC32C": crc32c, "CRC64NVME": crc64, "SHA1": sha1, "SHA256": sha256}
	return aws.ToString(m[alg])
}

func getObjectChecked(t *testing.T, c *s3.Client, in *s3.GetObjectInput) (*s3.GetObjectOutput, []byte) {
	t.Helper()
	out, err := c.GetObject(context.Background(), in)
	require.NoError(t, err)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body) // the SDK's checksum validation fails this read on a mismatch
	require.NoError(t, err)
	return out, b
}

func TestPutObject_SDKDefaults_StoresCRC32AndReturnsItOnlyWithChecksumMode(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "bkt")
		data := payload(70000) // several aws-chunked chunks over TLS
		want := sumOf(t, "CRC32", data)

		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: bytes.NewReader(data)})
		require.NoError(t, err)
		assert.Equal(t, want, aws.ToString(out.ChecksumCRC32), "PUT echoes the CRC32 the SDK sent")
		assert.Equal(t, types.ChecksumTypeFullObject, out.ChecksumType)

		// The SDK itself always asks for checksums on GetObject, so a raw
		// request shows the default.
		resp, body := do(t, ts, signedRequest(t, ts, "GET", ts.URL+"/bkt/k", nil, nil))
		assert.Equal(t, data, body, "the stored bytes are the payload, framing removed")
		assert.Empty(t, resp.Header.Get("X-Amz-Checksum-Crc32"), "no checksum without x-amz-checksum-mode")
		assert.Empty(t, resp.Header.Get("X-Amz-Checksum-Type"))

		got, body := getObjectChecked(t, c, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), ChecksumMode: types.ChecksumModeEnabled})
		assert.Equal(t, data, body)
		assert.Equal(t, want, aws.ToString(got.ChecksumCRC32))
		assert.Equal(t, types.ChecksumTypeFullObject, got.ChecksumType)

		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), ChecksumMode: types.ChecksumModeEnabled})
		require.NoError(t, err)
		assert.Equal(t, want, aws.ToString(head.ChecksumCRC32))
		assert.Equal(t, types.ChecksumTypeFullObject, head.ChecksumType)

		head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
		require.NoError(t, err)
		assert.Nil(t, head.ChecksumCRC32)
		assert.Empty(t, head.ChecksumType)
	})
}

func TestPutObject_NonSeekableBodyOverTLS_IsStoredExactly(t *testing.T) {
	ts := NewTestServer(t, WithTLS())
	s3test.MustCreateBucket(t, ts.Client, "bkt")
	data := payload(300000)
	out, err := ts.Client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("bkt"), Key: aws.String("stream"),
		Body: onlyReader{bytes.NewReader(data)}, ContentLength: aws.Int64(int64(len(data))),
	})
	require.NoError(t, err)
	assert.Equal(t, sumOf(t, "CRC32", data), aws.ToString(out.ChecksumCRC32))
	_, body := getObjectChecked(t, ts.Client, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("stream"), ChecksumMode: types.ChecksumModeEnabled})
	assert.Equal(t, data, body)
}

func TestPutObject_EachChecksumAlgorithm_RoundTripsWithChecksumMode(t *testing.T) {
	data := payload(20000)
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "bkt")
		for _, alg := range verifier.ChecksumAlgorithms() {
			t.Run(alg, func(t *testing.T) {
				want := sumOf(t, alg, data)
				out, err := c.PutObject(ctx, &s3.PutObjectInput{
					Bucket: aws.String("bkt"), Key: aws.String(alg), Body: bytes.NewReader(data),
					ChecksumAlgorithm: types.ChecksumAlgorithm(alg),
				})
				require.NoError(t, err)
				assert.Equal(t, want, checksumOf(alg, out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256))

				got, body := getObjectChecked(t, c, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(alg), ChecksumMode: types.ChecksumModeEnabled})
				assert.Equal(t, data, body)
				assert.Equal(t, want, checksumOf(alg, got.ChecksumCRC32, got.ChecksumCRC32C, got.ChecksumCRC64NVME, got.ChecksumSHA1, got.ChecksumSHA256))
				assert.Equal(t, types.ChecksumTypeFullObject, got.ChecksumType)

				head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String(alg), ChecksumMode: types.ChecksumModeEnabled})
				require.NoError(t, err)
				assert.Equal(t, want, checksumOf(alg, head.ChecksumCRC32, head.ChecksumCRC32C, head.ChecksumCRC64NVME, head.ChecksumSHA1, head.ChecksumSHA256))

				list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), Prefix: aws.String(alg)})
				require.NoError(t, err)
				require.NotEmpty(t, list.Contents)
				assert.Equal(t, []types.ChecksumAlgorithm{types.ChecksumAlgorithm(alg)}, list.Contents[0].ChecksumAlgorithm)
				assert.Equal(t, types.ChecksumTypeFullObject, list.Contents[0].ChecksumType)
			})
		}
	})
}

func TestGetObject_ChecksumModeValidation_CatchesAStoredMismatch(t *testing.T) {
	// Proof that the SDK really validates what strictS3 returns: a wrong
	// stored value makes the read fail.
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "bkt")
	_, err := ts.Server.Store().PutObject(context.Background(), "bkt", "k",
		store.ObjectMeta{Checksum: &store.Checksum{Algorithm: "CRC32", Value: sumOf(t, "CRC32", []byte("other")), Type: "FULL_OBJECT"}},
		store.PutCondition{}, bytes.NewReader([]byte("data")))
	require.NoError(t, err)
	out, err := ts.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), ChecksumMode: types.ChecksumModeEnabled})
	require.NoError(t, err)
	defer out.Body.Close()
	_, err = io.ReadAll(out.Body)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "checksum")
}

func TestGetObject_Range_FullObjectChecksumOnlyForTheWholeObject(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		s3test.MustCreateBucket(t, c, "bkt")
		data := payload(10000)
		_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: bytes.NewReader(data)})
		require.NoError(t, err)
		tests := []struct {
			name         string
			rng          string
			want         []byte
			withChecksum bool
		}{
			{"partial range: no checksum of the whole object", "bytes=100-199", data[100:200], false},
			{"suffix range", "bytes=-10", data[len(data)-10:], false},
			{"range covering the whole object: its checksum", "bytes=0-", data, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				out, body := getObjectChecked(t, c, &s3.GetObjectInput{
					Bucket: aws.String("bkt"), Key: aws.String("k"), Range: aws.String(tt.rng), ChecksumMode: types.ChecksumModeEnabled,
				})
				assert.Equal(t, tt.want, body)
				assert.NotNil(t, out.ContentRange, "a 206")
				if tt.withChecksum {
					assert.Equal(t, sumOf(t, "CRC32", data), aws.ToString(out.ChecksumCRC32))
				} else {
					assert.Nil(t, out.ChecksumCRC32)
					assert.Empty(t, out.ChecksumType)
				}
			})
		}
	})
}

func TestGetObject_InvalidChecksumMode_IsInvalidRequest(t *testing.T) {
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "bkt")
	s3test.MustPutObject(t, ts.Client, "bkt", "k", "x")
	req := signedRequest(t, ts, "GET", ts.URL+"/bkt/k", nil, map[string]string{"x-amz-checksum-mode": "INVALID"})
	resp, body := do(t, ts, req)
	assert.Equal(t, 400, resp.StatusCode)
	e := parseError(t, body)
	assert.Equal(t, "InvalidRequest", e.Code)
	assert.Equal(t, "Value for x-amz-checksum-mode header is invalid.", e.Message)
}

func TestPutObject_WrongCRC32_IsBadDigestAndKeepsThePreviousObject(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		s3test.MustCreateBucket(t, c, "bkt")
		s3test.MustPutObject(t, c, "bkt", "k", "previous")
		_, err := c.PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String("bkt"), Key: aws.String("k"), Body: bytes.NewReader([]byte("replacement")),
			ChecksumCRC32: aws.String(sumOf(t, "CRC32", []byte("something else"))),
		})
		apiErr(t, err, "BadDigest", 400)
		assert.Contains(t, err.Error(), "The CRC32 you specified did not match the calculated checksum.")
		assert.Equal(t, "previous", s3test.MustGetBody(t, c, "bkt", "k"))
	})
}

func TestPutObject_PresignedWithEmptyBodyCRC32InQuery_ComputesTheChecksum(t *testing.T) {
	// The JS SDK v3 pre-signs x-amz-checksum-crc32=AAAAAA== (the CRC32 of an
	// empty body) into PUT URLs, and S3 accepts the URL with any body
	// (spec §12): a checksum in the query is computed, not enforced.
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "bkt")
	req, err := http.NewRequest("PUT", ts.URL+"/bkt/k?X-Amz-Expires=900&x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32", nil)
	require.NoError(t, err)
	url := s3test.PresignURL(t, req, testCreds(ts), ts.Region, time.Now())
	req, err = http.NewRequest("PUT", url, bytes.NewReader([]byte("hello")))
	require.NoError(t, err)
	resp, body := do(t, ts, req)
	require.Equal(t, 200, resp.StatusCode, "%s", body)
	assert.Equal(t, sumOf(t, "CRC32", []byte("hello")), resp.Header.Get("X-Amz-Checksum-Crc32"))
	assert.Equal(t, "hello", s3test.MustGetBody(t, ts.Client, "bkt", "k"))
}
