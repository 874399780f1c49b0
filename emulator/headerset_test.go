package emulator

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/verifier"
)

func TestHeaderSet_SetsLikeHeaderSet(t *testing.T) {
	tests := []struct {
		name  string
		room  int
		pairs [][2]string
	}{
		{"within room", 4, [][2]string{{"ETag", `"abc"`}, {"content-type", "text/plain"}, {"Accept-Ranges", "bytes"}}},
		{"past room falls back", 1, [][2]string{{"Last-Modified", "Fri, 04 Dec 2026 16:00:00 GMT"}, {"x-amz-foo", "bar"}}},
		{"same header twice keeps the last", 3, [][2]string{{"Cache-Control", "no-cache"}, {"cache-control", "max-age=1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := http.Header{}, http.Header{}
			hs := newHeaderSet(got, tt.room)
			for _, p := range tt.pairs {
				hs.set(p[0], p[1])
				want.Set(p[0], p[1])
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestHeaderSet_AddToOneHeaderLeavesTheNextIntact(t *testing.T) {
	h := http.Header{}
	hs := newHeaderSet(h, 2)
	hs.set("Etag", "one")
	hs.set("Content-Type", "two")
	h.Add("Etag", "three")
	assert.Equal(t, []string{"one", "three"}, h["Etag"])
	assert.Equal(t, []string{"two"}, h["Content-Type"])
}

func TestHeaderSet_SetIfSkipsEmptyValues(t *testing.T) {
	h := http.Header{}
	hs := newHeaderSet(h, 2)
	hs.setIf("Expires", "")
	hs.setIf("Content-Language", "de")
	assert.Equal(t, http.Header{"Content-Language": {"de"}}, h)
}

// checksumHeaderName answers the known algorithms from a table; it must
// name the same header as building the name does, for every algorithm the
// verifier accepts.
func TestChecksumHeaderName_MatchesTheBuiltName(t *testing.T) {
	algs := verifier.ChecksumAlgorithms()
	require.NotEmpty(t, algs)
	for _, alg := range append(algs, "XXH3") {
		assert.Equal(t, http.CanonicalHeaderKey("x-amz-checksum-"+strings.ToLower(alg)), checksumHeaderName(alg), alg)
	}
}
