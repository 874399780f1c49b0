package verifier

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
)

const msgLength = "You did not provide the number of bytes specified by the Content-Length HTTP header"

var streamingModes = []struct {
	name string
	mode PayloadMode
}{
	{"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", PayloadStreamingSigned},
	{"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", PayloadStreamingSignedTrailer},
	{"STREAMING-UNSIGNED-PAYLOAD-TRAILER", PayloadStreamingUnsignedTrailer},
}

// TestChunked_AWSDocExamples_Verify replays the two worked examples of the
// S3 API reference (sigv4-streaming and sigv4-streaming-trailers): 64 KiB
// then 1 KiB of 'a', with the signatures printed there.
func TestChunked_AWSDocExamples_Verify(t *testing.T) {
	a64, a1 := bytes.Repeat([]byte("a"), 65536), bytes.Repeat([]byte("a"), 1024)
	t.Run("sigv4-streaming", func(t *testing.T) {
		body := "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" + string(a64) + "\r\n" +
			"400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" + string(a1) + "\r\n" +
			"0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"
		b, err := testVerifier().Body(chunkedRequest([]byte(body), 66560, ""), streamingResult(PayloadStreamingSigned, testSeed))
		require.NoError(t, err)
		got, err := readBody(b)
		require.NoError(t, err)
		assert.Equal(t, append(a64, a1...), got)
	})
	t.Run("sigv4-streaming-trailers", func(t *testing.T) {
		body := "10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2\r\n" + string(a64) + "\r\n" +
			"400;chunk-signature=1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7\r\n" + string(a1) + "\r\n" +
			"0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n" +
			"x-amz-checksum-crc32c:sOO8/Q==\r\n" +
			"x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n"
		res := streamingResult(PayloadStreamingSignedTrailer, "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e")
		b, err := testVerifier().Body(chunkedRequest([]byte(body), 66560, "x-amz-checksum-crc32c"), res)
		require.NoError(t, err)
		got, err := readBody(b)
		require.NoError(t, err)
		assert.Equal(t, append(a64, a1...), got)
		assert.Equal(t, &Checksum{Algorithm: CRC32C, Value: "sOO8/Q==", Supplied: true}, b.Checksum())
	})
}

func TestChunked_ValidBodies_DecodeToExactBytes(t *testing.T) {
	sizes := []struct {
		name      string
		size      int
		chunkSize int
	}{
		{"empty", 0, 65536},
		{"one byte", 1, 65536},
		{"exactly one chunk", 65536, 65536},
		{"minimum chunk size", 3*8192 + 5, 8192},
		{"multi-chunk 64KiB", 4*65536 + 777, 65536},
	}
	for _, m := range streamingModes {
		for _, s := range sizes {
			t.Run(m.name+"/"+s.name, func(t *testing.T) {
				data := pattern(s.size)
				alg, trailer := "", ""
				if m.mode != PayloadStreamingSigned {
					alg, trailer = CRC32, "x-amz-checksum-crc32"
				}
				body := encodeChunked(m.mode, data, s.chunkSize, alg)
				b, err := testVerifier().Body(chunkedRequest(body, int64(s.size), trailer), streamingResult(m.mode, testSeed))
				require.NoError(t, err)
				got, err := readBody(b)
				require.NoError(t, err)
				require.True(t, bytes.Equal(data, got), "decoded bytes differ")
				assert.Equal(t, int64(s.size), b.Size())
				sum := b.Checksum()
				require.NotNil(t, sum)
				if alg != "" {
					assert.Equal(t, &Checksum{Algorithm: CRC32, Value: checksumOf(CRC32, data), Supplied: true}, sum)
				} else {
					assert.Equal(t, &Checksum{Algorithm: CRC64NVME, Value: checksumOf(CRC64NVME, data)}, sum,
						"with no checksum named, S3 stores a CRC64NVME")
				}
				assert.Len(t, b.MD5(), 16)
			})
		}
	}
}

