package emulator

import (
	"github.com/stricts3/stricts3/emulator/store"
)

// checksumHeaders adds the stored x-amz-checksum-* of info to a response:
// GET and HEAD (when the client sent x-amz-checksum-mode: ENABLED and the
// whole object is returned; whole is false for ranges and parts) and PUT.
// The payload work fills it in together with storing Body.Checksum() in
// store.ObjectMeta.Checksum; until then no checksum is echoed, which is
// also what keeps ranged GETs from failing SDK validation.
func (s *Server) checksumHeaders(c *call, info store.ObjectInfo, whole bool) {}
