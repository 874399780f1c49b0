package verifier

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The allocation-free paths of canonical.go and sigv4.go must build byte
// for byte what the plain definitions build. The references below are
// those definitions, written the obvious way.

func referenceParseQuery(raw string) []queryParam {
	var ps []queryParam
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		rn, rv, eq := strings.Cut(part, "=")
		ps = append(ps, queryParam{name: percentDecode(rn, true), value: percentDecode(rv, true), rawName: rn, rawValue: rv, hasEq: eq})
	}
	return ps
}

func referenceCanonicalQuery(ps []queryParam, skip string) string {
	var pairs []string
	for _, p := range ps {
		if skip != "" && p.name == skip {
			continue
		}
		pairs = append(pairs, uriEncode(p.name, false)+"\x00"+uriEncode(p.value, false))
	}
	slices.Sort(pairs)
	for i, p := range pairs {
		pairs[i] = strings.Replace(p, "\x00", "=", 1)
	}
	return strings.Join(pairs, "&")
}

func referenceCanonicalURI(raw string) string {
	if raw == "" {
		return "/"
	}
	return uriEncode(percentDecode(raw, false), true)
}

var canonicalSamples = []string{
	"", "a", "a=b", "&&a=b&&", "a=b=c", "+", "a+b=c+d", "%", "%2", "%2F", "%2f", "%zz", "a%2Fb", "a%20b",
	"%41", "%7E", "%7e", "~", "%E2%82%AC", "%e2%82%ac", "\u20ac", "a b", "x-id=GetObject&X-Amz-Credential=AKID%2F20260221%2Fus-east-1%2Fs3%2Faws4_request",
	"response-content-type=text%2Fplain&prefix=a%2Bb+c", "/bucket/key%20with%20spaces.txt", "//a/./../b", "/%2Fbucket", "/a%25b", "/a%2", "/%",
	"uploadId=a;b", "k=%00%FF", "=&=&=", "a=%2B%2b%2C",
}

func TestParseRawQuery_SameAsPlainDecoding(t *testing.T) {
	for _, raw := range canonicalSamples {
		got := parseRawQuery(raw)
		want := referenceParseQuery(raw)
		require.Equal(t, len(want), len(got), raw)
		for i := range want {
			assert.Equal(t, want[i], got[i], raw)
		}
	}
}

func TestCanonicalQuery_SameAsPlainEncoding(t *testing.T) {
	for _, raw := range canonicalSamples {
		ps := parseRawQuery(raw)
		assert.Equal(t, referenceCanonicalQuery(ps, qSignature), canonicalQuery(ps, qSignature), raw)
	}
	// Diagnosis variants set decoded values that do not match the wire form.
	ps := parseRawQuery("a=b%2Fc&d=e+f")
	ps[0].value, ps[1].value = "x/y", "e+f"
	assert.Equal(t, "a=x%2Fy&d=e%2Bf", canonicalQuery(ps, ""))
}

func TestCanonicalURI_SameAsDecodeThenEncode(t *testing.T) {
	for _, raw := range canonicalSamples {
		assert.Equal(t, referenceCanonicalURI(raw), CanonicalURI(raw), raw)
	}
}

func TestSplitSignedHeaders_SameAsStringsSplit(t *testing.T) {
	for _, list := range []string{"", ";", "a;", ";a", "a;;b", "Host; X-Amz-Date ", "host;x-amz-date;x-amz-content-sha256"} {
		var want []string
		if list != "" {
			for _, n := range strings.Split(list, ";") {
				want = append(want, strings.ToLower(strings.TrimSpace(n)))
			}
		}
		assert.Equal(t, want, splitSignedHeaders(list), list)
	}
}

