package verifier

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
)

func TestCanonicalURI_DecodesOnceAndReencodesLikeS3(t *testing.T) {
	cases := map[string]string{
		"":                  "/",
		"/":                 "/",
		"/%2Fbucket/key":    "//bucket/key", // spec §3, validated
		"/bucket/a%20b":     "/bucket/a%20b",
		"/bucket/a+b":       "/bucket/a%2Bb", // '+' in a path is a plus
		"/bucket/%c3%a9":    "/bucket/%C3%A9",
		"/bucket/é":         "/bucket/%C3%A9",
		"/bucket/!*'()":     "/bucket/%21%2A%27%28%29",
		"/bucket/~-_.":      "/bucket/~-_.",
		"/bucket/./a/../b":  "/bucket/./a/../b", // S3 does not normalise dot segments
		"/bucket//x//":      "/bucket//x//",
		"/bucket/100%":      "/bucket/100%25", // malformed escape kept literally
		"/bucket/%zz":       "/bucket/%25zz",
		"/bucket/a%3Db%26c": "/bucket/a%3Db%26c",
	}
	for in, want := range cases {
		assert.Equal(t, want, CanonicalURI(in), in)
	}
}

func TestCanonicalQuery_SortsByEncodedNameThenValue(t *testing.T) {
	cases := map[string]string{
		"b=2&a=2&a=1":            "a=1&a=2&b=2",
		"acl":                    "acl=",
		"acl=&uploads":           "acl=&uploads=",
		"prefix=a+b&x=%7E%2a":    "prefix=a%20b&x=~%2A",
		"a%20b=1&a-b=2&A=3":      "A=3&a%20b=1&a-b=2",
		"k=%2F%2Fslash&e=%C3%A9": "e=%C3%A9&k=%2F%2Fslash",
		"X-Amz-Signature=zz&z=1": "z=1",
		"&&a=1&&":                "a=1",
		"response-content-type=text%2Fplain%3B%20charset%3Dutf-8": "response-content-type=text%2Fplain%3B%20charset%3Dutf-8",
	}
	for in, want := range cases {
		assert.Equal(t, want, canonicalQuery(parseRawQuery(in), qSignature), in)
	}
}

func TestCanonicalHeaderValue_TrimsFoldsSpacesAndJoinsRepeats(t *testing.T) {
	assert.Equal(t, "a b c", canonicalHeaderValue([]string{"  a   b \t c  "}))
	assert.Equal(t, "x,y z", canonicalHeaderValue([]string{" x ", "y   z"}))
	assert.Equal(t, "", canonicalHeaderValue([]string{"   "}))
}

func TestHeaderValues_FindsWhatGoMovedOutOfHeader(t *testing.T) {
	r := httptest.NewRequest("PUT", "http://example.com:8080/b/k", nil)
	r.ContentLength = 42
	r.TransferEncoding = []string{"chunked"}
	r.Header["x-lower"] = []string{"set directly"}
	for name, want := range map[string]string{
		"host": "example.com:8080", "content-length": "42", "transfer-encoding": "chunked", "x-lower": "set directly",
	} {
		vs, ok := headerValues(r, name)
		require.True(t, ok, name)
		assert.Equal(t, []string{want}, vs, name)
	}
	_, ok := headerValues(r, "content-type")
	assert.False(t, ok)
}

func TestRawTarget_UsesTheRequestLineAsSent(t *testing.T) {
	r := httptest.NewRequest("GET", "/b/a%2Fb?x=%2B", nil)
	r.URL.Path = "/rewritten/by/a/router" // routers may change r.URL
	p, q := rawTarget(r)
	assert.Equal(t, "/b/a%2Fb", p)
	assert.Equal(t, "x=%2B", q)

	r.RequestURI = "http://proxy.example/b/k?y=1" // absolute-form request line
	p, q = rawTarget(r)
	assert.Equal(t, "/b/k", p)
	assert.Equal(t, "y=1", q)

	for _, tc := range []struct{ uri, path, query string }{
		{"/b?u=http://x/y", "/b", "u=http://x/y"}, // origin-form, "://" in the query
		{"/b/http://x", "/b/http://x", ""},
		{"http://proxy.example", "/", ""},
		{"http://proxy.example?q=1", "", "q=1"},
	} {
		r.RequestURI = tc.uri
		p, q = rawTarget(r)
		assert.Equal(t, tc.path, p, tc.uri)
		assert.Equal(t, tc.query, q, tc.uri)
	}

	c, _ := http.NewRequest("GET", "http://h/b/a%20b?z=2", nil) // client side: no RequestURI
	p, q = rawTarget(c)
	assert.Equal(t, "/b/a%20b", p)
	assert.Equal(t, "z=2", q)
}

// Repeated headers are joined with ',' and inner spaces folded, as the
// SDK signs them.
func TestSigV4Header_RepeatedAndSpacedHeaders_AreAuthentic(t *testing.T) {
	c := clientRequest(t, "PUT", objectURL, "", nil)
	c.Header.Add("X-Amz-Meta-Tag", "one")
	c.Header.Add("X-Amz-Meta-Tag", "  two   words ")
	c.Header.Set("X-Amz-Content-Sha256", unsignedPayload)
	require.NoError(t, s3test.Signer().SignHTTP(context.Background(), awsCreds(keyMain), c, unsignedPayload, "s3", testRegion, signTime))
	v, _ := newTestVerifier(t, testRegion)
	ex := v.Explain(serverRequest(t, c, ""))
	require.NoError(t, ex.Err)
	assert.Contains(t, ex.CanonicalRequest, "\nx-amz-meta-tag:one,two words\n")
}
