package verifier

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"hash/crc32"
	"strconv"
	"strings"
)

// The checksum algorithms S3 accepts in x-amz-checksum-* headers and
// trailers, spelled as S3 spells them in x-amz-sdk-checksum-algorithm and in
// its error messages.
const (
	CRC32     = "CRC32"
	CRC32C    = "CRC32C"
	CRC64NVME = "CRC64NVME"
	SHA1      = "SHA1"
	SHA256    = "SHA256"
)

var crc32CTable = crc32.MakeTable(crc32.Castagnoli)

// Checksum is the additional checksum of a payload, as S3 stores it.
type Checksum struct {
	// Algorithm is CRC32, CRC32C, CRC64NVME, SHA1 or SHA256.
	Algorithm string
	// Value is the base64 of the big-endian digest, as in x-amz-checksum-*.
	Value string
	// Supplied reports whether the client sent the value (header or
	// trailer) and it was verified; false means strictS3 computed it because
	// the client named an algorithm without a value, or named none (S3 then
	// stores a CRC64NVME).
	Supplied bool
}

// ChecksumAlgorithms lists the algorithms in the order S3 documents them.
func ChecksumAlgorithms() []string { return []string{CRC32, CRC32C, CRC64NVME, SHA1, SHA256} }

// NewChecksumHash returns a fresh hash for alg (case-insensitive), or false
// when S3 knows no such algorithm.
func NewChecksumHash(alg string) (hash.Hash, bool) {
	switch strings.ToUpper(alg) {
	case CRC32:
		return crc32.NewIEEE(), true
	case CRC32C:
		return crc32.New(crc32CTable), true
	case CRC64NVME:
		return new(crc64nvme), true
	case SHA1:
		return sha1.New(), true
	case SHA256:
		return sha256.New(), true
	}
	return nil, false
}

// checksumSize is the digest length in bytes, 0 for an unknown algorithm.
func checksumSize(alg string) int {
	switch alg {
	case CRC32, CRC32C:
		return 4
	case CRC64NVME:
		return 8
	case SHA1:
		return sha1.Size
	case SHA256:
		return sha256.Size
	}
	return 0
}

// checksumHeader is the header (and trailer) name for alg:
// x-amz-checksum-crc32 for CRC32.
func checksumHeader(alg string) string { return "x-amz-checksum-" + strings.ToLower(alg) }

// ChecksumAlgorithmOf maps a header or trailer name such as
// "X-Amz-Checksum-Crc32c" (any case) to its algorithm, CRC32C; ok is false
// for any other name, x-amz-checksum-mode, -algorithm and -type included.
func ChecksumAlgorithmOf(name string) (alg string, ok bool) {
	// Body asks this of every request header, so the prefix is compared
	// without building a lower-case copy of each name.
	const prefix = "x-amz-checksum-"
	if len(name) <= len(prefix) || !strings.EqualFold(name[:len(prefix)], prefix) {
		return "", false
	}
	alg = strings.ToUpper(name[len(prefix):])
	if checksumSize(alg) == 0 {
		return "", false
	}
	return alg, true
}

// ValidChecksumValue reports whether value is what S3 accepts as an
// x-amz-checksum-* value of alg: the base64 of exactly one digest.
func ValidChecksumValue(alg, value string) bool {
	_, ok := decodeChecksum(alg, value)
	return ok
}

// decodeChecksum returns the raw digest of a base64 value, or false when it
// is not valid base64 of exactly the algorithm's digest size (what S3 calls
// an invalid value).
func decodeChecksum(alg, value string) ([]byte, bool) {
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(raw) != checksumSize(alg) {
		return nil, false
	}
	return raw, true
}

// CompositeChecksum is the checksum S3 reports for a multipart object whose
// parts carried alg checksums (COMPOSITE type): the alg digest of the
// concatenated raw part digests, base64, then "-" and the part count.
// parts are the base64 part checksums in part-number order.
func CompositeChecksum(alg string, parts []string) (string, error) {
	alg = strings.ToUpper(alg)
	h, ok := NewChecksumHash(alg)
	if !ok {
		return "", fmt.Errorf("unknown checksum algorithm %q", alg)
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("composite checksum of no parts")
	}
	for i, p := range parts {
		raw, ok := decodeChecksum(alg, p)
		if !ok {
			return "", fmt.Errorf("part %d: %q is not a base64 %s checksum", i+1, p, alg)
		}
		h.Write(raw)
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(parts)), nil
}

