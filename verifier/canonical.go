package verifier

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// This file builds the pieces of a SigV4 canonical request the way S3
// builds them from what arrived on the wire.

// uriEncode is S3's encoding: RFC 3986 unreserved characters are kept,
// every other byte becomes %XX in upper case (a space is %20, never +).
// keepSlash keeps '/' literal, as in the canonical URI.
func uriEncode(s string, keepSlash bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && !(keepSlash && s[i] == '/') {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexUpper = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (keepSlash && c == '/') {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexUpper[c>>4], hexUpper[c&0xf])
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// percentDecode undoes %XX escapes. Malformed escapes are kept literally
// rather than rejected: S3 signs what it can read, and a wrong byte then
// shows up as a signature mismatch with a readable canonical request.
// plusIsSpace applies the form-encoding rule used in query strings.
func percentDecode(s string, plusIsSpace bool) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		case c == '+' && plusIsSpace:
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// CanonicalURI returns the canonical URI S3 computes for a request path as
// sent on the wire (still percent-encoded): the path is decoded once and
// re-encoded with uriEncode, '/' kept. Nothing else is normalised: "//",
// "." and ".." segments stay, so "/%2Fbucket/key" becomes "//bucket/key".
// An empty path is "/".
func CanonicalURI(rawPath string) string {
	if rawPath == "" {
		return "/"
	}
	return uriEncode(percentDecode(rawPath, false), true)
}

// queryParam is one query parameter, decoded, with its wire form kept for
// diagnostics.
type queryParam struct {
	name, value       string
	rawName, rawValue string
	hasEq             bool // "name=" rather than "name"
}

// parseRawQuery splits a raw query string the way S3 reads it: on '&',
// then on the first '='; empty pieces are skipped; names and values are
// percent-decoded with '+' as a space. It never fails.
func parseRawQuery(raw string) []queryParam {
	if raw == "" {
		return nil
	}
	ps := make([]queryParam, 0, strings.Count(raw, "&")+1)
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		rn, rv, eq := strings.Cut(part, "=")
		ps = append(ps, queryParam{
			name: percentDecode(rn, true), value: percentDecode(rv, true),
			rawName: rn, rawValue: rv, hasEq: eq,
		})
	}
	return ps
}

// canonicalQuery encodes every parameter except the one named skip, sorts
// by encoded name then encoded value, and joins them with '&'.
func canonicalQuery(ps []queryParam, skip string) string {
	type pair struct{ k, v string }
	pairs := make([]pair, 0, len(ps))
	for _, p := range ps {
		if skip != "" && p.name == skip {
			continue
		}
		pairs = append(pairs, pair{uriEncode(p.name, false), uriEncode(p.value, false)})
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	n := len(pairs)
	for _, p := range pairs {
		n += len(p.k) + len(p.v) + 1
	}
	var b strings.Builder
	b.Grow(n)
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// canonicalHeaderValue trims a header value and folds runs of spaces into
// one; repeated headers are joined with ','.
func canonicalHeaderValue(values []string) string {
	if len(values) == 1 {
		return trimAll(values[0])
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = trimAll(v)
	}
	return strings.Join(out, ",")
}

func trimAll(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "  ") && !strings.ContainsAny(s, "\t\r\n") {
		return s
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteByte(c)
	}
	return b.String()
}

// headerValues returns the values of the lower-case header name as the
// server received them. Go moves some headers out of r.Header: Host into
// r.Host, Content-Length into r.ContentLength for client-built requests,
// Transfer-Encoding into r.TransferEncoding.
func headerValues(r *http.Request, name string) ([]string, bool) {
	switch name {
	case "host":
		if r.Host != "" {
			return []string{r.Host}, true
		}
		if r.URL != nil && r.URL.Host != "" {
			return []string{r.URL.Host}, true
		}
		return nil, false
	case "transfer-encoding":
		if len(r.TransferEncoding) > 0 {
			return []string{strings.Join(r.TransferEncoding, ",")}, true
		}
	}
	if vs, ok := r.Header[http.CanonicalHeaderKey(name)]; ok {
		return vs, true
	}
	if vs, ok := r.Header[name]; ok { // set directly, not canonicalised
		return vs, true
	}
	if name == "content-length" && r.ContentLength > 0 {
		return []string{strconv.FormatInt(r.ContentLength, 10)}, true
	}
	return nil, false
}

// rawTarget returns the path and query of r as they were sent: from
// RequestURI on the server side (so routers that rewrite r.URL do not
// change what is verified), from r.URL otherwise.
func rawTarget(r *http.Request) (path, query string) {
	if u := r.RequestURI; u != "" && u != "*" {
		if i := strings.Index(u, "://"); i >= 0 && !strings.HasPrefix(u, "/") {
			// absolute-form: skip scheme and authority
			rest := u[i+3:]
			if j := strings.IndexAny(rest, "/?"); j >= 0 {
				u = rest[j:]
			} else {
				u = "/"
			}
		}
		path, query, _ = strings.Cut(u, "?")
		return path, query
	}
	if r.URL == nil {
		return "/", ""
	}
	return r.URL.EscapedPath(), r.URL.RawQuery
}