func TestChunked_EveryTrailerAlgorithm_Verifies(t *testing.T) {
	data := pattern(70000)
	for _, mode := range []PayloadMode{PayloadStreamingSignedTrailer, PayloadStreamingUnsignedTrailer} {
		for _, alg := range ChecksumAlgorithms() {
			body := encodeChunked(mode, data, 65536, alg)
			b, err := testVerifier().Body(chunkedRequest(body, int64(len(data)), checksumHeader(alg)), streamingResult(mode, testSeed))
			require.NoError(t, err)
			got, err := readBody(b)
			require.NoError(t, err, alg)
			require.Equal(t, data, got)
			assert.Equal(t, &Checksum{Algorithm: alg, Value: checksumOf(alg, data), Supplied: true}, b.Checksum())
		}
	}
}

func TestChunked_BadChunkSignature_IsSignatureDoesNotMatch(t *testing.T) {
	c1, c2, c3 := pattern(65536), pattern(65536), pattern(100)
	bogus := strings.Repeat("0", 64)
	tests := []struct {
		name  string
		build func(c *chunkedBody)
		chunk string
	}{
		{"first chunk", func(c *chunkedBody) { c.chunkWithSig(c1, bogus).chunk(c2).chunk(c3).final() }, "chunk 1 "},
		{"middle chunk", func(c *chunkedBody) { c.chunk(c1).chunkWithSig(c2, bogus).chunk(c3).final() }, "chunk 2 "},
		{"final chunk", func(c *chunkedBody) { c.chunk(c1).chunk(c2).chunk(c3).chunkWithSig(nil, bogus) }, "final (zero-length) chunk 4"},
		{"chunk signed for other data", func(c *chunkedBody) {
			c.chunk(c1).chunkWithSig(c2, c.sign(c3)).chunk(c3).final()
		}, "chunk 2 "},
	}
	for _, m := range []PayloadMode{PayloadStreamingSigned, PayloadStreamingSignedTrailer} {
		for _, tt := range tests {
			t.Run(fmt.Sprint(m, tt.name), func(t *testing.T) {
				c := newChunkedBody(m, testSeed)
				tt.build(c)
				trailer := ""
				if m == PayloadStreamingSignedTrailer {
					c.trailer("x-amz-checksum-crc32", checksumOf(CRC32, bytes.Join([][]byte{c1, c2, c3}, nil)))
					trailer = "x-amz-checksum-crc32"
				}
				b, err := testVerifier().Body(chunkedRequest(c.end(), 65536*2+100, trailer), streamingResult(m, testSeed))
				require.NoError(t, err)
				_, err = readBody(b)
				e := requireS3Error(t, err, s3err.SignatureDoesNotMatch, http.StatusForbidden,
					"The request signature we calculated does not match the signature you provided. Check your key and signing method.")
				assert.Contains(t, e.Diagnosis, tt.chunk)
				assert.Nil(t, b.Checksum(), "nothing to store")
			})
		}
	}
}

func TestChunked_WrongSeedSignature_FailsFirstChunk(t *testing.T) {
	body := encodeChunked(PayloadStreamingSigned, pattern(10), 65536, "")
	other := strings.Repeat("a", 64)
	b, err := testVerifier().Body(chunkedRequest(body, 10, ""), streamingResult(PayloadStreamingSigned, other))
	require.NoError(t, err)
	_, err = readBody(b)
	e := requireS3Error(t, err, s3err.SignatureDoesNotMatch, http.StatusForbidden,
		"The request signature we calculated does not match the signature you provided. Check your key and signing method.")
	assert.Contains(t, e.Diagnosis, "chunk 1 (10 bytes)")
	assert.Contains(t, e.Diagnosis, "previous signature in the chain "+other)
}

