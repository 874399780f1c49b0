package verifier

import (
	"math/bits"
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

// hexUpper is the digits of S3's %XX escapes.
const hexUpper = "0123456789ABCDEF"

func unreserved(c byte) bool { return unreservedBytes[c] }

// unreservedBytes is the RFC 3986 unreserved set as a table: every byte of
// every query and path is looked up in it, and one load beats seven
// comparisons. It is never written after initialisation.
var unreservedBytes = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~'
	}
	return t
}()

// percentDecode undoes %XX escapes. Malformed escapes are kept literally
// rather than rejected: S3 signs what it can read, and a wrong byte then
// shows up as a signature mismatch with a readable canonical request.
// plusIsSpace applies the form-encoding rule used in query strings.
func percentDecode(s string, plusIsSpace bool) string {
	if !hasEscapes(s) {
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
	if isCanonicalEncoding(rawPath, true) {
		// What SDKs send: decoding and re-encoding would give it back.
		return rawPath
	}
	return uriEncode(percentDecode(rawPath, false), true)
}

// isCanonicalEncoding reports whether raw is already what uriEncode makes of
// its percent-decoding: every byte unreserved (or '/', when keepSlash), or
// an upper-case %XX escape of a byte uriEncode would escape. For such a raw
// string, decoding and re-encoding is the identity, so it can be used as is.
// A '+' is never canonical, so the form-decoding rule cannot matter.
func isCanonicalEncoding(raw string, keepSlash bool) bool {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if unreserved(c) || (keepSlash && c == '/') {
			continue
		}
		if _, ok := canonicalEscapeAt(raw, i, keepSlash); !ok {
			return false
		}
		i += 2
	}
	return true
}

