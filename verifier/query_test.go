package verifier

import (
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

// S3 treats ';' as an ordinary character and keeps what it cannot decode;
// Go's url.ParseQuery drops both, which would let routing disagree with
// the signature.
func TestParseQuery_SemicolonAndBadEscapes_AreOrdinaryCharacters(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want url.Values
	}{
		{"empty", "", url.Values{}},
		{"bare sub-resource", "acl", url.Values{"acl": {""}}},
		{"semicolon in name", "acl;", url.Values{"acl;": {""}}},
		{"semicolon in value", "uploadId=a;b&partNumber=1", url.Values{"uploadId": {"a;b"}, "partNumber": {"1"}}},
		{"semicolon is not a separator", "a=1;b=2", url.Values{"a": {"1;b=2"}}},
		{"bad escape kept literally", "prefix=%zz&x=%4", url.Values{"prefix": {"%zz"}, "x": {"%4"}}},
		{"plus is a space, %2B a plus", "k=a+b%2Bc", url.Values{"k": {"a b+c"}}},
		{"empty pieces skipped", "&&a=1&&", url.Values{"a": {"1"}}},
		{"repeated names keep order", "a=2&a=1", url.Values{"a": {"2", "1"}}},
		{"a repeat does not overwrite the next name", "a=1&b=2&a=3&c=4&a=5", url.Values{"a": {"1", "3", "5"}, "b": {"2"}, "c": {"4"}}},
		{"only the first = splits", "a==b=", url.Values{"a": {"=b="}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ParseQuery(tc.raw))
		})
	}
}

func TestRequestQuery_ReadsTheQueryAsSentOnTheWire(t *testing.T) {
	r := httptest.NewRequest("GET", "http://localhost/b/k?tagging=;&x=%zz", nil)
	assert.Equal(t, url.Values{"tagging": {";"}, "x": {"%zz"}}, RequestQuery(r))
	// What Go's parser makes of the same query: both pairs silently gone.
	assert.Empty(t, r.URL.Query())
}
