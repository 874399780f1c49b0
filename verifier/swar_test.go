package verifier

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHasByteAndHasByteBelow_EveryBytePosition(t *testing.T) {
	for pos := 0; pos < 8; pos++ {
		for _, b := range []byte{0x00, '\t', ' ', '!', '%', '+', 'B', 0x7f, 0x80, 0xa5, 0xff} {
			w := []byte("AAAAAAAA")
			w[pos] = b
			x := word(string(w), 0)
			assert.True(t, hasByte(x, b), "byte %#x at %d", b, pos)
			assert.Equal(t, b == 'B', hasByte(x, 'B'), "byte %#x at %d", b, pos)
			// The other bytes ('A') are not below any n tried.
			for _, n := range []byte{1, ' ', ' ' + 1, 'A'} {
				assert.Equal(t, b < n, hasByteBelow(x, n), "byte %#x at %d below %#x", b, pos, n)
			}
		}
	}
	assert.False(t, hasByte(word("ABCDEFGH", 0), 'I'))
	// Bytes with the high bit set are never below n.
	assert.False(t, hasByteBelow(word("\xff\x80\xa0\xc0\xff\x80\xa1\xc0", 0), ' '+1))
	assert.True(t, hasByteBelow(word("\xff\x80\xa0\xc0\xff\x80\x20\xc0", 0), ' '+1))
	assert.Equal(t, uint64(0x4847464544434241), word("xABCDEFGH", 1))
}

// referenceNeedsFolding is needsFolding one byte at a time.
func referenceNeedsFolding(s string) bool {
	return strings.ContainsAny(s, "\t\r\n") || strings.Contains(s, "  ")
}

func TestNeedsFolding_SameAsByteByByte(t *testing.T) {
	for n := 0; n <= 20; n++ {
		for _, filler := range []byte{'a', '!', 0x1f, 0xa0, 0x89, 0x8a} {
			base := []byte(strings.Repeat(string([]byte{filler}), n))
			assert.Equal(t, referenceNeedsFolding(string(base)), needsFolding(string(base)), "%q", base)
			for i := 0; i < n; i++ {
				for _, c := range []string{"\t", "\r", "\n", " ", "  "} {
					s := append(append(append([]byte{}, base[:i]...), c...), base[i:]...)
					assert.Equal(t, referenceNeedsFolding(string(s)), needsFolding(string(s)), "%q", s)
				}
				// One space each side of a word boundary.
				s := append([]byte{}, base...)
				s[i] = ' '
				if i+1 < n {
					s[i+1] = ' '
				}
				assert.Equal(t, referenceNeedsFolding(string(s)), needsFolding(string(s)), "%q", s)
			}
		}
	}
}

func TestPayloadFor_HexDigestIsLowerCased(t *testing.T) {
	lower := strings.Repeat("0123456789abcdef", 4)
	for _, tc := range []struct {
		in   string
		ok   bool
		want string
	}{
		{lower, true, lower},
		{strings.ToUpper(lower), true, lower},
		{"A" + lower[1:], true, "a" + lower[1:]},
		{lower[:63] + "g", false, ""},
		{lower[:63] + "G", false, ""},
		{lower[:63], false, ""},
		{lower + "0", false, ""},
		{lower[:63] + "\xa0", false, ""},
	} {
		p, ok := payloadFor(tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
		if tc.ok {
			assert.Equal(t, PayloadSHA256, p.Mode)
			assert.Equal(t, tc.want, p.SHA256)
		}
	}
}

func TestFirstHeader_IsGetForCanonicalKeys(t *testing.T) {
	h := http.Header{"Authorization": {"a", "b"}, "X-Amz-Date": {}, "x-amz-date": {"lower"}}
	for _, k := range []string{"Authorization", "X-Amz-Date", "Date"} {
		assert.Equal(t, h.Get(k), firstHeader(h, k), k)
	}
}

func TestIsTrimmedLower_OnlyWhenLoweringAndTrimmingChangeNothing(t *testing.T) {
	for _, s := range []string{"", "host", "x-amz-date", "Host", "HOST", " host", "host ", "\thost", "host\v", "\fhost", "host\r", "ho st",
		"x-amz-meta-\u00e9", "\u00a0host", "host\u0085", "a;b", "x-amz-meta-ſ", "\x00host"} {
		want := strings.ToLower(strings.TrimSpace(s)) == s
		got := isTrimmedLower(s)
		if got {
			assert.True(t, want, "%q", s)
		}
		if want && isASCIIString(s) {
			assert.True(t, got, "%q", s)
		}
	}
	assert.Equal(t, []string{"content-type", "host", "x-amz-date", "", "x-amz-meta-\u00e9"},
		splitSignedHeaders("content-type; HOST ;X-Amz-Date;;x-amz-meta-\u00c9"))
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