// canonicalEscapeAt decodes the escape at raw[i] when it is one uriEncode
// writes: "%XX" in upper case, of a byte that is not unreserved (nor '/',
// when keepSlash).
func canonicalEscapeAt(raw string, i int, keepSlash bool) (byte, bool) {
	if raw[i] != '%' || i+2 >= len(raw) || !isUpperHex(raw[i+1]) || !isUpperHex(raw[i+2]) {
		return 0, false
	}
	d := unhex(raw[i+1])<<4 | unhex(raw[i+2])
	return d, !unreserved(d) && !(keepSlash && d == '/')
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

// canonicalComponent is uriEncode(decoded, false) for a query name or value
// whose wire form is raw. Signers send the canonical form, which is then
// returned without an allocation; the check that raw decodes to decoded
// guards against a raw form that does not belong to it (diagnosis variants
// rewrite decoded values).
func canonicalComponent(raw, decoded string) string {
	if raw == decoded {
		// What most names and values are, nothing to decode: raw is then
		// canonical exactly when every byte is unreserved, as any escape
		// would have decoded to something shorter. One table load a byte.
		if allUnreserved(raw) {
			return raw
		}
	} else if isCanonicalEncodingOf(raw, decoded) {
		return raw
	}
	return uriEncode(decoded, false)
}

func allUnreserved(s string) bool {
	for i := 0; i < len(s); i++ {
		if !unreservedBytes[s[i]] {
			return false
		}
	}
	return true
}

// isCanonicalEncodingOf reports whether raw is isCanonicalEncoding(raw,
// false) and percent-decodes to decoded, that is whether raw is
// uriEncode(decoded, false): it encodes decoded as it walks it, comparing
// instead of writing.
func isCanonicalEncodingOf(raw, decoded string) bool {
	i := 0
	for j := 0; j < len(decoded); j++ {
		d := decoded[j]
		if unreservedBytes[d] {
			if i >= len(raw) || raw[i] != d {
				return false
			}
			i++
			continue
		}
		if len(raw)-i < 3 || raw[i] != '%' || raw[i+1] != hexUpper[d>>4] || raw[i+2] != hexUpper[d&0xf] {
			return false
		}
		i += 3
	}
	return i == len(raw)
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
//
// Every request is parsed, so a name or value with nothing to decode is
// the wire string itself and the others share one buffer: a query costs
// two allocations however many parameters it has.
func parseRawQuery(raw string) []queryParam {
	return appendRawQuery(nil, raw)
}

// stackQueryParamsParsed is how many parameters Authenticate parses into a
// stack array; a pre-signed URL has about ten.
const stackQueryParamsParsed = 16

// appendRawQuery appends parseRawQuery(raw) to dst, growing it only when
// it is too small.
//
// It scans each name and value once for escapes while splitting, and
// remembers the answer for the first escapeFlagParams parameters, so that
// decoding visits only the components that need it.
func appendRawQuery(dst []queryParam, raw string) []queryParam {
	if raw == "" {
		return dst
	}
	ps := dst
	if n := strings.Count(raw, "&") + 1; cap(ps)-len(ps) < n {
		ps = make([]queryParam, len(dst), len(dst)+n)
		copy(ps, dst)
	}
	// Bit 2k is set when the name of the k-th parameter appended needs
	// decoding, bit 2k+1 when its value does.
	var escaped uint64
	size := 0 // decoding never lengthens: the escaped parts' length is enough
	for rest := raw; rest != ""; {
		part := rest
		rest = ""
		if i := strings.IndexByte(part, '&'); i >= 0 {
			part, rest = part[:i], part[i+1:]
		}
		if part == "" {
			continue
		}
		p := queryParam{name: part, rawName: part}
		if i := strings.IndexByte(part, '='); i >= 0 {
			p = queryParam{name: part[:i], value: part[i+1:], rawName: part[:i], rawValue: part[i+1:], hasEq: true}
		}
		k := uint(len(ps) - len(dst))
		if hasEscapes(p.rawName) {
			size += len(p.rawName)
			escaped |= 1 << (2 * k) // 0 from the 33rd parameter on: Go shifts out
		}
		if hasEscapes(p.rawValue) {
			size += len(p.rawValue)
			escaped |= 1 << (2*k + 1)
		}
		ps = append(ps, p)
	}
	if size == 0 {
		return ps
	}
	if size <= stackDecodedQuery && len(ps)-len(dst) <= escapeFlagParams {
		decodeFlagged(ps[len(dst):], escaped)
		return ps
	}
	var b strings.Builder
	b.Grow(size)
	for i := len(dst); i < len(ps); i++ {
		k := uint(i - len(dst))
		p := &ps[i]
		if k < escapeFlagParams && escaped>>(2*k)&1 != 0 || k >= escapeFlagParams && hasEscapes(p.rawName) {
			p.name = appendDecoded(&b, p.rawName)
		}
		if k < escapeFlagParams && escaped>>(2*k+1)&1 != 0 || k >= escapeFlagParams && hasEscapes(p.rawValue) {
			p.value = appendDecoded(&b, p.rawValue)
		}
	}
	return ps
}

// escapeFlagParams is how many parameters appendRawQuery remembers the
// escapes of: two bits each in a uint64.
const escapeFlagParams = 32

// stackDecodedQuery is how many escaped bytes a query may have for
// decodeFlagged; a pre-signed URL's credential is about 60. Past it (a
// session token is about a thousand), a Builder collects the decoded bytes.
const stackDecodedQuery = 256

// decodeFlagged percent-decodes the names and values escaped marks (bit
// 2k: ps[k].name, bit 2k+1: ps[k].value), whose raw forms hold at most
// stackDecodedQuery bytes. They are decoded into the stack and become one
// string: a single allocation, and no Builder write (each a write barrier
// while the collector runs) per run between escapes.
func decodeFlagged(ps []queryParam, escaped uint64) {
	var buf [stackDecodedQuery]byte
	var ends [2 * escapeFlagParams]uint16
	n := 0
	for m, j := escaped, 0; m != 0; m, j = m&(m-1), j+1 {
		bit := bits.TrailingZeros64(m)
		raw := ps[bit/2].rawName
		if bit%2 == 1 {
			raw = ps[bit/2].rawValue
		}
		n = decodeInto(buf[:], n, raw)
		ends[j] = uint16(n)
	}
	all := string(buf[:n])
	from := 0
	for m, j := escaped, 0; m != 0; m, j = m&(m-1), j+1 {
		bit := bits.TrailingZeros64(m)
		decoded := all[from:ends[j]]
		from = int(ends[j])
		if bit%2 == 0 {
			ps[bit/2].name = decoded
		} else {
			ps[bit/2].value = decoded
		}
	}
}

// decodeInto writes percentDecode(s, true) to dst from n on, and returns
// the length written up to. dst has room for len(s) more bytes.
func decodeInto(dst []byte, n int, s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			c = ' '
		case c == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]):
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
		}
		dst[n] = c
		n++
	}
	return n
}