// TestChunked_BadChunkSignature_SurfacesBeforeTheBodyEnds proves a broken
// link is reported at that chunk: the body after it never ends.
func TestChunked_BadChunkSignature_SurfacesBeforeTheBodyEnds(t *testing.T) {
	c := newChunkedBody(PayloadStreamingSigned, testSeed)
	c.chunk(pattern(65536)).chunkWithSig(pattern(65536), strings.Repeat("1", 64))
	endless := io.MultiReader(bytes.NewReader(c.buf.Bytes()), zeroReader{})
	r := chunkedRequest(nil, 1<<40, "")
	r.Body = io.NopCloser(endless)
	b, err := testVerifier().Body(r, streamingResult(PayloadStreamingSigned, testSeed))
	require.NoError(t, err)
	got, err := readBody(b)
	requireS3Error(t, err, s3err.SignatureDoesNotMatch, http.StatusForbidden,
		"The request signature we calculated does not match the signature you provided. Check your key and signing method.")
	assert.Len(t, got, 2*65536)
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestChunked_TrailerSignature(t *testing.T) {
	data := pattern(9000)
	crc := checksumOf(CRC32, data)
	tests := []struct {
		name  string
		build func(c *chunkedBody) []byte
		code  s3err.Code
		msg   string
	}{
		{"wrong signature", func(c *chunkedBody) []byte {
			return c.chunk(data).final().trailer("x-amz-checksum-crc32", crc).raw("x-amz-trailer-signature:" + strings.Repeat("f", 64) + "\r\n\r\n").buf.Bytes()
		}, s3err.SignatureDoesNotMatch, "The request signature we calculated does not match the signature you provided. Check your key and signing method."},
		{"signature over another value", func(c *chunkedBody) []byte {
			c.chunk(data).final().trailer("x-amz-checksum-crc32", "AAAAAA==")
			sig := c.trailerSignature()
			c.buf.Truncate(c.buf.Len() - len("x-amz-checksum-crc32:AAAAAA==\r\n"))
			return c.raw("x-amz-checksum-crc32:" + crc + "\r\nx-amz-trailer-signature:" + sig + "\r\n\r\n").buf.Bytes()
		}, s3err.SignatureDoesNotMatch, "The request signature we calculated does not match the signature you provided. Check your key and signing method."},
		{"missing signature", func(c *chunkedBody) []byte {
			return c.chunk(data).final().trailer("x-amz-checksum-crc32", crc).raw("\r\n").buf.Bytes()
		}, s3err.IncompleteBody, msgTerminated},
		{"signature not hex", func(c *chunkedBody) []byte {
			return c.chunk(data).final().trailer("x-amz-checksum-crc32", crc).raw("x-amz-trailer-signature:xyz\r\n\r\n").buf.Bytes()
		}, s3err.IncompleteBody, msgTerminated},
		{"trailer after signature", func(c *chunkedBody) []byte {
			c.chunk(data).final()
			sig := c.trailerSignature()
			return c.raw("x-amz-trailer-signature:" + sig + "\r\nx-amz-checksum-crc32:" + crc + "\r\n\r\n").buf.Bytes()
		}, s3err.MalformedTrailerError, "The request contained trailing data that was not well-formed or did not conform to our published schema."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChunkedBody(PayloadStreamingSignedTrailer, testSeed)
			body := tt.build(c)
			b, err := testVerifier().Body(chunkedRequest(body, int64(len(data)), "x-amz-checksum-crc32"), streamingResult(PayloadStreamingSignedTrailer, testSeed))
			require.NoError(t, err)
			_, err = readBody(b)
			status := http.StatusBadRequest
			if tt.code == s3err.SignatureDoesNotMatch {
				status = http.StatusForbidden
			}
			requireS3Error(t, err, tt.code, status, tt.msg)
		})
	}
}

func TestChunked_UnsignedTrailerWithSignatureLine_IsMalformedTrailer(t *testing.T) {
	c := newChunkedBody(PayloadStreamingUnsignedTrailer, testSeed)
	body := c.chunk(pattern(5)).final().trailer("x-amz-checksum-crc32", checksumOf(CRC32, pattern(5))).
		raw("x-amz-trailer-signature:" + strings.Repeat("a", 64) + "\r\n\r\n").buf.Bytes()
	b, err := testVerifier().Body(chunkedRequest(body, 5, "x-amz-checksum-crc32"), streamingResult(PayloadStreamingUnsignedTrailer, ""))
	require.NoError(t, err)
	_, err = readBody(b)
	requireS3Error(t, err, s3err.MalformedTrailerError, 400,
		"The request contained trailing data that was not well-formed or did not conform to our published schema.")
}

