package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
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

// next returns a request id and the matching x-amz-id-2 host id.
func (g *requestIDs) next() (requestID, hostID string) {
	requestID = fmt.Sprintf("%08X%08X", g.prefix, g.n.Add(1))
	// S3's host id is an opaque base64 token; deriving it from the request id
	// keeps the pair stable for log correlation.
	sum := sha256.Sum256([]byte("stricts3-host/" + requestID))
	return requestID, base64.StdEncoding.EncodeToString(sum[:])
}