// appendDecoded writes percentDecode(s, true) to b and returns it.
func appendDecoded(b *strings.Builder, s string) string {
	from := b.Len()
	writeDecoded(b, s)
	// Later writes only append, so this string never changes.
	return b.String()[from:]
}

// hasEscapes reports whether percentDecode(s, true) could differ from s.
// Every name and value of every query is asked: a word at a time.
func hasEscapes(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if x := word(s, i); hasByte(x, '%') || hasByte(x, '+') {
			return true
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == '%' || c == '+' {
			return true
		}
	}
	return false
}

// writeDecoded writes percentDecode(s, true) to b.
func writeDecoded(b *strings.Builder, s string) {
	plain := 0 // start of the bytes not yet written
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' && c != '+' {
			continue
		}
		b.WriteString(s[plain:i])
		switch {
		case c == '+':
			b.WriteByte(' ')
		case i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte('%') // a malformed escape is kept
		}
		plain = i + 1
	}
	b.WriteString(s[plain:])
}

// canonicalQuery encodes every parameter except the one named skip, sorts
// by encoded name then encoded value, and joins them with '&'.
func canonicalQuery(ps []queryParam, skip string) string {
	return string(appendCanonicalQuery(nil, ps, skip))
}

// encodedPair is one canonical query parameter.
type encodedPair struct{ k, v string }

func compareEncodedPairs(a, b encodedPair) int {
	if c := strings.Compare(a.k, b.k); c != 0 {
		return c
	}
	return strings.Compare(a.v, b.v)
}

// sortEncodedPairs sorts pairs as compareEncodedPairs orders them. A
// pre-signed URL has about ten, mostly in order already: an insertion sort
// with the comparison inlined beats slices.SortFunc's calls for so few.
func sortEncodedPairs(pairs []encodedPair) {
	if len(pairs) > insertionSortedPairs {
		slices.SortFunc(pairs, compareEncodedPairs)
		return
	}
	for i := 1; i < len(pairs); i++ {
		for j := i; j > 0; j-- {
			a, b := &pairs[j-1], &pairs[j]
			if a.k < b.k || a.k == b.k && a.v <= b.v {
				break
			}
			*a, *b = *b, *a
		}
	}
}

// insertionSortedPairs is how many pairs sortEncodedPairs sorts itself;
// slices.SortFunc switches to an insertion sort below 12 too.
const insertionSortedPairs = 12

// stackQueryParams is how many parameters appendCanonicalQuery sorts
// without a heap allocation; a pre-signed URL has about ten.
const stackQueryParams = 24

// appendCanonicalQuery appends canonicalQuery(ps, skip) to dst.
func appendCanonicalQuery(dst []byte, ps []queryParam, skip string) []byte {
	if out, ok := appendSortedCanonicalQuery(dst, ps, skip); ok {
		return out
	}
	var stack [stackQueryParams]encodedPair
	pairs := stack[:0]
	if len(ps) > len(stack) {
		pairs = make([]encodedPair, 0, len(ps))
	}
	for i := range ps {
		p := &ps[i]
		if skip != "" && p.name == skip {
			continue
		}
		pairs = append(pairs, encodedPair{canonicalComponent(p.rawName, p.name), canonicalComponent(p.rawValue, p.value)})
	}
	sortEncodedPairs(pairs)
	for i, p := range pairs {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, p.k...)
		dst = append(dst, '=')
		dst = append(dst, p.v...)
	}
	return dst
}

