package verifier

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
)

// bodyServer is a TLS server whose handler runs only Body (authentication
// is another helper's job): it maps x-amz-content-sha256 to a payload mode
// the way Authenticate does and records what Body yielded.
type bodyServer struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []received
}

type received struct {
	mode     string
	data     []byte
	checksum *Checksum
	err      error
}

func newBodyServer(t *testing.T) *bodyServer {
	bs := &bodyServer{}
	v := testVerifier()
	bs.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res := &Result{}
		switch h := r.Header.Get("X-Amz-Content-Sha256"); h {
		case "STREAMING-UNSIGNED-PAYLOAD-TRAILER":
			res.Payload.Mode = PayloadStreamingUnsignedTrailer
		case "UNSIGNED-PAYLOAD", "":
			res.Payload.Mode = PayloadUnsigned
		default:
			res.Payload.Mode, res.Payload.SHA256 = PayloadSHA256, h
		}
		rec := received{mode: r.Header.Get("X-Amz-Content-Sha256")}
		b, err := v.Body(r, res)
		if err == nil {
			rec.data, err = io.ReadAll(b)
			rec.checksum = b.Checksum()
		}
		rec.err = err
		bs.mu.Lock()
		bs.got = append(bs.got, rec)
		bs.mu.Unlock()
		if err != nil {
			e, _ := s3err.As(err)
			s3err.Write(w, r, e, "REQ", "HOST")
			return
		}
		w.Header().Set("ETag", `"`+hex.EncodeToString(b.MD5())+`"`)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(bs.srv.Close)
	return bs
}

func (bs *bodyServer) client() *s3.Client {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, ""),
		HTTPClient:  bs.srv.Client(),
		// A hand-built Config leaves this unset, which turns checksums off;
		// LoadDefaultConfig would default to WhenSupported, as set here.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(bs.srv.URL)
		o.UsePathStyle = true
		o.RetryMaxAttempts = 1
	})
}

func (bs *bodyServer) last() received {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	return bs.got[len(bs.got)-1]
}

// nonSeekable hides bytes.Reader's Seek so the SDK must stream.
type nonSeekable struct{ io.Reader }

// TestSDKInterop_PutObjectOverTLS_UnsignedTrailerDecodes sends real
// aws-sdk-go-v2 PutObject and UploadPart requests: over TLS the SDK frames
// them aws-chunked with STREAMING-UNSIGNED-PAYLOAD-TRAILER and a checksum
// trailer, which Body must decode to the exact bytes and verify.
func TestSDKInterop_PutObjectOverTLS_UnsignedTrailerDecodes(t *testing.T) {
	bs := newBodyServer(t)
	c := bs.client()
	data := pattern(3*65536 + 4321)
	ctx := context.Background()
	for _, alg := range []types.ChecksumAlgorithm{"", types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String("bucket"), Key: aws.String("key"),
			Body: nonSeekable{bytes.NewReader(data)}, ContentLength: aws.Int64(int64(len(data))),
			ChecksumAlgorithm: alg,
		})
		require.NoError(t, err, alg)
		got := bs.last()
		assert.Equal(t, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", got.mode)
		require.True(t, bytes.Equal(data, got.data), "decoded bytes differ for %q", alg)
		want := string(alg)
		if want == "" {
			want = CRC32 // the SDK's default
		}
		assert.Equal(t, &Checksum{Algorithm: want, Value: checksumOf(want, data), Supplied: true}, got.checksum)
	}
	_, err := c.UploadPart(ctx, &s3.UploadPartInput{
		Bucket: aws.String("bucket"), Key: aws.String("key"), UploadId: aws.String("u"), PartNumber: aws.Int32(1),
		Body: nonSeekable{bytes.NewReader(data)}, ContentLength: aws.Int64(int64(len(data))),
	})
	require.NoError(t, err)
	assert.True(t, bytes.Equal(data, bs.last().data))
}

// TestSDKInterop_WrongChecksum_SDKSeesBadDigest: a checksum value given by
// the caller goes in a header; a wrong one comes back to the SDK as S3's
// BadDigest.
func TestSDKInterop_WrongChecksum_SDKSeesBadDigest(t *testing.T) {
	bs := newBodyServer(t)
	_, err := bs.client().PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("bucket"), Key: aws.String("key"),
		Body:          bytes.NewReader([]byte("hello\n")),
		ChecksumCRC32: aws.String("AAAAAA=="),
	})
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "got %v", err)
	assert.Equal(t, "BadDigest", apiErr.ErrorCode())
	assert.Equal(t, "The CRC32 you specified did not match the calculated checksum.", apiErr.ErrorMessage())
	assert.Nil(t, bs.last().checksum)
}
