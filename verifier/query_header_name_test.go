package verifier

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// queryHeaderName must name the header that lower-casing and then
// canonicalizing names, for valid and invalid header names alike.
func TestQueryHeaderName_MatchesLowerThenCanonical(t *testing.T) {
	for _, name := range []string{
		"X-Amz-Checksum-Mode", "x-amz-checksum-mode", "X-AMZ-META-Foo", "x-amz-meta-a.b_c~d",
		"x-amz-meta-with space", "X-Amz-Meta-Ünicode", "x-amz-meta-colon:", "X-Amz-Meta-Q\"uote", "",
	} {
		want := http.CanonicalHeaderKey(strings.ToLower(name))
		assert.Equal(t, want, queryHeaderName(name), "%q", name)
	}
}
