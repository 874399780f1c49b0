package verifier

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
)

func putRequest(body []byte, headers map[string]string) *http.Request {
	r := httptest.NewRequest(http.MethodPut, "/bucket/key", bytes.NewReader(body))
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	return r
}

func unsignedResult() *Result { return &Result{Payload: Payload{Mode: PayloadUnsigned}} }

func TestBody_ChecksumHeader_MatchingValue_IsStoredAsSupplied(t *testing.T) {
	data := []byte("hello\n")
	for _, alg := range ChecksumAlgorithms() {
		b, err := testVerifier().Body(putRequest(data, map[string]string{checksumHeader(alg): checksumOf(alg, data)}), unsignedResult())
		require.NoError(t, err)
		got, err := readBody(b)
		require.NoError(t, err)
		assert.Equal(t, data, got)
		assert.Equal(t, &Checksum{Algorithm: alg, Value: checksumOf(alg, data), Supplied: true}, b.Checksum())
		sum := md5.Sum(data)
		assert.Equal(t, sum[:], b.MD5())
	}
}

func TestBody_ChecksumHeader_Mismatch_IsBadDigest(t *testing.T) {
	data := []byte("hello\n")
	for _, alg := range ChecksumAlgorithms() {
		t.Run(alg, func(t *testing.T) {
			wrong := checksumOf(alg, []byte("not hello"))
			b, err := testVerifier().Body(putRequest(data, map[string]string{checksumHeader(alg): wrong}), unsignedResult())
			require.NoError(t, err)
			_, err = readBody(b)
			e := requireS3Error(t, err, s3err.BadDigest, 400, "The "+alg+" you specified did not match the calculated checksum.")
			assert.Contains(t, e.Diagnosis, checksumOf(alg, data))
			assert.Nil(t, b.Checksum())
			assert.Nil(t, b.MD5())
		})
	}
}

func TestBody_ChecksumHeader_InvalidValue_IsInvalidRequest(t *testing.T) {
	for _, alg := range ChecksumAlgorithms() {
		for _, value := range []string{"", "not base64!", "AAAA", base64.StdEncoding.EncodeToString(make([]byte, checksumSize(alg)+1))} {
			t.Run(alg+"/"+value, func(t *testing.T) {
				b, err := testVerifier().Body(putRequest([]byte("x"), map[string]string{checksumHeader(alg): value}), unsignedResult())
				assert.Nil(t, b)
				requireS3Error(t, err, s3err.InvalidRequest, 400, "Value for "+checksumHeader(alg)+" header is invalid.")
			})
		}
	}
}

func TestBody_ChecksumHeaders(t *testing.T) {
	data := []byte("hello\n")
	crc := checksumOf(CRC32, data)
	tests := []struct {
		name    string
		headers map[string]string
		msg     string
	}{
		{"two checksum headers", map[string]string{"x-amz-checksum-crc32": crc, "x-amz-checksum-sha1": checksumOf(SHA1, data)},
			"Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."},
		{"two empty checksum headers", map[string]string{"x-amz-checksum-crc32": "", "x-amz-checksum-crc32c": ""},
			"Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."},
		{"sdk algorithm differs from header", map[string]string{"x-amz-checksum-crc32c": checksumOf(CRC32C, data), "x-amz-sdk-checksum-algorithm": "crc32"},
			"Value for x-amz-sdk-checksum-algorithm header is invalid."},
		{"sdk algorithm unknown", map[string]string{"x-amz-checksum-crc32": crc, "x-amz-sdk-checksum-algorithm": "MD5"},
			"Value for x-amz-sdk-checksum-algorithm header is invalid."},
		{"sdk algorithm without value", map[string]string{"x-amz-sdk-checksum-algorithm": "CRC32"},
			"x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := testVerifier().Body(putRequest(data, tt.headers), unsignedResult())
			assert.Nil(t, b)
			e := requireS3Error(t, err, s3err.InvalidRequest, 400, tt.msg)
			assert.NotEmpty(t, e.Diagnosis)
		})
	}
}

