package access

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything/at/all", true},
		{"a*", "a", true},
		{"a*b", "axxb", true},
		{"a*b", "axxbx", false},
		{"a*b*c", "abxbxc", true},
		{"a*b*c", "abxbx", false},
		{"**", "x", true},
		{"?", "", false},
		{"?", "é", true},
		{"??", "é", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*?", "", false},
		{"*.txt", "dir/file.txt", true},
		{"*.txt", "dir/file.txt.bak", false},
		{"abc", "ABC", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, wildcardMatch(tt.pattern, tt.s), "%q ~ %q", tt.pattern, tt.s)
	}
}

// A pattern of many stars against a long near-miss must not backtrack
// exponentially: a policy is evaluated on every request.
func TestWildcardMatch_ManyStarsStayLinearish(t *testing.T) {
	pattern := strings.Repeat("a*", 30) + "b"
	s := strings.Repeat("a", 10000)
	assert.False(t, wildcardMatch(pattern, s))
}