// appendSortedCanonicalQuery is appendCanonicalQuery for parameters whose
// encoded pairs are already in order, as signers send them: it writes each
// pair as it goes, without collecting and sorting them. ok is false, and
// dst's contents past its length undefined, once a pair is out of order.
func appendSortedCanonicalQuery(dst []byte, ps []queryParam, skip string) (out []byte, ok bool) {
	var prev encodedPair
	first := true
	for i := range ps {
		p := &ps[i]
		if skip != "" && p.name == skip {
			continue
		}
		e := encodedPair{canonicalComponent(p.rawName, p.name), canonicalComponent(p.rawValue, p.value)}
		if !first {
			if compareEncodedPairs(prev, e) > 0 {
				return dst, false
			}
			dst = append(dst, '&')
		}
		dst = append(dst, e.k...)
		dst = append(dst, '=')
		dst = append(dst, e.v...)
		prev, first = e, false
	}
	return dst, true
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

// needsFolding reports whether s holds "  " or a tab, CR or LF, the runs
// trimAll folds. Every signed header value is asked, so words holding no
// byte up to ' ' (most values: digests, dates, hosts) are passed over
// whole, and only the others are read byte by byte.
func needsFolding(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if hasByteBelow(word(s, i), ' '+1) && foldsIn(s, i, i+8) {
			return true
		}
	}
	return foldsIn(s, i, len(s))
}

// foldsIn is needsFolding for the bytes of s from from to to; a space at
// to-1 is compared with the byte after it.
func foldsIn(s string, from, to int) bool {
	for i := from; i < to; i++ {
		switch s[i] {
		case '\t', '\r', '\n':
			return true
		case ' ':
			if i+1 < len(s) && s[i+1] == ' ' {
				return true
			}
		}
	}
	return false
}

func trimAll(s string) string {
	s = strings.TrimSpace(s)
	if !needsFolding(s) {
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
		if h, ok := requestHost(r); ok {
			return []string{h}, true
		}
		return nil, false
	case "transfer-encoding":
		if len(r.TransferEncoding) > 0 {
			return []string{strings.Join(r.TransferEncoding, ",")}, true
		}
	}
	if vs, ok := lookupLowerHeader(r.Header, name); ok {
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

func requestHost(r *http.Request) (string, bool) {
	if r.Host != "" {
		return r.Host, true
	}
	if r.URL != nil && r.URL.Host != "" {
		return r.URL.Host, true
	}
	return "", false
}

// signedHeaderValue is canonicalHeaderValue of headerValues(r, name),
// without the slice headerValues builds for Host.
func signedHeaderValue(r *http.Request, name string) (string, bool) {
	if name == "host" {
		h, ok := requestHost(r)
		return trimAll(h), ok
	}
	vs, ok := headerValues(r, name)
	if !ok {
		return "", false
	}
	return canonicalHeaderValue(vs), true
}

// maxStackHeaderName bounds the header names lookupLowerHeader
// canonicalises on the stack.
const maxStackHeaderName = 64

// lookupLowerHeader is h[http.CanonicalHeaderKey(name)] without allocating
// the canonical key for the usual names (lower-case letters, digits, '-').
func lookupLowerHeader(h http.Header, name string) ([]string, bool) {
	var buf [maxStackHeaderName]byte
	if name == "" || len(name) > len(buf) {
		vs, ok := h[http.CanonicalHeaderKey(name)]
		return vs, ok
	}
	key := buf[:len(name)]
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z':
			if upper {
				c -= 'a' - 'A'
			}
		case '0' <= c && c <= '9' || c == '-':
		default: // not a usual name: canonicalize it as net/http does
			vs, ok := h[http.CanonicalHeaderKey(name)]
			return vs, ok
		}
		key[i] = c
		upper = c == '-'
	}
	vs, ok := h[string(key)] // the compiler does not allocate this string
	return vs, ok
}

// rawTarget returns the path and query of r as they were sent: from
// RequestURI on the server side (so routers that rewrite r.URL do not
// change what is verified), from r.URL otherwise.
func rawTarget(r *http.Request) (path, query string) {
	if u := r.RequestURI; u != "" && u != "*" {
		// Only a target not starting with '/' is searched for "://":
		// origin-form targets, nearly all, are not read twice.
		if u[0] != '/' {
			if i := strings.Index(u, "://"); i >= 0 {
				// absolute-form: skip scheme and authority
				rest := u[i+3:]
				if j := strings.IndexAny(rest, "/?"); j >= 0 {
					u = rest[j:]
				} else {
					u = "/"
				}
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
