package emulator

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAnyKeyIn_FindsAKeyOfTheSetWhateverItsValue(t *testing.T) {
	set := map[string]struct{}{"acl": {}, "tagging": {}, "versioning": {}}
	tests := []struct {
		name  string
		query url.Values
		want  bool
	}{
		{"no query", nil, false},
		{"other keys only", url.Values{"x-id": {"GetObject"}, "prefix": {"acl"}}, false},
		{"a key of the set without value", url.Values{"acl": {""}}, true},
		{"a key of the set among others", url.Values{"x-id": {"PutObject"}, "tagging": {"1"}}, true},
		{"case differs: no match, as S3", url.Values{"ACL": {""}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, anyKeyIn(tt.query, set))
		})
	}
}