func TestChunked_TrailerChecksum(t *testing.T) {
	data := pattern(20000)
	for _, m := range []PayloadMode{PayloadStreamingSignedTrailer, PayloadStreamingUnsignedTrailer} {
		for _, alg := range ChecksumAlgorithms() {
			t.Run(fmt.Sprint(m, alg, "/mismatch is BadDigest"), func(t *testing.T) {
				wrong := checksumOf(alg, []byte("something else"))
				body := newChunkedBody(m, testSeed).chunk(data[:10000]).chunk(data[10000:]).final().trailer(checksumHeader(alg), wrong).end()
				b, err := testVerifier().Body(chunkedRequest(body, int64(len(data)), checksumHeader(alg)), streamingResult(m, testSeed))
				require.NoError(t, err)
				got, err := readBody(b)
				requireS3Error(t, err, s3err.BadDigest, 400, "The "+alg+" you specified did not match the calculated checksum.")
				assert.Equal(t, data, got, "the data itself decoded fine")
				assert.Nil(t, b.Checksum())
			})
			t.Run(fmt.Sprint(m, alg, "/invalid value is InvalidRequest"), func(t *testing.T) {
				body := newChunkedBody(m, testSeed).chunk(data).final().trailer(checksumHeader(alg), "M3eFcAZSQlcb").end()
				b, err := testVerifier().Body(chunkedRequest(body, int64(len(data)), checksumHeader(alg)), streamingResult(m, testSeed))
				require.NoError(t, err)
				_, err = readBody(b)
				requireS3Error(t, err, s3err.InvalidRequest, 400, "Value for "+checksumHeader(alg)+" trailing header is invalid.")
			})
		}
	}
}

func TestChunked_TrailerSection_MustMatchXAmzTrailer(t *testing.T) {
	const malformed = "The request contained trailing data that was not well-formed or did not conform to our published schema."
	data := pattern(100)
	crc := checksumOf(CRC32, data)
	tests := []struct {
		name     string
		declared string
		trailers [][2]string
	}{
		{"undeclared trailer", "", [][2]string{{"x-amz-checksum-crc32", crc}}},
		{"declared but missing", "x-amz-checksum-crc32", nil},
		{"other trailer than declared", "x-amz-checksum-crc32", [][2]string{{"x-amz-checksum-crc32c", checksumOf(CRC32C, data)}}},
		{"unknown trailer name", "x-amz-checksum-crc32", [][2]string{{"x-invalid-checksum-crc32", crc}}},
		{"empty name", "x-amz-checksum-crc32", [][2]string{{"", crc}}},
		{"declared trailer twice", "x-amz-checksum-crc32", [][2]string{{"x-amz-checksum-crc32", crc}, {"x-amz-checksum-crc32", crc}}},
	}
	for _, m := range []PayloadMode{PayloadStreamingSigned, PayloadStreamingSignedTrailer, PayloadStreamingUnsignedTrailer} {
		for _, tt := range tests {
			t.Run(fmt.Sprint(m, tt.name), func(t *testing.T) {
				c := newChunkedBody(m, testSeed).chunk(data).final()
				for _, tr := range tt.trailers {
					c.trailer(tr[0], tr[1])
				}
				b, err := testVerifier().Body(chunkedRequest(c.end(), 100, tt.declared), streamingResult(m, testSeed))
				require.NoError(t, err)
				_, err = readBody(b)
				requireS3Error(t, err, s3err.MalformedTrailerError, 400, malformed)
			})
		}
	}
	t.Run("line without colon", func(t *testing.T) {
		body := newChunkedBody(PayloadStreamingUnsignedTrailer, testSeed).chunk(data).final().raw("x-amz-checksum-crc32" + crc + "\r\n\r\n").buf.Bytes()
		b, err := testVerifier().Body(chunkedRequest(body, 100, "x-amz-checksum-crc32"), streamingResult(PayloadStreamingUnsignedTrailer, ""))
		require.NoError(t, err)
		_, err = readBody(b)
		requireS3Error(t, err, s3err.MalformedTrailerError, 400, malformed)
	})
}

