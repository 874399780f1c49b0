package emulator

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
)

// The x-amz-content-sha256 values of the aws-chunked framings built here.
const (
	streamingSigned          = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	streamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// chunkedSpec describes a hand-built aws-chunked upload, including the ways
// to spoil it.
type chunkedSpec struct {
	mode   string
	chunks [][]byte
	// trailer is sent after the last chunk (unsigned-trailer mode), and
	// declared in x-amz-trailer unless undeclared is set.
	trailer    [2]string
	undeclared bool
	// decodedLength replaces the true x-amz-decoded-content-length when > 0.
	decodedLength int64
	// badSignature spoils the chunk signature of chunk badSignature-1.
	badSignature int
	// cut drops this many bytes from the end of the encoded body.
	cut             int
	contentEncoding string
}

// encode frames the chunks; sigs are the chunk signatures (signed mode),
// one per chunk plus the final empty chunk.
func (s chunkedSpec) encode(sigs []string) []byte {
	var b bytes.Buffer
	chunks := append(append([][]byte(nil), s.chunks...), nil)
	for i, c := range chunks {
		fmt.Fprintf(&b, "%x", len(c))
		if s.mode == streamingSigned {
			fmt.Fprintf(&b, ";chunk-signature=%s", sigs[i])
		}
		b.WriteString("\r\n")
		if len(c) > 0 {
			b.Write(c)
			b.WriteString("\r\n")
		}
	}
	if s.trailer[0] != "" {
		fmt.Fprintf(&b, "%s:%s\r\n", s.trailer[0], s.trailer[1])
	}
	b.WriteString("\r\n")
	return b.Bytes()[:b.Len()-s.cut]
}

func hmacSHA256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// chunkedRequest signs the headers with aws-sdk-go-v2's signer (the seed
// signature) and, in signed mode, chains the chunk signatures from it, the
// way a real client does.
func chunkedRequest(t *testing.T, ts *TestServer, url string, s chunkedSpec) *http.Request {
	t.Helper()
	var data []byte
	for _, c := range s.chunks {
		data = append(data, c...)
	}
	placeholder := make([]string, len(s.chunks)+1)
	for i := range placeholder {
		placeholder[i] = strings.Repeat("0", 64)
	}
	req, err := http.NewRequest("PUT", url, nil)
	require.NoError(t, err)
	req.ContentLength = int64(len(s.encode(placeholder)))
	decoded := int64(len(data))
	if s.decodedLength > 0 {
		decoded = s.decodedLength
	}
	ce := "aws-chunked"
	if s.contentEncoding != "" {
		ce = s.contentEncoding
	}
	req.Header.Set("Content-Encoding", ce)
	req.Header.Set("X-Amz-Decoded-Content-Length", strconv.FormatInt(decoded, 10))
	req.Header.Set("X-Amz-Content-Sha256", s.mode)
	if s.trailer[0] != "" && !s.undeclared {
		req.Header.Set("X-Amz-Trailer", s.trailer[0])
	}
	now := time.Now().UTC()
	s3test.SignRequest(t, req, nil, testCreds(ts), ts.Region, now)

	sigs := placeholder
	if s.mode == streamingSigned {
		auth := req.Header.Get("Authorization")
		prev := auth[strings.LastIndex(auth, "Signature=")+len("Signature="):]
		date := now.Format("20060102")
		scope := date + "/" + ts.Region + "/s3/aws4_request"
		key := hmacSHA256([]byte("AWS4"+ts.SecretAccessKey), date)
		for _, part := range []string{ts.Region, "s3", "aws4_request"} {
			key = hmacSHA256(key, part)
		}
		chunks := append(append([][]byte(nil), s.chunks...), nil)
		sigs = make([]string, len(chunks))
		for i, c := range chunks {
			sts := strings.Join([]string{"AWS4-HMAC-SHA256-PAYLOAD", req.Header.Get("X-Amz-Date"), scope, prev, hexSHA256(nil), hexSHA256(c)}, "\n")
			sigs[i] = hex.EncodeToString(hmacSHA256(key, sts))
			prev = sigs[i]
		}
		if s.badSignature > 0 {
			sigs[s.badSignature-1] = strings.Repeat("f", 64)
		}
	}
	body := s.encode(sigs)
	req.Body = io.NopCloser(bytes.NewReader(body))
	require.Equal(t, req.ContentLength, int64(len(body)))
	return req
}

func TestRawAWSChunked_TamperedUploads_AreRejectedAndStoreNothing(t *testing.T) {
	data := payload(10500)
	chunks := [][]byte{data[:10000], data[10000:]}
	crc := [2]string{"x-amz-checksum-crc32", sumOf(t, "CRC32", data)}
	tests := []struct {
		name   string
		spec   chunkedSpec
		status int
		code   string
	}{
		{"bad chunk signature", chunkedSpec{mode: streamingSigned, chunks: chunks, badSignature: 2}, 403, "SignatureDoesNotMatch"},
		{"bad final chunk signature", chunkedSpec{mode: streamingSigned, chunks: chunks, badSignature: 3}, 403, "SignatureDoesNotMatch"},
		{"bad trailer checksum", chunkedSpec{mode: streamingUnsignedTrailer, chunks: chunks,
			trailer: [2]string{"x-amz-checksum-crc32", sumOf(t, "CRC32", []byte("other"))}}, 400, "BadDigest"},
		{"truncated body", chunkedSpec{mode: streamingUnsignedTrailer, chunks: chunks, trailer: crc, cut: 300}, 400, "IncompleteBody"},
		{"truncated signed body", chunkedSpec{mode: streamingSigned, chunks: chunks, cut: 120}, 400, "IncompleteBody"},
		{"decoded length says more", chunkedSpec{mode: streamingUnsignedTrailer, chunks: chunks, trailer: crc, decodedLength: int64(len(data)) + 1}, 400, "IncompleteBody"},
		{"decoded length says less", chunkedSpec{mode: streamingSigned, chunks: chunks, decodedLength: int64(len(data)) - 1}, 400, "IncompleteBody"},
		{"trailer not declared in x-amz-trailer", chunkedSpec{mode: streamingUnsignedTrailer, chunks: chunks, trailer: crc, undeclared: true}, 400, "MalformedTrailerError"},
	}
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		s3test.MustCreateBucket(t, c, "bkt")
		previous := payload(777)
		_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: bytes.NewReader(previous)})
		require.NoError(t, err)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := do(t, ts, chunkedRequest(t, ts, ts.URL+"/bkt/k", tt.spec))
				assert.Equal(t, tt.status, resp.StatusCode, "%s", body)
				assert.Equal(t, tt.code, parseError(t, body).Code)
				assert.Equal(t, previous, []byte(s3test.MustGetBody(t, c, "bkt", "k")), "the previous object is byte-identical")

				resp, body = do(t, ts, chunkedRequest(t, ts, ts.URL+"/bkt/fresh", tt.spec))
				assert.Equal(t, tt.code, parseError(t, body).Code)
				_, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("fresh")})
				apiErr(t, err, "NotFound", 404)
			})
		}
	})
}