func TestBody_SDKAlgorithmMatchingHeader_IsAccepted(t *testing.T) {
	data := []byte("hello\n")
	h := map[string]string{"x-amz-checksum-sha256": checksumOf(SHA256, data), "x-amz-sdk-checksum-algorithm": "sha256",
		"x-amz-checksum-algorithm": "SHA256", "x-amz-checksum-type": "FULL_OBJECT"}
	b, err := testVerifier().Body(putRequest(data, h), unsignedResult())
	require.NoError(t, err)
	_, err = readBody(b)
	require.NoError(t, err)
	assert.Equal(t, &Checksum{Algorithm: SHA256, Value: checksumOf(SHA256, data), Supplied: true}, b.Checksum())
}

func TestBody_ChecksumHeaderWithTrailer_IsInvalidRequest(t *testing.T) {
	data := pattern(5)
	body := encodeChunked(PayloadStreamingUnsignedTrailer, data, 65536, CRC64NVME)
	r := chunkedRequest(body, 5, "x-amz-checksum-crc64nvme")
	r.Header.Set("x-amz-checksum-sha1", checksumOf(SHA1, data))
	_, err := testVerifier().Body(r, streamingResult(PayloadStreamingUnsignedTrailer, ""))
	requireS3Error(t, err, s3err.InvalidRequest, 400, "Expecting a single x-amz-checksum- header")
}

func TestBody_SDKAlgorithmDiffersFromTrailer_IsInvalidRequest(t *testing.T) {
	body := encodeChunked(PayloadStreamingUnsignedTrailer, pattern(5), 65536, CRC32)
	r := chunkedRequest(body, 5, "x-amz-checksum-crc32")
	r.Header.Set("x-amz-sdk-checksum-algorithm", "CRC32C")
	_, err := testVerifier().Body(r, streamingResult(PayloadStreamingUnsignedTrailer, ""))
	requireS3Error(t, err, s3err.InvalidRequest, 400, "Value for x-amz-sdk-checksum-algorithm header is invalid.")
}

func TestBody_ChunkedWithChecksumHeader_VerifiesDecodedBytes(t *testing.T) {
	data := pattern(70000)
	body := encodeChunked(PayloadStreamingSigned, data, 65536, "")
	for _, tt := range []struct {
		value string
		ok    bool
	}{{checksumOf(SHA1, data), true}, {checksumOf(SHA1, body), false}} {
		r := chunkedRequest(body, int64(len(data)), "")
		r.Header.Set("x-amz-checksum-sha1", tt.value)
		b, err := testVerifier().Body(r, streamingResult(PayloadStreamingSigned, testSeed))
		require.NoError(t, err)
		_, err = readBody(b)
		if tt.ok {
			require.NoError(t, err)
		} else {
			requireS3Error(t, err, s3err.BadDigest, 400, "The SHA1 you specified did not match the calculated checksum.")
		}
	}
}

func TestBody_NoChecksumNamed_ComputesCRC64NVME(t *testing.T) {
	data := []byte("123456789")
	b, err := testVerifier().Body(putRequest(data, nil), unsignedResult())
	require.NoError(t, err)
	assert.Nil(t, b.Checksum(), "nothing before EOF")
	_, err = readBody(b)
	require.NoError(t, err)
	assert.Equal(t, &Checksum{Algorithm: CRC64NVME, Value: "rosUhgp5mIg="}, b.Checksum()) // 0xae8b14860a799888
}