func TestChunked_SignedTrailerModeWithoutAnyTrailer_IsIncompleteBody(t *testing.T) {
	// S3 answers this with IncompleteBody: the trailer signature is missing.
	body := newChunkedBody(PayloadStreamingSignedTrailer, testSeed).chunk(pattern(5)).final().raw("\r\n").buf.Bytes()
	b, err := testVerifier().Body(chunkedRequest(body, 5, ""), streamingResult(PayloadStreamingSignedTrailer, testSeed))
	require.NoError(t, err)
	_, err = readBody(b)
	requireS3Error(t, err, s3err.IncompleteBody, 400, msgTerminated)
}

func TestChunked_UnsignedTrailerModeWithoutTrailer_StoresCRC64NVME(t *testing.T) {
	data := pattern(5)
	body := encodeChunked(PayloadStreamingUnsignedTrailer, data, 65536, "")
	b, err := testVerifier().Body(chunkedRequest(body, 5, ""), streamingResult(PayloadStreamingUnsignedTrailer, ""))
	require.NoError(t, err)
	got, err := readBody(b)
	require.NoError(t, err)
	assert.Equal(t, data, got)
	assert.Equal(t, &Checksum{Algorithm: CRC64NVME, Value: checksumOf(CRC64NVME, data)}, b.Checksum())
}

func TestChunked_DecodedLengthLies_IsIncompleteBodyWithBothCounts(t *testing.T) {
	data := pattern(3 * 65536)
	for _, m := range streamingModes {
		for _, tt := range []struct {
			name     string
			declared int64
		}{
			{"declared more", int64(len(data)) + 1},
			{"declared fewer", 3},
			{"declared fewer, inside the last chunk", int64(len(data)) - 1},
			{"declared zero", 0},
		} {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				alg, trailer := CRC32, "x-amz-checksum-crc32"
				if m.mode == PayloadStreamingSigned {
					alg, trailer = "", ""
				}
				body := encodeChunked(m.mode, data, 65536, alg)
				b, err := testVerifier().Body(chunkedRequest(body, tt.declared, trailer), streamingResult(m.mode, testSeed))
				require.NoError(t, err)
				got, err := readBody(b)
				requireS3Error(t, err, s3err.IncompleteBody, 400, msgLength,
					el("NumberBytesExpected", fmt.Sprint(tt.declared)), el("NumberBytesProvided", fmt.Sprint(len(data))))
				assert.LessOrEqual(t, int64(len(got)), tt.declared, "never more bytes than declared")
			})
		}
	}
}

