package verifier

import (
	"encoding/base64"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChecksum_KnownVectors(t *testing.T) {
	// Check values of the CRC catalogue ("123456789") and FIPS vectors.
	tests := []struct {
		alg  string
		data string
		hex  string
	}{
		{CRC32, "123456789", "cbf43926"},
		{CRC32C, "123456789", "e3069283"},
		{CRC64NVME, "123456789", "ae8b14860a799888"},
		{SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		t.Run(tt.alg, func(t *testing.T) {
			h, ok := NewChecksumHash(tt.alg)
			require.True(t, ok)
			h.Write([]byte(tt.data))
			assert.Equal(t, tt.hex, hex.EncodeToString(h.Sum(nil)))
		})
	}
}

func TestChecksum_EmptyBodyCRC32_IsWhatTheJSPresignerSends(t *testing.T) {
	assert.Equal(t, "AAAAAA==", checksumOf(CRC32, nil))
}

func TestNewChecksumHash_UnknownAlgorithm(t *testing.T) {
	_, ok := NewChecksumHash("MD5")
	assert.False(t, ok)
	_, ok = NewChecksumHash("crc32c")
	assert.True(t, ok, "names are case-insensitive, as in x-amz-sdk-checksum-algorithm")
}

func TestFullObjectChecksum_CombinedParts_EqualWholeObjectCRC(t *testing.T) {
	data := pattern(3*65536 + 12345)
	cuts := [][]int{{0, len(data)}, {0, 1, len(data)}, {0, 65536, 131072, len(data)}, {0, 5, 5, 999, len(data)}}
	for _, alg := range []string{CRC32, CRC32C, CRC64NVME} {
		for _, cut := range cuts {
			var parts []ChecksumPart
			for i := 0; i+1 < len(cut); i++ {
				p := data[cut[i]:cut[i+1]]
				parts = append(parts, ChecksumPart{Value: checksumOf(alg, p), Size: int64(len(p))})
			}
			got, err := FullObjectChecksum(alg, parts)
			require.NoError(t, err)
			assert.Equal(t, checksumOf(alg, data), got, "%s split at %v", alg, cut)
		}
	}
}

func TestFullObjectChecksum_SHA_IsAnError(t *testing.T) {
	_, err := FullObjectChecksum(SHA256, []ChecksumPart{{Value: checksumOf(SHA256, nil)}})
	require.Error(t, err)
	_, err = FullObjectChecksum(CRC32, []ChecksumPart{{Value: "not base64"}})
	require.Error(t, err)
	_, err = FullObjectChecksum(CRC32, nil)
	require.Error(t, err)
}

func TestCompositeChecksum_IsDigestOfRawPartDigestsWithPartCount(t *testing.T) {
	p1, p2 := pattern(100), pattern(200)
	for _, alg := range ChecksumAlgorithms() {
		parts := []string{checksumOf(alg, p1), checksumOf(alg, p2)}
		r1, _ := base64.StdEncoding.DecodeString(parts[0])
		r2, _ := base64.StdEncoding.DecodeString(parts[1])
		want := checksumOf(alg, append(append([]byte(nil), r1...), r2...)) + "-2"
		got, err := CompositeChecksum(alg, parts)
		require.NoError(t, err)
		assert.Equal(t, want, got, alg)
	}
	_, err := CompositeChecksum(CRC32, []string{checksumOf(SHA1, p1)})
	require.Error(t, err, "a SHA1 value is not a CRC32 part checksum")
	_, err = CompositeChecksum("MD5", []string{"x"})
	require.Error(t, err)
}

func TestChecksumAlgorithmOf_OnlyValueHeadersOfKnownAlgorithms(t *testing.T) {
	tests := map[string]string{
		"x-amz-checksum-crc32":     CRC32,
		"X-Amz-Checksum-Crc32c":    CRC32C,
		"X-AMZ-CHECKSUM-CRC64NVME": CRC64NVME,
		"x-amz-checksum-sha1":      SHA1,
		"x-amz-checksum-sha256":    SHA256,
		"x-amz-checksum-mode":      "",
		"x-amz-checksum-algorithm": "",
		"x-amz-checksum-type":      "",
		"x-amz-checksum-md5":       "",
		"content-md5":              "",
		"x-amz-checksum-":          "",
		"x-amz-checksum":           "",
		"x-amz-":                   "",
	}
	for name, want := range tests {
		alg, ok := ChecksumAlgorithmOf(name)
		assert.Equal(t, want, alg, name)
		assert.Equal(t, want != "", ok, name)
	}
}

func TestValidChecksumValue_IsBase64OfOneDigest(t *testing.T) {
	assert.True(t, ValidChecksumValue(CRC32, "AAAAAA=="))
	assert.False(t, ValidChecksumValue(CRC32, "AAAAAAAAAAA="), "8 bytes is a CRC64, not a CRC32")
	assert.False(t, ValidChecksumValue(CRC32, "not base64"))
	assert.True(t, ValidChecksumValue(SHA1, base64.StdEncoding.EncodeToString(make([]byte, 20))))
	assert.False(t, ValidChecksumValue("MD5", base64.StdEncoding.EncodeToString(make([]byte, 16))), "unknown algorithm")
}