func TestRawAWSChunked_CleanUploads_StoreThePayloadAndOtherContentEncodings(t *testing.T) {
	data := payload(10500)
	chunks := [][]byte{data[:10000], data[10000:]}
	tests := []struct {
		name         string
		spec         chunkedSpec
		wantEncoding string
		wantCRC32    bool
	}{
		{"signed chunks", chunkedSpec{mode: streamingSigned, chunks: chunks}, "", false},
		{"unsigned with trailer", chunkedSpec{mode: streamingUnsignedTrailer, chunks: chunks,
			trailer: [2]string{"x-amz-checksum-crc32", sumOf(t, "CRC32", data)}}, "", true},
		{"gzip,aws-chunked keeps gzip", chunkedSpec{mode: streamingSigned, chunks: chunks, contentEncoding: "gzip,aws-chunked"}, "gzip", false},
		{"aws-chunked,br keeps br", chunkedSpec{mode: streamingSigned, chunks: chunks, contentEncoding: "aws-chunked, br"}, "br", false},
	}
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		s3test.MustCreateBucket(t, c, "bkt")
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				key := fmt.Sprint("k", i)
				resp, body := do(t, ts, chunkedRequest(t, ts, ts.URL+"/bkt/"+key, tt.spec))
				require.Equal(t, 200, resp.StatusCode, "%s", body)
				if tt.wantCRC32 {
					assert.Equal(t, sumOf(t, "CRC32", data), resp.Header.Get("X-Amz-Checksum-Crc32"))
				} else {
					assert.Equal(t, sumOf(t, "CRC64NVME", data), resp.Header.Get("X-Amz-Checksum-Crc64nvme"), "S3's default checksum")
				}
				assert.Equal(t, "FULL_OBJECT", resp.Header.Get("X-Amz-Checksum-Type"))
				head, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key)})
				require.NoError(t, err)
				assert.Equal(t, tt.wantEncoding, aws.ToString(head.ContentEncoding), "aws-chunked is never stored")
				assert.Equal(t, data, []byte(s3test.MustGetBody(t, c, "bkt", key)))
			})
		}
	})
}

func TestPutObject_SDKContentEncodingOverTLS_StoresItWithoutAWSChunked(t *testing.T) {
	ts := NewTestServer(t, WithTLS())
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "bkt")
	_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"),
		Body: bytes.NewReader([]byte("zipped")), ContentEncoding: aws.String("gzip")})
	require.NoError(t, err)
	head, err := ts.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
	require.NoError(t, err)
	assert.Equal(t, "gzip", aws.ToString(head.ContentEncoding))

	cr, err := ts.Client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), ContentEncoding: aws.String("gzip")})
	require.NoError(t, err)
	up, err := ts.Client.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), UploadId: cr.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader([]byte("part"))})
	require.NoError(t, err)
	_, err = ts.Client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), UploadId: cr.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: up.ETag, PartNumber: aws.Int32(1)}}}})
	require.NoError(t, err)
	head, err = ts.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("mp")})
	require.NoError(t, err)
	assert.Equal(t, "gzip", aws.ToString(head.ContentEncoding))
}

func TestPutObject_PlainBodyWithoutContentLength_IsMissingContentLength(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		s3test.MustCreateBucket(t, c, "bkt")
		body := []byte("sent with Transfer-Encoding: chunked")
		req := signedRequestWith(t, ts, "PUT", ts.URL+"/bkt/k", body, func(r *http.Request) {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = -1 // unknown: the transport sends it chunked
		})
		resp, out := do(t, ts, req)
		assert.Equal(t, 411, resp.StatusCode)
		e := parseError(t, out)
		assert.Equal(t, "MissingContentLength", e.Code)
		assert.Equal(t, "You must provide the Content-Length HTTP header.", e.Message)
		_, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
		apiErr(t, err, "NotFound", 404)
	})
}