func TestChunked_MalformedFraming_IsIncompleteBody(t *testing.T) {
	data := pattern(10000)
	signedHeader := func(c *chunkedBody, d []byte) string {
		return fmt.Sprintf("%x;chunk-signature=%s\r\n", len(d), c.sign(d))
	}
	// A chunk size past the declared length is a length error, not framing,
	// so that case declares more.
	declaredFor := map[string]int64{"size larger than data": 20000}
	tests := []struct {
		name  string
		mode  PayloadMode
		build func(c *chunkedBody) []byte
	}{
		{"bad hex size", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte {
			return c.raw("27xz\r\n" + string(data) + "\r\n0\r\n\r\n").buf.Bytes()
		}},
		{"empty size", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte { return c.raw("\r\n").buf.Bytes() }},
		{"negative size", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte { return c.raw("-1\r\n\r\n").buf.Bytes() }},
		{"size over 16 hex digits", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte {
			return c.raw("00000000000000002710\r\n" + string(data) + "\r\n0\r\n\r\n").buf.Bytes()
		}},
		{"size smaller than data", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte {
			return c.raw("2700\r\n" + string(data) + "\r\n0\r\n\r\n").buf.Bytes()
		}},
		{"size larger than data", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte {
			return c.raw("2711\r\n" + string(data) + "\r\n0\r\n\r\n").buf.Bytes()
		}},
		{"LF without CR after header", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte {
			return c.raw("2710\n" + string(data) + "\r\n0\r\n\r\n").buf.Bytes()
		}},
		{"no CRLF after data", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte {
			return c.raw("2710\r\n" + string(data) + "0\r\n\r\n").buf.Bytes()
		}},
		{"oversize header line", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte {
			return c.raw("2710" + strings.Repeat(" ", 100000) + "\r\n").buf.Bytes()
		}},
		{"chunk extension in unsigned body", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte {
			return c.raw("2710;chunk-signature=" + strings.Repeat("a", 64) + "\r\n" + string(data) + "\r\n0\r\n\r\n").buf.Bytes()
		}},
		{"missing final CRLF", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte {
			return c.chunk(data).final().buf.Bytes()
		}},
		{"missing final chunk", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte { return c.chunk(data).buf.Bytes() }},
		{"last byte not LF", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte {
			b := c.chunk(data).final().end()
			b[len(b)-1] = 'X'
			return b
		}},
		{"bytes after the end", PayloadStreamingUnsignedTrailer, func(c *chunkedBody) []byte {
			return append(c.chunk(data).final().trailer("x-amz-checksum-crc32", checksumOf(CRC32, data)).end(), "junk"...)
		}},
		{"missing chunk-signature", PayloadStreamingSigned, func(c *chunkedBody) []byte {
			return c.raw("2710\r\n" + string(data) + "\r\n").buf.Bytes()
		}},
		{"short chunk-signature", PayloadStreamingSigned, func(c *chunkedBody) []byte {
			return c.raw("2710;chunk-signature=abc\r\n" + string(data) + "\r\n").buf.Bytes()
		}},
		{"upper-case chunk-signature", PayloadStreamingSigned, func(c *chunkedBody) []byte {
			return c.raw(strings.ToUpper(signedHeader(c, data)) + string(data) + "\r\n").buf.Bytes()
		}},
		{"wrong extension name", PayloadStreamingSigned, func(c *chunkedBody) []byte {
			return c.raw(strings.Replace(signedHeader(c, data), "chunk-signature", "chunk-sig", 1) + string(data) + "\r\n").buf.Bytes()
		}},
		{"truncated in data", PayloadStreamingSigned, func(c *chunkedBody) []byte {
			return c.raw(signedHeader(c, data) + string(data[:5000])).buf.Bytes()
		}},
		{"truncated in header", PayloadStreamingSigned, func(c *chunkedBody) []byte {
			return c.raw(signedHeader(c, data)[:20]).buf.Bytes()
		}},
		{"empty body", PayloadStreamingSigned, func(c *chunkedBody) []byte { return nil }},
		{"truncated in trailer", PayloadStreamingSignedTrailer, func(c *chunkedBody) []byte {
			return c.chunk(data).final().raw("x-amz-checksum-crc32:AAA").buf.Bytes()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChunkedBody(tt.mode, testSeed)
			body := tt.build(c)
			trailer := ""
			if tt.mode != PayloadStreamingSigned {
				trailer = "x-amz-checksum-crc32"
			}
			declared, ok := declaredFor[tt.name]
			if !ok {
				declared = int64(len(data))
			}
			b, err := testVerifier().Body(chunkedRequest(body, declared, trailer), streamingResult(tt.mode, testSeed))
			require.NoError(t, err)
			got, err := readBody(b)
			requireS3Error(t, err, s3err.IncompleteBody, 400, msgTerminated)
			assert.LessOrEqual(t, int64(len(got)), declared)
		})
	}
}

func TestChunked_SmallNonFinalChunk_IsInvalidChunkSizeError(t *testing.T) {
	for _, m := range streamingModes {
		t.Run(m.name, func(t *testing.T) {
			// "hello" in chunks of 3: S3 names chunk 2 and the size 3.
			body := newChunkedBody(m.mode, testSeed).chunk([]byte("hel")).chunk([]byte("lo")).final().end()
			b, err := testVerifier().Body(chunkedRequest(body, 5, ""), streamingResult(m.mode, testSeed))
			require.NoError(t, err)
			_, err = readBody(b)
			requireS3Error(t, err, s3err.InvalidChunkSizeError, 400, "Only the last chunk is allowed to have a size less than 8192 bytes",
				el("Chunk", "2"), el("BadChunkSize", "3"))
		})
	}
	t.Run("later chunk", func(t *testing.T) {
		d := pattern(8192)
		body := newChunkedBody(PayloadStreamingSigned, testSeed).chunk(d).chunk(d).chunk(d[:8191]).chunk(d).final().end()
		b, err := testVerifier().Body(chunkedRequest(body, 8192*4-1, ""), streamingResult(PayloadStreamingSigned, testSeed))
		require.NoError(t, err)
		_, err = readBody(b)
		requireS3Error(t, err, s3err.InvalidChunkSizeError, 400, "Only the last chunk is allowed to have a size less than 8192 bytes",
			el("Chunk", "4"), el("BadChunkSize", "8191"))
	})
}

