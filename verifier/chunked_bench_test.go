package verifier

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkChunkedDecode measures decoding plus verification of an 8 MiB
// object in 64 KiB chunks, MD5 and the additional checksum included (what
// a PutObject pays). MB/s are of decoded bytes.
func BenchmarkChunkedDecode(b *testing.B) {
	const size, chunk = 8 << 20, 64 << 10
	data := pattern(size)
	cases := []struct {
		name    string
		mode    PayloadMode
		alg     string
		trailer string
	}{
		{"signed", PayloadStreamingSigned, "", ""},
		{"signed-trailer-crc32", PayloadStreamingSignedTrailer, CRC32, "x-amz-checksum-crc32"},
		{"unsigned-trailer-crc32", PayloadStreamingUnsignedTrailer, CRC32, "x-amz-checksum-crc32"},
		{"unsigned-trailer-crc64nvme", PayloadStreamingUnsignedTrailer, CRC64NVME, "x-amz-checksum-crc64nvme"},
	}
	v := testVerifier()
	for _, c := range cases {
		body := encodeChunked(c.mode, data, chunk, c.alg)
		res := streamingResult(c.mode, testSeed)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				r := chunkedRequest(body, size, c.trailer)
				body, err := v.Body(r, res)
				if err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(io.Discard, body); err != nil || n != size {
					b.Fatal(n, err)
				}
			}
		})
	}
	b.Run("plain-unsigned", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			r := httptest.NewRequest(http.MethodPut, "/bucket/key", bytes.NewReader(data))
			body, err := v.Body(r, &Result{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