func TestParseV4Credential_ExactlyFiveNonEmptyParts(t *testing.T) {
	for _, tc := range []struct {
		in    string
		ok    bool
		scope string
	}{
		{"AKID/20260221/us-east-1/s3/aws4_request", true, "20260221/us-east-1/s3/aws4_request"},
		{"AKID/20260221/us-east-1/s3/aws4_request/", false, ""},
		{"AKID/20260221/us-east-1/s3", false, ""},
		{"AKID//us-east-1/s3/aws4_request", false, ""},
		{"/20260221/us-east-1/s3/aws4_request", false, ""},
		{"AKID/20260221/us-east-1/s3/", false, ""},
		{"AKID/2026022x/us-east-1/s3/aws4_request", false, ""},
	} {
		c, ok := parseV4Credential(tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
		if ok {
			assert.Equal(t, tc.scope, c.scope(), tc.in)
			assert.Equal(t, c.day+"/"+c.region+"/"+c.service+"/"+c.terminal, c.scope(), tc.in)
		}
	}
}

func TestLookupLowerHeader_SameAsCanonicalHeaderKey(t *testing.T) {
	h := http.Header{}
	for _, name := range []string{"X-Amz-Date", "Content-Md5", "X-Amz-Meta-A1", "Weird_name", "X-Amz-Meta-Ünï", "", "A--B", "1a-2b", "X-Amz-Date-"} {
		h[name] = []string{name}
	}
	for _, name := range []string{"x-amz-date", "content-md5", "x-amz-meta-a1", "weird_name", "x-amz-meta-ünï", "missing", "-", strings.Repeat("a", 100), "", "a--b", "1a-2b", "x-amz-date-", "X-amz-date", "x-amz-date "} {
		want, wantOK := h[http.CanonicalHeaderKey(name)]
		got, ok := lookupLowerHeader(h, name)
		assert.Equal(t, wantOK, ok, name)
		assert.Equal(t, want, got, name)
	}
}

func TestUnsignedAmzHeaders_CaseOfNamesDoesNotMatter(t *testing.T) {
	r := &http.Request{Header: http.Header{
		"X-Amz-Date": {"d"}, "x-amz-meta-a": {"a"}, "X-Amz-Content-Sha256": {"UNSIGNED-PAYLOAD"}, "X-AMZ-META-B": {"b"},
	}}
	assert.Equal(t, []string{"host", "x-amz-meta-b"}, unsignedAmzHeaders(r, []string{"x-amz-date", "x-amz-meta-a"}))
	assert.Empty(t, unsignedAmzHeaders(r, []string{"host", "x-amz-date", "x-amz-meta-a", "x-amz-meta-b"}))
	// Unicode folding is not ASCII lowering: "ſ" is not "s" for S3.
	assert.Equal(t, []string{"x-amz-meta-s"}, unsignedAmzHeaders(&http.Request{Header: http.Header{"X-Amz-Meta-S": {"v"}}}, []string{"host", "x-amz-meta-ſ"}))
}

func TestSignature_SameAsSign(t *testing.T) {
	key := deriveSigningKey("secret", "20260221", "us-east-1", "s3")
	long := strings.Repeat("v", 2*stackCanonicalRequest)
	for _, q := range []v4Request{
		{method: "GET", uri: "/", signedList: "host", signed: []string{"host"}, values: []string{"localhost"}, payload: unsignedPayload, amzDate: "20260221T103000Z", scope: "20260221/us-east-1/s3/aws4_request"},
		{method: "PUT", uri: "/b/" + long, query: parseRawQuery("z=1&a=%2F&a=0"), signedList: "host;x-amz-meta-a", signed: []string{"host", "x-amz-meta-a"},
			values: []string{"localhost", long}, payload: emptySHA256, amzDate: "20260221T103000Z", scope: "20260221/us-east-1/s3/aws4_request"},
	} {
		_, _, want := q.sign(key)
		mac := newHMACKey(key)
		got := q.signature(&mac)
		assert.Equal(t, want, hex.EncodeToString(got[:]))
		assert.True(t, signatureIs(got, want))
		assert.False(t, signatureIs(got, want[:63]))
		assert.False(t, signatureIs(got, want+"0"))
		for i := range want {
			// Any one character changed, or upper-cased, fails.
			for _, c := range []byte{'0', 'f', 'F', 'g'} {
				if c != want[i] {
					assert.False(t, signatureIs(got, want[:i]+string(c)+want[i+1:]), "character %d", i)
				}
			}
		}
	}
}

func FuzzFastCanonicalForms(f *testing.F) {
	for _, s := range canonicalSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, want := parseRawQuery(raw), referenceParseQuery(raw)
		if len(got) != len(want) {
			t.Fatalf("%q: %d params, want %d", raw, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%q: param %d is %+v, want %+v", raw, i, got[i], want[i])
			}
		}
		if g, w := canonicalQuery(got, qSignature), referenceCanonicalQuery(want, qSignature); g != w {
			t.Fatalf("%q: canonical query %q, want %q", raw, g, w)
		}
		if g, w := CanonicalURI(raw), referenceCanonicalURI(raw); g != w {
			t.Fatalf("%q: canonical URI %q, want %q", raw, g, w)
		}
	})
}

