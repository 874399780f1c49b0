package verifier

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
)

// TestChunked_SignatureMismatch_NeverRevealsTheCalculatedSignature pins
// that a wrong chunk or trailer signature is reported without the value
// strictS3 calculated: not in the diagnosis (header and log line), the
// error text, nor the XML body. Knowing it, anyone holding a captured
// request's headers could sign a forged body chunk by chunk.
func TestChunked_SignatureMismatch_NeverRevealsTheCalculatedSignature(t *testing.T) {
	data, other := pattern(9000), bytes.Repeat([]byte{'x'}, 9000)
	bogus := strings.Repeat("0", 64)
	crc := checksumOf(CRC32, data)
	tests := []struct {
		name  string
		mode  PayloadMode
		build func(c *chunkedBody) (body []byte, calculated string)
		where string
	}{
		{"chunk 1 with a forged body", PayloadStreamingSigned, func(c *chunkedBody) ([]byte, string) {
			c.chunkWithSig(other, bogus)
			want := c.prev
			return c.final().end(), want
		}, "chunk 1 (9000 bytes)"},
		{"final chunk", PayloadStreamingSigned, func(c *chunkedBody) ([]byte, string) {
			c.chunk(data).chunkWithSig(nil, bogus)
			want := c.prev
			return c.end(), want
		}, "final (zero-length) chunk 2"},
		{"trailer signature", PayloadStreamingSignedTrailer, func(c *chunkedBody) ([]byte, string) {
			c.chunk(data).final().trailer("x-amz-checksum-crc32", crc)
			want := c.trailerSignature()
			return c.raw("x-amz-trailer-signature:" + bogus + "\r\n\r\n").buf.Bytes(), want
		}, "x-amz-trailer-signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChunkedBody(tt.mode, testSeed)
			body, calculated := tt.build(c)
			trailer := ""
			if tt.mode == PayloadStreamingSignedTrailer {
				trailer = "x-amz-checksum-crc32"
			}
			b, err := testVerifier().Body(chunkedRequest(body, int64(len(data)), trailer), streamingResult(tt.mode, testSeed))
			require.NoError(t, err)
			_, err = readBody(b)
			e := requireS3Error(t, err, s3err.SignatureDoesNotMatch, http.StatusForbidden,
				"The request signature we calculated does not match the signature you provided. Check your key and signing method.")
			assert.Contains(t, e.Diagnosis, tt.where, "the diagnosis still says what failed")
			assertKeepsSecret(t, e, calculated)
		})
	}
}
