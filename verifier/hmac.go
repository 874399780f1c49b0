package verifier

import (
	"crypto/sha256"
	"encoding/hex"
)

// HMAC-SHA256 (RFC 2104) written over sha256.Sum256, so that a request's
// signature costs no heap allocation: crypto/hmac allocates two hash states
// per use, which was a third of the verifier's allocations. The result is
// pinned against crypto/hmac in hmac_test.go.

const sha256BlockSize = 64

// hmacStackData is how much data hmacSum hashes without a heap buffer; a
// SigV4 string to sign is about 130 bytes.
const hmacStackData = 256

// hmacSum returns HMAC-SHA256(key, data).
func hmacSum(key, data []byte) [sha256.Size]byte {
	var k [sha256BlockSize]byte
	if len(key) > sha256BlockSize {
		s := sha256.Sum256(key)
		copy(k[:], s[:])
	} else {
		copy(k[:], key)
	}
	var stack [sha256BlockSize + hmacStackData]byte
	inner := stack[:0]
	if len(data) > hmacStackData {
		inner = make([]byte, 0, sha256BlockSize+len(data))
	}
	for _, b := range k {
		inner = append(inner, b^0x36)
	}
	innerSum := sha256.Sum256(append(inner, data...))
	var outer [sha256BlockSize + sha256.Size]byte
	for i, b := range k {
		outer[i] = b ^ 0x5c
	}
	copy(outer[sha256BlockSize:], innerSum[:])
	return sha256.Sum256(outer[:])
}

func hmacSHA256(key []byte, data string) []byte {
	s := hmacSum(key, []byte(data))
	return s[:]
}

func sha256Hex(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// deriveSigningKey is SigV4's key chain: the secret, then the day
// (YYYYMMDD), region, service and the literal "aws4_request".
func deriveSigningKey(secret, day, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), day)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}