func TestChunked_Headers(t *testing.T) {
	body := encodeChunked(PayloadStreamingUnsignedTrailer, pattern(5), 65536, "")
	tests := []struct {
		name   string
		mode   PayloadMode
		set    map[string]string
		del    []string
		code   s3err.Code
		status int
		msg    string
	}{
		{"missing x-amz-decoded-content-length", PayloadStreamingUnsignedTrailer, nil, []string{"X-Amz-Decoded-Content-Length"},
			s3err.MissingContentLength, 411, "You must provide the Content-Length HTTP header."},
		{"invalid x-amz-decoded-content-length", PayloadStreamingSigned, map[string]string{"X-Amz-Decoded-Content-Length": "abc"}, nil,
			s3err.MissingContentLength, 411, "You must provide the Content-Length HTTP header."},
		{"negative x-amz-decoded-content-length", PayloadStreamingSignedTrailer, map[string]string{"X-Amz-Decoded-Content-Length": "-5"}, nil,
			s3err.MissingContentLength, 411, "You must provide the Content-Length HTTP header."},
		{"unsupported x-amz-trailer", PayloadStreamingUnsignedTrailer, map[string]string{"X-Amz-Trailer": "x-amz-checksum-sha10"}, nil,
			s3err.InvalidRequest, 400, "The value specified in the x-amz-trailer header is not supported"},
		{"two trailers declared", PayloadStreamingUnsignedTrailer, map[string]string{"X-Amz-Trailer": "x-amz-checksum-crc32,x-amz-checksum-sha1"}, nil,
			s3err.InvalidRequest, 400, "The value specified in the x-amz-trailer header is not supported"},
		{"SigV4a chunks", PayloadStreamingECDSA, nil, nil,
			s3err.NotImplemented, 501, "A header you provided implies functionality that is not implemented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := chunkedRequest(body, 5, "")
			for k, v := range tt.set {
				r.Header.Set(k, v)
			}
			for _, k := range tt.del {
				r.Header.Del(k)
			}
			b, err := testVerifier().Body(r, streamingResult(tt.mode, testSeed))
			assert.Nil(t, b)
			e := requireS3Error(t, err, tt.code, tt.status, tt.msg)
			assert.NotEmpty(t, e.Diagnosis)
		})
	}
}

func TestChunked_SignedModeWithoutSigningKey_IsInternalError(t *testing.T) {
	res := &Result{Payload: Payload{Mode: PayloadStreamingSigned}}
	_, err := testVerifier().Body(chunkedRequest(nil, 0, ""), res)
	requireS3Error(t, err, s3err.InternalError, 500, "We encountered an internal error. Please try again.")
}

// TestChunked_OneByteReads_DecodeTheSame feeds the decoder one byte at a
// time, as a slow connection would.
func TestChunked_OneByteReads_DecodeTheSame(t *testing.T) {
	data := pattern(20000)
	for _, m := range streamingModes {
		body := encodeChunked(m.mode, data, 8192, CRC32C)
		r := chunkedRequest(nil, int64(len(data)), "x-amz-checksum-crc32c")
		r.Body = io.NopCloser(&oneByteReader{r: bytes.NewReader(body)})
		b, err := testVerifier().Body(r, streamingResult(m.mode, testSeed))
		require.NoError(t, err)
		got, err := io.ReadAll(b)
		require.NoError(t, err, m.name)
		assert.Equal(t, data, got)
	}
}

type oneByteReader struct{ r io.Reader }

func (o *oneByteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}