// TestBody_PresignedQueryChecksum_IsComputedNotVerified pins spec §12: the
// JS SDK pre-signs x-amz-checksum-crc32=AAAAAA== (empty body) and S3 accepts
// the URL with any body.
func TestBody_PresignedQueryChecksum_IsComputedNotVerified(t *testing.T) {
	data := []byte("not empty")
	res := unsignedResult()
	res.QueryHeaders = http.Header{}
	res.QueryHeaders.Set("x-amz-checksum-crc32", "AAAAAA==")
	res.QueryHeaders.Set("x-amz-sdk-checksum-algorithm", "CRC32")
	b, err := testVerifier().Body(putRequest(data, nil), res)
	require.NoError(t, err)
	_, err = readBody(b)
	require.NoError(t, err)
	assert.Equal(t, &Checksum{Algorithm: CRC32, Value: checksumOf(CRC32, data)}, b.Checksum())

	res.QueryHeaders = http.Header{"X-Amz-Sdk-Checksum-Algorithm": {"sha1"}}
	b, err = testVerifier().Body(putRequest(data, nil), res)
	require.NoError(t, err)
	_, err = readBody(b)
	require.NoError(t, err)
	assert.Equal(t, &Checksum{Algorithm: SHA1, Value: checksumOf(SHA1, data)}, b.Checksum())
}

func TestBody_ContentMD5(t *testing.T) {
	data := []byte("hello\n")
	good := md5.Sum(data)
	other := md5.Sum([]byte("other"))
	goodB64, otherB64 := base64.StdEncoding.EncodeToString(good[:]), base64.StdEncoding.EncodeToString(other[:])

	t.Run("matching", func(t *testing.T) {
		b, err := testVerifier().Body(putRequest(data, map[string]string{"Content-MD5": goodB64}), unsignedResult())
		require.NoError(t, err)
		_, err = readBody(b)
		require.NoError(t, err)
		assert.Equal(t, good[:], b.MD5())
	})
	for _, bad := range []string{"", "nope", base64.StdEncoding.EncodeToString([]byte("fifteen bytes!!")), hex.EncodeToString(good[:])} {
		t.Run("invalid "+bad, func(t *testing.T) {
			_, err := testVerifier().Body(putRequest(data, map[string]string{"Content-MD5": bad}), unsignedResult())
			requireS3Error(t, err, s3err.InvalidDigest, 400, "The Content-MD5 you specified was invalid.", el("Content-MD5", bad))
		})
	}
	t.Run("mismatch PutObject reports ExpectedDigest in hex", func(t *testing.T) {
		b, err := testVerifier().Body(putRequest(data, map[string]string{"Content-MD5": otherB64}), unsignedResult())
		require.NoError(t, err)
		_, err = readBody(b)
		requireS3Error(t, err, s3err.BadDigest, 400, "The Content-MD5 you specified did not match what we received.",
			el("CalculatedDigest", goodB64), el("ExpectedDigest", hex.EncodeToString(other[:])))
		assert.Nil(t, b.MD5())
	})
	t.Run("mismatch UploadPart reports ExpectedDigest in base64", func(t *testing.T) {
		b, err := testVerifier().Body(putRequest(data, map[string]string{"Content-MD5": otherB64}), unsignedResult(), ExpectedDigestBase64())
		require.NoError(t, err)
		_, err = readBody(b)
		requireS3Error(t, err, s3err.BadDigest, 400, "The Content-MD5 you specified did not match what we received.",
			el("CalculatedDigest", goodB64), el("ExpectedDigest", otherB64))
	})
	t.Run("aws-chunked body is checked after decoding", func(t *testing.T) {
		d := pattern(30000)
		sum := md5.Sum(d)
		r := chunkedRequest(encodeChunked(PayloadStreamingUnsignedTrailer, d, 8192, CRC32), int64(len(d)), "x-amz-checksum-crc32")
		r.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
		b, err := testVerifier().Body(r, streamingResult(PayloadStreamingUnsignedTrailer, ""))
		require.NoError(t, err)
		_, err = readBody(b)
		require.NoError(t, err)
	})
}

func TestBody_SHA256Payload(t *testing.T) {
	data := []byte("hello\n")
	sum := sha256.Sum256(data)
	good := hex.EncodeToString(sum[:])
	res := &Result{Payload: Payload{Mode: PayloadSHA256, SHA256: good}}
	b, err := testVerifier().Body(putRequest(data, nil), res)
	require.NoError(t, err)
	_, err = readBody(b)
	require.NoError(t, err)

	b, err = testVerifier().Body(putRequest([]byte("tampered"), nil), res)
	require.NoError(t, err)
	_, err = readBody(b)
	other := sha256.Sum256([]byte("tampered"))
	requireS3Error(t, err, s3err.XAmzContentSHA256Mismatch, 400, "The provided 'x-amz-content-sha256' header does not match what was computed.",
		el("ClientComputedContentSHA256", good), el("S3ComputedContentSHA256", hex.EncodeToString(other[:])))
}

