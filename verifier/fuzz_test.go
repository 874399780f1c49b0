package verifier

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The parsers read attacker-controlled text; whatever arrives, they must
// answer with a value or an *s3err.Error, never a panic.

func FuzzParseV4Authorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260221/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=,Signature=")
	f.Add("AWS4-HMAC-SHA256 ,,,=,")
	f.Add("AWS AKID:sig")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseV4Authorization(h)
		if err != nil {
			if err.Status != 400 {
				t.Fatalf("status %d for %q", err.Status, h)
			}
			return
		}
		if strings.Count(a.cred.scope(), "/") != 3 || a.cred.accessKey == "" {
			t.Fatalf("accepted a bad credential %q", a.credential)
		}
		_ = splitSignedHeaders(a.signedHeaders)
	})
}

func FuzzPresignedQuery(f *testing.F) {
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260221%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260221T103000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=00")
	f.Add("X-Amz-Expires=-99999999999999999999999&X-Amz-Date=%zz")
	f.Add("AWSAccessKeyId=a&Expires=1&Signature=%2B+")
	f.Add("&&==&X-Amz-Algorithm")
	v, _ := newTestVerifier(f, testRegion)
	f.Fuzz(func(t *testing.T, rawQuery string) {
		ps := parseRawQuery(rawQuery)
		_, _ = parsePresigned(ps, testRegion)
		_ = canonicalQuery(ps, qSignature)
		r := &http.Request{Method: "GET", URL: &url.URL{Path: "/bucket/key", RawQuery: rawQuery}, Host: "localhost:9000", Header: http.Header{}}
		res, err := v.Authenticate(r)
		if err == nil && res == nil {
			t.Fatal("nil result without error")
		}
	})
}

func FuzzCanonicalURI(f *testing.F) {
	for _, s := range []string{"/", "", "/%2Fbucket/key", "/b/a%20b+c", "/b/%zz%4", "/b/é//x/../y", "/%E2%82%AC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c := CanonicalURI(raw)
		for i := 0; i < len(c); i++ {
			ch := c[i]
			switch {
			case unreserved(ch) || ch == '/':
			case ch == '%' && i+2 < len(c) && strings.ContainsRune("0123456789ABCDEF", rune(c[i+1])) && strings.ContainsRune("0123456789ABCDEF", rune(c[i+2])):
				i += 2
			default:
				t.Fatalf("CanonicalURI(%q) = %q has raw byte %q", raw, c, ch)
			}
		}
		if again := CanonicalURI(c); again != c && raw != "" {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, c, again)
		}
	})
}

func FuzzAuthenticateHeaders(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260221/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=00", "20260221T103000Z", "UNSIGNED-PAYLOAD")
	f.Add("AWS AKIAIOSFODNN7EXAMPLE:abc=", "Sat, 21 Feb 2026 10:30:00 GMT", "")
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260221/us-east-1/s3/aws4_request,SignedHeaders=,Signature=", "x", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
	v, _ := newTestVerifier(f, testRegion)
	f.Fuzz(func(t *testing.T, authz, date, sha string) {
		r := &http.Request{Method: "PUT", URL: &url.URL{Path: "/bucket/key"}, Host: "localhost:9000", Header: http.Header{
			"Authorization": {authz}, "X-Amz-Date": {date}, "X-Amz-Content-Sha256": {sha},
		}}
		res, err := v.Authenticate(r)
		if err == nil && res == nil {
			t.Fatal("nil result without error")
		}
		ex := v.Explain(r)
		if (ex.Err == nil) != (err == nil) {
			t.Fatalf("Explain and Authenticate disagree: %v vs %v", ex.Err, err)
		}
	})
}
