package verifier

import (
	"bytes"
	"io"
	"testing"

	"github.com/stricts3/stricts3/internal/s3err"
)

// FuzzChunkedDecoder feeds arbitrary bodies to every aws-chunked framing.
// Whatever the input, Body must not panic, must never yield more bytes
// than x-amz-decoded-content-length, must fail only with *s3err.Error, and
// may succeed only with exactly the declared length.
// Seeds: testdata/fuzz/FuzzChunkedDecoder (valid bodies and near misses).
//
//	go test ./verifier -run XXX -fuzz FuzzChunkedDecoder -fuzztime=60s -fuzzminimizetime=2s
//
// A short -fuzzminimizetime keeps the minimizer from spending its default
// minute on the 20 KB seeds (the fuzzer shows 0 execs/sec meanwhile).
func FuzzChunkedDecoder(f *testing.F) {
	f.Add(encodeChunked(PayloadStreamingUnsignedTrailer, pattern(100), 8192, CRC32), uint32(100), uint8(2))
	f.Add(encodeChunked(PayloadStreamingSigned, pattern(9000), 8192, ""), uint32(9000), uint8(0))
	f.Add(encodeChunked(PayloadStreamingSignedTrailer, pattern(10), 8192, CRC32), uint32(10), uint8(1))
	f.Add([]byte("0\r\n\r\n"), uint32(0), uint8(2))
	f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"), uint32(5), uint8(2))

	v := testVerifier()
	f.Fuzz(func(t *testing.T, body []byte, declared uint32, sel uint8) {
		modes := []PayloadMode{PayloadStreamingSigned, PayloadStreamingSignedTrailer, PayloadStreamingUnsignedTrailer}
		mode := modes[int(sel)%len(modes)]
		trailer := ""
		if sel&4 != 0 || mode != PayloadStreamingSigned {
			trailer = "x-amz-checksum-crc32"
		}
		r := chunkedRequest(body, int64(declared), trailer)
		b, err := v.Body(r, streamingResult(mode, testSeed))
		if err != nil {
			t.Fatalf("headers are valid, Body failed: %v", err)
		}
		var out bytes.Buffer
		_, err = io.Copy(&out, b)
		if int64(out.Len()) > int64(declared) {
			t.Fatalf("yielded %d bytes, declared %d", out.Len(), declared)
		}
		if err != nil {
			if _, ok := s3err.As(err); !ok {
				t.Fatalf("error is not an *s3err.Error: %T %v", err, err)
			}
			if b.Checksum() != nil || b.MD5() != nil {
				t.Fatal("a failed body exposes a checksum")
			}
			return
		}
		if int64(out.Len()) != int64(declared) || b.Size() != int64(declared) {
			t.Fatalf("success with %d bytes, declared %d", out.Len(), declared)
		}
		if b.Checksum() == nil || len(b.MD5()) != 16 {
			t.Fatal("a clean body must expose its checksum and MD5")
		}
	})
}
