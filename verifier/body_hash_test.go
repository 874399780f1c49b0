package verifier

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
)

// TestBody_LargeReads_HashEveryByteInOrder drives the pipelined path
// (reads of pipelineMin or more, hashed piece by piece on other
// goroutines) with sources that return short reads, and checks that MD5,
// the default CRC64NVME and the signed SHA-256 cover exactly the bytes
// read, in order.
func TestBody_LargeReads_HashEveryByteInOrder(t *testing.T) {
	data := make([]byte, 3<<20+17)
	for i := range data {
		data[i] = byte(i*7 + i>>11)
	}
	sha := sha256.Sum256(data)
	wantMD5 := md5.Sum(data)
	crc, _ := NewChecksumHash(CRC64NVME)
	crc.Write(data)
	wantCRC := base64.StdEncoding.EncodeToString(crc.Sum(nil))

	for _, tc := range []struct {
		name    string
		bufSize int
		src     func(io.Reader) io.Reader
	}{
		{"1MiB reads, whole pieces", 1 << 20, func(r io.Reader) io.Reader { return r }},
		{"1MiB reads, half reads", 1 << 20, iotest.HalfReader},
		{"odd large reads, data with EOF", pipelineMin + 4099, iotest.DataErrReader},
		{"small reads, inline", 7919, iotest.HalfReader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := putRequest(nil, nil)
			r.Body = io.NopCloser(tc.src(bytes.NewReader(data)))
			res := &Result{Payload: Payload{Mode: PayloadSHA256, SHA256: hex.EncodeToString(sha[:])}}
			b, err := testVerifier().Body(r, res)
			require.NoError(t, err)

			var got bytes.Buffer
			_, err = io.CopyBuffer(struct{ io.Writer }{&got}, struct{ io.Reader }{b}, make([]byte, tc.bufSize))
			require.NoError(t, err)
			assert.True(t, bytes.Equal(data, got.Bytes()), "bytes passed through unchanged")
			assert.Equal(t, wantMD5[:], b.MD5())
			assert.Equal(t, &Checksum{Algorithm: CRC64NVME, Value: wantCRC}, b.Checksum())
		})
	}
}

// TestBody_LargeReads_TamperedLastPiece_IsSHA256Mismatch: a byte changed in
// the last piece of a pipelined read still fails the signed SHA-256.
func TestBody_LargeReads_TamperedLastPiece_IsSHA256Mismatch(t *testing.T) {
	data := bytes.Repeat([]byte("strictS3"), (1<<20)/8)
	sha := sha256.Sum256(data)
	tampered := bytes.Clone(data)
	tampered[len(tampered)-1] ^= 1

	r := putRequest(tampered, nil)
	res := &Result{Payload: Payload{Mode: PayloadSHA256, SHA256: hex.EncodeToString(sha[:])}}
	b, err := testVerifier().Body(r, res)
	require.NoError(t, err)
	_, err = io.CopyBuffer(io.Discard, struct{ io.Reader }{b}, make([]byte, 1<<20))
	var s3e *s3err.Error
	require.ErrorAs(t, err, &s3e)
	assert.Equal(t, s3err.XAmzContentSHA256Mismatch, s3e.Code)
}