func FuzzParseAmzDate_SameAsTimeParse(f *testing.F) {
	for _, s := range []string{"20260221T103000Z", "20240229T235959Z", "20230229T000000Z", "19000229T000000Z", "20000229T000000Z",
		"20261301T000000Z", "20260231T000000Z", "20260221T246000Z", "20260221T106000Z", "20260221T103060Z", "+0260221T103000Z",
		"00000101T000000Z", "2026022xT103000Z", "20260221 103000Z", "20260221T103000z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseAmzDate(s)
		want, err := time.Parse(amzDateLayout, s)
		wantOK := err == nil && len(s) == len(amzDateLayout)
		if ok != wantOK || ok && !got.Equal(want.UTC()) {
			t.Fatalf("%q: got %v %v, time.Parse %v %v", s, got, ok, want, err)
		}
	})
}

func TestAppendRawQuery_GrowsPastItsBufferAndKeepsWhatWasThere(t *testing.T) {
	var buf [2]queryParam
	dst := append(buf[:0], queryParam{name: "kept"})
	raw := "a=1&b=%2F&c+d=e+f&g"
	got := appendRawQuery(dst, raw)
	require.Len(t, got, 5)
	assert.Equal(t, "kept", got[0].name)
	assert.Equal(t, referenceParseQuery(raw), got[1:])
	assert.Empty(t, appendRawQuery(nil, ""))
}

func TestAuthenticate_PresignedURLWithManyParameters(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	extra := strings.Repeat("&p=%2F", 2*stackQueryParamsParsed)
	u, h := presignedURL(t, keyMain, testRegion, "GET", "http://localhost:9000/bucket/key?x=1"+extra, time.Hour, nil)
	_, err := v.Authenticate(presignedRequest(t, "GET", u, h))
	require.NoError(t, err)
	_, err = v.Authenticate(presignedRequest(t, "GET", u+"&added=1", h))
	require.Error(t, err, "a parameter added after signing still fails")
}

// hasEscapes reads eight bytes at a time: an escape byte in any position
// of a word or of the tail is found, and bytes that differ from '%' or '+'
// by one bit, or have the high bit set, are not taken for one.
func TestHasEscapes_FindsEveryPositionAndOnlyEscapes(t *testing.T) {
	for n := 0; n <= 20; n++ {
		for _, filler := range []byte{'a', '%' ^ 1, '+' ^ 1, '%' | 0x80, '+' | 0x80, 0xff, 0x00, '&', '='} {
			plain := strings.Repeat(string([]byte{filler}), n)
			assert.False(t, hasEscapes(plain), "%q", plain)
			for i := 0; i < n; i++ {
				for _, esc := range []byte{'%', '+'} {
					s := []byte(plain)
					s[i] = esc
					assert.True(t, hasEscapes(string(s)), "%q", s)
				}
			}
		}
	}
}

// Past the parameters whose escapes appendRawQuery remembers, it decides
// again for each one, and decodes them all.
func TestAppendRawQuery_DecodesPastTheRememberedParameters(t *testing.T) {
	var parts []string
	for i := range 2*escapeFlagParams + 3 {
		switch i % 3 {
		case 0:
			parts = append(parts, fmt.Sprintf("n%d=%%2F%d", i, i))
		case 1:
			parts = append(parts, fmt.Sprintf("n+%d=plain", i))
		default:
			parts = append(parts, fmt.Sprintf("n%d", i))
		}
	}
	raw := strings.Join(parts, "&")
	assert.Equal(t, referenceParseQuery(raw), parseRawQuery(raw))
}