func TestBody_ShortPlainBody_IsIncompleteBody(t *testing.T) {
	r := putRequest(nil, nil)
	r.ContentLength = 10
	r.Body = io.NopCloser(io.MultiReader(strings.NewReader("abc"), errReader{io.ErrUnexpectedEOF}))
	b, err := testVerifier().Body(r, unsignedResult())
	require.NoError(t, err)
	got, err := readBody(b)
	assert.Equal(t, "abc", string(got))
	requireS3Error(t, err, s3err.IncompleteBody, 400, msgLength, el("NumberBytesExpected", "10"), el("NumberBytesProvided", "3"))
}

func TestBody_ShortPlainBody_ThroughNetHTTP_IsIncompleteBody(t *testing.T) {
	// net/http's server reports a body shorter than Content-Length as
	// io.ErrUnexpectedEOF; check the mapping against the real thing.
	done := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := testVerifier().Body(r, unsignedResult())
		if err != nil {
			done <- err
			return
		}
		_, err = io.ReadAll(b)
		done <- err
	}))
	defer srv.Close()
	conn, err := (&netDialer{}).dial(srv.Listener.Addr().String())
	require.NoError(t, err)
	_, err = io.WriteString(conn, "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
	require.NoError(t, err)
	require.NoError(t, conn.CloseWrite())
	err = <-done
	conn.Close()
	requireS3Error(t, err, s3err.IncompleteBody, 400, msgLength, el("NumberBytesExpected", "10"), el("NumberBytesProvided", "3"))
}

func TestBody_OtherReadErrors_PassThrough(t *testing.T) {
	boom := io.ErrClosedPipe
	r := putRequest(nil, nil)
	r.Body = io.NopCloser(errReader{boom})
	b, err := testVerifier().Body(r, unsignedResult())
	require.NoError(t, err)
	_, err = readBody(b)
	assert.ErrorIs(t, err, boom)

	r = chunkedRequest(nil, 5, "")
	r.Body = io.NopCloser(errReader{boom})
	b, err = testVerifier().Body(r, streamingResult(PayloadStreamingUnsignedTrailer, ""))
	require.NoError(t, err)
	_, err = readBody(b)
	assert.ErrorIs(t, err, boom)
}

func TestBody_ErrorIsSticky(t *testing.T) {
	b, err := testVerifier().Body(putRequest([]byte("x"), map[string]string{"x-amz-checksum-crc32": "AAAAAA=="}), unsignedResult())
	require.NoError(t, err)
	_, err1 := readBody(b)
	require.Error(t, err1)
	n, err2 := b.Read(make([]byte, 10))
	assert.Zero(t, n)
	assert.Equal(t, err1, err2)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestBody_UnsignedTrailerBodyWithChecksumHeaderOnly_VerifiesHeader(t *testing.T) {
	data := pattern(9000)
	body := encodeChunked(PayloadStreamingUnsignedTrailer, data, 8192, "")
	for _, value := range []string{checksumOf(CRC32C, data), checksumOf(CRC32C, nil)} {
		r := chunkedRequest(body, int64(len(data)), "")
		r.Header.Set("x-amz-checksum-crc32c", value)
		b, err := testVerifier().Body(r, streamingResult(PayloadStreamingUnsignedTrailer, ""))
		require.NoError(t, err)
		_, err = readBody(b)
		if value == checksumOf(CRC32C, data) {
			require.NoError(t, err)
			assert.Equal(t, &Checksum{Algorithm: CRC32C, Value: value, Supplied: true}, b.Checksum())
		} else {
			requireS3Error(t, err, s3err.BadDigest, 400, "The CRC32C you specified did not match the calculated checksum.")
		}
	}
}
