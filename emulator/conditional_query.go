package emulator

import (
	"strings"

	"github.com/stricts3/stricts3/verifier"
)

// queryConditions are the conditional headers a pre-signed URL may carry
// in its query string. S3 judges them there as it would the headers (a
// signed If-None-Match=* on an existing key is 412, recorded from S3);
// the verifier hoists only x-amz-* parameters, so these are hoisted here.
var queryConditions = []string{"If-Match", "If-None-Match"}

// applyQueryConditions makes If-Match / If-None-Match query parameters of a
// pre-signed URL act as request headers, unless the header itself is
// present. Names match case-insensitively, as header names do. Only
// pre-signed requests qualify: nothing shows S3 reading such a parameter
// on a header-signed request, so there it stays an ordinary parameter.
func (c *call) applyQueryConditions() {
	if c.auth == nil || (c.auth.Identity.Auth != verifier.AuthSigV4Query && c.auth.Identity.Auth != verifier.AuthSigV2Query) {
		return
	}
	for name, vals := range c.query {
		for _, h := range queryConditions {
			if strings.EqualFold(name, h) && len(vals) > 0 && c.r.Header.Get(h) == "" {
				c.setQueryHeader(h, append([]string(nil), vals...))
			}
		}
	}
}