// ChecksumPart is one part's checksum and size, for FullObjectChecksum.
type ChecksumPart struct {
	// Value is the part's base64 checksum.
	Value string
	// Size is the part's length in bytes.
	Size int64
}

// FullObjectChecksum combines CRC part checksums into the checksum of the
// whole object (FULL_OBJECT type), without reading the data again: the CRC
// of A‖B is CRC(A) shifted over len(B) zero bytes, XOR CRC(B). It supports
// CRC32, CRC32C and CRC64NVME, as S3 does; SHA checksums cannot be combined.
func FullObjectChecksum(alg string, parts []ChecksumPart) (string, error) {
	alg = strings.ToUpper(alg)
	var c crcCombiner
	switch alg {
	case CRC32:
		c = newCRCCombiner(32, uint64(crc32.IEEE))
	case CRC32C:
		c = newCRCCombiner(32, uint64(crc32.Castagnoli))
	case CRC64NVME:
		c = newCRCCombiner(64, crc64NVMEPoly)
	default:
		return "", fmt.Errorf("full-object checksums exist only for CRC32, CRC32C and CRC64NVME, not %q", alg)
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("full-object checksum of no parts")
	}
	var crc uint64
	for i, p := range parts {
		raw, ok := decodeChecksum(alg, p.Value)
		if !ok {
			return "", fmt.Errorf("part %d: %q is not a base64 %s checksum", i+1, p.Value, alg)
		}
		if p.Size < 0 {
			return "", fmt.Errorf("part %d: negative size", i+1)
		}
		var v uint64
		for _, b := range raw {
			v = v<<8 | uint64(b)
		}
		if i == 0 {
			crc = v
			continue
		}
		crc = c.combine(crc, v, p.Size)
	}
	out := make([]byte, c.width/8)
	for i := range out {
		out[len(out)-1-i] = byte(crc >> (8 * i))
	}
	return base64.StdEncoding.EncodeToString(out), nil
}

// crcCombiner does arithmetic on reflected CRC registers modulo the CRC
// polynomial, the way zlib's crc32_combine does, for widths 32 and 64.
type crcCombiner struct {
	width int
	poly  uint64 // reflected polynomial
	one   uint64 // x^0 in reflected form: the top bit
	// x2n[k] is x^(2^k) mod poly.
	x2n [64]uint64
}

func newCRCCombiner(width int, reflectedPoly uint64) crcCombiner {
	c := crcCombiner{width: width, poly: reflectedPoly, one: 1 << (width - 1)}
	p := c.one >> 1 // x^1
	c.x2n[0] = p
	for k := 1; k < len(c.x2n); k++ {
		p = c.mul(p, p)
		c.x2n[k] = p
	}
	return c
}

// mul is a·b mod poly on reflected polynomials.
func (c crcCombiner) mul(a, b uint64) uint64 {
	var p uint64
	for m := c.one; m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
		}
		if b&1 != 0 {
			b = b>>1 ^ c.poly
		} else {
			b >>= 1
		}
	}
	return p
}

// xPow8n is x^(8n) mod poly: the shift over n zero bytes.
func (c crcCombiner) xPow8n(n int64) uint64 {
	p := c.one
	k := 3 // 2^3 bits per byte
	for u := uint64(n); u != 0; u >>= 1 {
		if u&1 != 0 {
			p = c.mul(c.x2n[k&63], p)
		}
		k++
	}
	return p
}

// combine returns the CRC of A‖B from CRC(A), CRC(B) and len(B).
func (c crcCombiner) combine(crcA, crcB uint64, lenB int64) uint64 {
	return c.mul(c.xPow8n(lenB), crcA) ^ crcB
}
