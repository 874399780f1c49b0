package verifier

import (
	"crypto/sha256"
	"encoding"
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
	k := blockKey(key)
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

// blockKey is key as HMAC uses it: hashed when longer than a block, then
// zero-padded to a block.
func blockKey(key []byte) [sha256BlockSize]byte {
	var k [sha256BlockSize]byte
	if len(key) > sha256BlockSize {
		s := sha256.Sum256(key)
		copy(k[:], s[:])
	} else {
		copy(k[:], key)
	}
	return k
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

// hmacKey is an HMAC-SHA256 key prepared for many messages: the SHA-256
// states after absorbing key⊕ipad and key⊕opad, marshaled. A cached signing
// key signs every request of its day, and restoring a state costs less than
// hashing the 64-byte block it stands for, so each MAC hashes one block
// fewer in each of its two passes and skips the pad loops.
type hmacKey struct {
	raw []byte
	// inner and outer are nil when the hash cannot marshal its state; sum
	// then computes the MAC from raw.
	inner, outer []byte
}

func newHMACKey(key []byte) hmacKey {
	k := blockKey(key)
	var ipad, opad [sha256BlockSize]byte
	for i, b := range k {
		ipad[i], opad[i] = b^0x36, b^0x5c
	}
	inner, innerOK := padState(ipad[:])
	outer, outerOK := padState(opad[:])
	if !innerOK || !outerOK {
		return hmacKey{raw: key}
	}
	return hmacKey{raw: key, inner: inner, outer: outer}
}

// padState is the marshaled SHA-256 state after hashing pad.
func padState(pad []byte) ([]byte, bool) {
	h := sha256.New()
	h.Write(pad)
	m, ok := h.(encoding.BinaryMarshaler)
	if !ok {
		return nil, false
	}
	state, err := m.MarshalBinary()
	return state, err == nil
}

// sum returns HMAC-SHA256(k.raw, data), without a heap allocation.
func (k *hmacKey) sum(data []byte) [sha256.Size]byte {
	h := sha256.New()
	u, ok := h.(encoding.BinaryUnmarshaler)
	if !ok || k.inner == nil || u.UnmarshalBinary(k.inner) != nil {
		return hmacSum(k.raw, data)
	}
	h.Write(data)
	var innerSum [sha256.Size]byte
	h.Sum(innerSum[:0])
	if u.UnmarshalBinary(k.outer) != nil {
		return hmacSum(k.raw, data)
	}
	h.Write(innerSum[:])
	var mac [sha256.Size]byte
	h.Sum(mac[:0])
	return mac
}
