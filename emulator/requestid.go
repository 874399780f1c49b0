package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"sync/atomic"
)

// requestIDs hands out S3-looking request ids: 16 upper-case hex digits made
// of a random per-server prefix and a counter, so ids are unique within a
// server and two servers in one process do not collide.
type requestIDs struct {
	prefix uint32
	n      atomic.Uint32
}

func newRequestIDs() *requestIDs {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &requestIDs{prefix: binary.BigEndian.Uint32(b[:])}
}

// hostIDSalt starts the input of every host id.
const hostIDSalt = "stricts3-host/"

// next returns a request id and the matching x-amz-id-2 host id. Both are
// built in stack buffers: every request pays for them.
func (g *requestIDs) next() (requestID, hostID string) {
	var id [len(hostIDSalt) + 16]byte
	copy(id[:], hostIDSalt)
	hexUpper32(id[len(hostIDSalt):], g.prefix)
	hexUpper32(id[len(hostIDSalt)+8:], g.n.Add(1))
	// S3's host id is an opaque base64 token; deriving it from the request id
	// keeps the pair stable for log correlation.
	sum := sha256.Sum256(id[:])
	// Both ids come out of one string: one allocation, not two.
	var both [16 + 44]byte // 44: base64 of 32 bytes
	copy(both[:16], id[len(hostIDSalt):])
	base64.StdEncoding.Encode(both[16:], sum[:])
	s := string(both[:])
	return s[:16], s[16:]
}

// hexUpper32 writes v as 8 upper-case hex digits, as %08X does.
func hexUpper32(dst []byte, v uint32) {
	const digits = "0123456789ABCDEF"
	for i := 7; i >= 0; i-- {
		dst[i] = digits[v&0xf]
		v >>= 4
	}
}