// isCanonicalEncodingOf(raw, decoded) is raw == uriEncode(decoded, false),
// for pairs that belong together and pairs that do not (diagnosis variants
// rewrite decoded values).
func TestIsCanonicalEncodingOf_IsEqualityWithTheEncoding(t *testing.T) {
	raws := []string{"", "a", "a%2Fb", "a%2fb", "a/b", "%2", "%", "%2F", "%41", "%20", "a+b", "a%20b", "%E2%82%AC", "%e2%82%ac", "~", "%7E", "a%2Fb%2"}
	decodeds := []string{"", "a", "a/b", "ab", "/", " ", "A", "\u20ac", "~", "a b", "a%2Fb", "%", "a/b/"}
	for _, raw := range raws {
		for _, decoded := range append(decodeds, percentDecode(raw, true)) {
			assert.Equal(t, raw == uriEncode(decoded, false), isCanonicalEncodingOf(raw, decoded), "raw %q, decoded %q", raw, decoded)
		}
	}
}

// Queries already in canonical order are written as they come; any pair
// out of order, by name or by value, sends the whole query to the sort.
// Both give the reference canonical query.
func TestAppendCanonicalQuery_SortedAndUnsortedAlike(t *testing.T) {
	for _, raw := range []string{
		"", "a=1", "a=1&b=2&c=3", "c=3&b=2&a=1", "a=1&c=3&b=2", "a=2&a=1", "a=1&a=2", "a=1&a=1",
		"X-Amz-Signature=s&a=1&b=2", "a=1&X-Amz-Signature=s&b=2", "b=2&X-Amz-Signature=s&a=1",
		"a%2Fb=1&a=2", "a+b=1&a%20b=0", "~=1&A=2", "X-Amz-Date=d&X-Amz-Credential=c",
		"a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13&n=0",
		"n=0&m=13&l=12&k=11&j=10&i=9&h=8&g=7&f=6&e=5&d=4&c=3&b=2&a=1",
	} {
		ps := parseRawQuery(raw)
		want := referenceCanonicalQuery(ps, qSignature)
		assert.Equal(t, want, string(appendCanonicalQuery(nil, ps, qSignature)), raw)
		prefix := []byte("GET\n/\n")
		assert.Equal(t, "GET\n/\n"+want, string(appendCanonicalQuery(prefix, ps, qSignature)), raw)
		_, sorted := appendSortedCanonicalQuery(nil, ps, qSignature)
		assert.Equal(t, sortedPairs(ps, qSignature), sorted, raw)
	}
}

func sortedPairs(ps []queryParam, skip string) bool {
	var pairs []encodedPair
	for _, p := range ps {
		if p.name != skip {
			pairs = append(pairs, encodedPair{uriEncode(p.name, false), uriEncode(p.value, false)})
		}
	}
	return slices.IsSortedFunc(pairs, compareEncodedPairs)
}

// Queries with up to stackDecodedQuery escaped bytes in their first
// escapeFlagParams parameters are decoded on the stack, others through a
// Builder; both give the reference parse, malformed escapes and escapes at
// either end of a component included.
func TestAppendRawQuery_DecodesOnTheStackAndPastIt(t *testing.T) {
	for _, size := range []int{1, stackDecodedQuery - 1, stackDecodedQuery, stackDecodedQuery + 1, 4 * stackDecodedQuery} {
		for _, edge := range []string{"%2F", "+", "%", "%2", "%zz", "%E2%82%AC"} {
			fill := strings.Repeat("a", max(0, size-len(edge)))
			for _, c := range []string{edge + fill, fill + edge, fill[:len(fill)/2] + edge + fill[len(fill)/2:]} {
				raw := "x=1&" + c + "&y=" + c + "&z"
				assert.Equal(t, referenceParseQuery(raw), parseRawQuery(raw), "%d bytes, %q", len(c), edge)
			}
		}
	}
	for _, n := range []int{escapeFlagParams - 1, escapeFlagParams, escapeFlagParams + 1} {
		var parts []string
		for i := range n {
			parts = append(parts, fmt.Sprintf("k%%2F%d=v+%d", i, i))
		}
		raw := strings.Join(parts, "&")
		assert.Equal(t, referenceParseQuery(raw), parseRawQuery(raw), "%d parameters", n)
		dst := append([]queryParam(nil), queryParam{name: "kept"})
		got := appendRawQuery(dst, raw)
		assert.Equal(t, "kept", got[0].name)
		assert.Equal(t, referenceParseQuery(raw), got[1:], "%d parameters after one kept", n)
	}
}
