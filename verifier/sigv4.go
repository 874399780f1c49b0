package verifier

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stricts3/stricts3/internal/s3err"
)

// This file holds what SigV4 header and query authentication share: the
// credential scope, the canonical request, the string to sign and the
// signature.

const (
	sigV4Algorithm  = "AWS4-HMAC-SHA256"
	sigV4aAlgorithm = "AWS4-ECDSA-P256-SHA256"
	unsignedPayload = "UNSIGNED-PAYLOAD"
	scopeTerminal   = "aws4_request"
	serviceS3       = "s3"
)

// v4Credential is "<AKID>/<YYYYMMDD>/<region>/<service>/aws4_request".
type v4Credential struct {
	accessKey, day, region, service, terminal string
	// scopeText is the credential after "<AKID>/", which is the scope.
	scopeText string
}

func (c v4Credential) scope() string {
	if c.scopeText != "" {
		return c.scopeText
	}
	return c.day + "/" + c.region + "/" + c.service + "/" + c.terminal
}

// parseV4Credential splits a credential into its five parts. It fails when
// there are not exactly five non-empty parts or the day is not YYYYMMDD.
func parseV4Credential(s string) (v4Credential, bool) {
	var parts [5]string
	rest := s
	for i := range len(parts) - 1 {
		p, r, ok := strings.Cut(rest, "/")
		if !ok || p == "" {
			return v4Credential{}, false
		}
		parts[i], rest = p, r
	}
	if rest == "" || strings.Contains(rest, "/") {
		return v4Credential{}, false
	}
	parts[4] = rest
	if len(parts[1]) != 8 || !allDigits(parts[1]) {
		return v4Credential{}, false
	}
	return v4Credential{
		accessKey: parts[0], day: parts[1], region: parts[2], service: parts[3], terminal: parts[4],
		scopeText: s[len(parts[0])+1:],
	}, true
}

// sameDay reports whether a credential's day is the day of the request's
// SigV4 timestamp amzDate, which parsed as t. Comparing the first eight
// bytes answers without formatting t for every request; formatting decides
// only when they differ.
func sameDay(day, amzDate string, t time.Time) bool {
	return len(amzDate) >= len(dayLayout) && day == amzDate[:len(dayLayout)] || day == t.Format(dayLayout)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// v4Request is a SigV4 request reduced to what its signature covers. The
// diagnosis code copies it and changes one field at a time.
type v4Request struct {
	method string
	uri    string // canonical URI
	query  []queryParam
	// skipQuery is the parameter left out of the canonical query
	// (X-Amz-Signature for pre-signed URLs).
	skipQuery  string
	signedList string   // SignedHeaders exactly as sent
	signed     []string // lower-case names, in the order sent
	values     []string // canonical values, aligned with signed
	payload    string   // the canonical request's last line
	amzDate    string   // the timestamp line of the string to sign
	scope      string
}

// appendCanonical appends q's canonical request to dst.
func (q *v4Request) appendCanonical(dst []byte) []byte {
	dst = append(dst, q.method...)
	dst = append(dst, '\n')
	dst = append(dst, q.uri...)
	dst = append(dst, '\n')
	dst = appendCanonicalQuery(dst, q.query, q.skipQuery)
	dst = append(dst, '\n')
	for i, name := range q.signed {
		dst = append(dst, name...)
		dst = append(dst, ':')
		dst = append(dst, q.values[i]...)
		dst = append(dst, '\n')
	}
	dst = append(dst, '\n')
	dst = append(dst, q.signedList...)
	dst = append(dst, '\n')
	return append(dst, q.payload...)
}

func (q *v4Request) canonical() string {
	return string(q.appendCanonical(make([]byte, 0, 256)))
}

// appendStringToSign appends the string to sign of a canonical request
// whose SHA-256 is canonicalSum.
func (q *v4Request) appendStringToSign(dst []byte, canonicalSum [sha256.Size]byte) []byte {
	dst = append(dst, sigV4Algorithm+"\n"...)
	dst = append(dst, q.amzDate...)
	dst = append(dst, '\n')
	dst = append(dst, q.scope...)
	dst = append(dst, '\n')
	return hex.AppendEncode(dst, canonicalSum[:])
}

func (q *v4Request) stringToSign(canonical string) string {
	return string(q.appendStringToSign(nil, sha256.Sum256([]byte(canonical))))
}

// sign returns the canonical request, the string to sign and the hex
// signature of q under key: what an error body or an Explanation shows.
func (q *v4Request) sign(key []byte) (canonical, sts, sig string) {
	canonical = q.canonical()
	sts = q.stringToSign(canonical)
	return canonical, sts, hex.EncodeToString(hmacSHA256(key, sts))
}

// stackCanonicalRequest is how long a canonical request may be before
// signature needs the heap; an SDK's is 300 to 600 bytes.
const stackCanonicalRequest = 1024

// signature is the signature of q under key, as bytes (sign returns their
// hex), computed in stack buffers: this is the cost every authentic request
// pays.
func (q *v4Request) signature(key *hmacKey) [sha256.Size]byte {
	var buf [stackCanonicalRequest]byte
	sum := sha256.Sum256(q.appendCanonical(buf[:0]))
	return key.sum(q.appendStringToSign(buf[:0], sum))
}

// signatureEqual compares signatures in constant time.
func signatureEqual(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

// signatureIs reports, in constant time, whether provided is the
// lower-case hex of the signature computed (what sign returns): it encodes
// as it compares, with no copy of provided.
func signatureIs(computed [sha256.Size]byte, provided string) bool {
	const hexLower = "0123456789abcdef"
	if len(provided) != 2*len(computed) {
		return false
	}
	var diff byte
	for i, b := range computed {
		diff |= (provided[2*i] ^ hexLower[b>>4]) | (provided[2*i+1] ^ hexLower[b&0xf])
	}
	return diff == 0
}

// detached is a deep copy of q that may be kept (diagnosis variants are)
// while q's slices live in its caller's stack buffers. Every string is
// copied too: the compiler tracks a struct as a whole, so keeping any
// string of q would make it move q's buffers to the heap on every request,
// authentic ones included. Only failures pay for the copies.
func (q *v4Request) detached() *v4Request {
	d := &v4Request{
		method: strings.Clone(q.method), uri: strings.Clone(q.uri), skipQuery: strings.Clone(q.skipQuery),
		signedList: strings.Clone(q.signedList), payload: strings.Clone(q.payload),
		amzDate: strings.Clone(q.amzDate), scope: strings.Clone(q.scope),
		signed: cloneStrings(q.signed), values: cloneStrings(q.values),
		query: make([]queryParam, len(q.query)),
	}
	for i, p := range q.query {
		d.query[i] = queryParam{
			name: strings.Clone(p.name), value: strings.Clone(p.value),
			rawName: strings.Clone(p.rawName), rawValue: strings.Clone(p.rawValue), hasEq: p.hasEq,
		}
	}
	return d
}

func cloneStrings(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Clone(s)
	}
	return out
}

// mismatch is the SignatureDoesNotMatch answer for q, provided being the
// signature the request carried. It runs on the failure path only: the
// canonical request and string to sign are rebuilt as strings and the
// diagnosis tries its variants here.
func (v *Verifier) mismatch(r *http.Request, q *v4Request, key []byte, d v4Diag) *s3err.Error {
	d.q = *q.detached()
	canonical, sts, _ := d.q.sign(key)
	return signatureMismatch(d.scope.accessKey, sts, d.provided, canonical).
		WithCauses(v.diagnoseV4(d)...)
}

// stackSignedHeaders is how many signed headers authentication keeps on
// the stack; SDKs sign up to about ten.
const stackSignedHeaders = 16

// splitSignedHeaders turns "host;x-amz-date" into lower-case names.
func splitSignedHeaders(list string) []string {
	return appendSignedHeaders(nil, list)
}

// appendSignedHeaders appends splitSignedHeaders(list) to dst.
func appendSignedHeaders(dst []string, list string) []string {
	for list != "" {
		name, rest, more := list, "", false
		if i := strings.IndexByte(list, ';'); i >= 0 {
			name, rest, more = list[:i], list[i+1:], true
		}
		if !isTrimmedLower(name) {
			name = strings.ToLower(strings.TrimSpace(name))
		}
		dst = append(dst, name)
		if !more {
			// "a;" has an empty last name, as strings.Split says.
			break
		}
		if rest == "" {
			dst = append(dst, "")
		}
		list = rest
	}
	return dst
}

// isTrimmedLower reports whether strings.ToLower(strings.TrimSpace(s)) is
// s, in one pass, for what signers send: ASCII without upper case or
// surrounding white space. Anything else answers false, also when lowering
// would leave it alone.
func isTrimmedLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return s == "" || !isASCIISpace(s[0]) && !isASCIISpace(s[len(s)-1])
}

// isASCIISpace is the ASCII part of unicode.IsSpace, which strings.TrimSpace
// trims.
func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// appendSignedValues appends the canonical value of every signed header
// to dst. For pre-signed URLs, whose parameters are passed as query (nil
// for header auth), a signed x-amz-* value may ride in the query string
// instead of a header, as S3 allows.
func appendSignedValues(dst []string, r *http.Request, names []string, query []queryParam) []string {
	for _, n := range names {
		if v, ok := signedHeaderValue(r, n); ok {
			dst = append(dst, v)
			continue
		}
		var qv []string
		if query != nil && strings.HasPrefix(n, "x-amz-") {
			for i := range query {
				p := &query[i]
				if strings.EqualFold(p.name, n) {
					qv = append(qv, p.value)
				}
			}
		}
		if qv != nil {
			dst = append(dst, canonicalHeaderValue(qv))
		} else {
			dst = append(dst, "")
		}
	}
	return dst
}

// unsignedAmzHeaders lists, sorted and lower-case, the x-amz-* request
// headers not covered by the signature, plus host when it is not signed.
// x-amz-content-sha256 is exempt, as on S3.
func unsignedAmzHeaders(r *http.Request, signed []string) []string {
	var out []string
	for k := range r.Header {
		if !isAmzName(k) || isSignedName(k, signed) {
			continue
		}
		n := strings.ToLower(k)
		if n == "x-amz-content-sha256" || slices.Contains(signed, n) {
			continue
		}
		if !slices.Contains(out, n) { // r.Header may hold one name in two spellings
			out = append(out, n)
		}
	}
	if !slices.Contains(signed, "host") {
		out = append(out, "host")
	}
	slices.Sort(out)
	return out
}

// isSignedName reports whether the lower-case form of the header name k is
// "x-amz-content-sha256" or one of signed, without building that form. Only
// an ASCII name can be decided this way; any other is left to the caller.
func isSignedName(k string, signed []string) bool {
	for i := 0; i < len(k); i++ {
		if k[i] >= utf8.RuneSelf {
			return false
		}
	}
	if asciiLowerEqual(k, "x-amz-content-sha256") {
		return true
	}
	for _, n := range signed {
		if asciiLowerEqual(k, n) {
			return true
		}
	}
	return false
}

// asciiLowerEqual reports whether ASCII-lowering k gives lower.
func asciiLowerEqual(k, lower string) bool {
	if len(k) != len(lower) {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// isAmzName reports whether a header or parameter name starts with
// "x-amz-" in any case. Authentication asks it of every request header and
// parameter, so it compares bytes: c|0x20 is 'x' only for 'x' and 'X' (and
// so for a, m, z), and no other rune folds to those letters, which makes
// this strings.EqualFold of the prefix.
func isAmzName(name string) bool {
	return len(name) >= len("x-amz-") && name[0]|0x20 == 'x' && name[1] == '-' &&
		name[2]|0x20 == 'a' && name[3]|0x20 == 'm' && name[4]|0x20 == 'z' && name[5] == '-'
}

// payloadFor maps an x-amz-content-sha256 value to how Body must check the
// payload. ok is false for a value S3 rejects.
func payloadFor(v string) (Payload, bool) {
	switch v {
	case unsignedPayload:
		return Payload{Mode: PayloadUnsigned}, true
	case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD":
		return Payload{Mode: PayloadStreamingSigned}, true
	case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER":
		return Payload{Mode: PayloadStreamingSignedTrailer}, true
	case "STREAMING-UNSIGNED-PAYLOAD-TRAILER":
		return Payload{Mode: PayloadStreamingUnsignedTrailer}, true
	case "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER":
		return Payload{Mode: PayloadStreamingECDSA}, true
	}
	if len(v) == 64 {
		if hex, upper := hexDigits(v); hex {
			if upper {
				v = strings.ToLower(v)
			}
			return Payload{Mode: PayloadSHA256, SHA256: v}, true
		}
	}
	return Payload{}, false
}

// hexDigits reports whether s is all hex digits, and whether any is upper
// case: one pass, where isHex and strings.ToLower would read a digest twice.
func hexDigits(s string) (hex, upper bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9' || 'a' <= c && c <= 'f':
		case 'A' <= c && c <= 'F':
			upper = true
		default:
			return false, false
		}
	}
	return true, upper
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !ishex(s[i]) {
			return false
		}
	}
	return true
}

// signatureMismatch builds S3's SigV4 SignatureDoesNotMatch body.
func signatureMismatch(akid, sts, provided, canonical string) *s3err.Error {
	return s3err.New(s3err.SignatureDoesNotMatch).
		With("AWSAccessKeyId", akid).
		With("StringToSign", sts).
		With("SignatureProvided", provided).
		With("StringToSignBytes", s3err.HexBytes(sts)).
		With("CanonicalRequest", canonical).
		With("CanonicalRequestBytes", s3err.HexBytes(canonical))
}

// headersNotSigned is S3's answer to x-amz-* headers outside the signature.
func headersNotSigned(names []string) *s3err.Error {
	return s3err.Newf(s3err.AccessDenied, "There were headers present in the request which were not signed").
		With("HeadersNotSigned", strings.Join(names, ", ")).
		WithCauses(cause(CauseUnsignedAmzHeader, "headers sent but not signed: "+strings.Join(names, ", ")+" (sign them, or send them as query parameters of the pre-signed URL)",
			"headers", strings.Join(names, ", ")))
}

func invalidAccessKey(akid string) *s3err.Error {
	return s3err.New(s3err.InvalidAccessKeyID).With("AWSAccessKeyId", akid)
}

// lookupKey finds akid. A temporary key (one with a session token) used
// without any token is unknown to S3 as well.
func (v *Verifier) lookupKey(akid string, tokenSent bool) (Credential, *s3err.Error) {
	var c Credential
	ok := false
	if v.creds != nil && akid != "" {
		c, ok = v.creds.Lookup(akid)
	}
	if !ok {
		return Credential{}, invalidAccessKey(akid).WithCauses(v.unknownKeyCause(akid))
	}
	if c.SessionToken != "" && !tokenSent {
		return Credential{}, invalidAccessKey(akid).WithCauses(cause(CauseTokenMissing,
			fmt.Sprintf("access key %s is temporary and needs X-Amz-Security-Token", akid), "access_key", akid))
	}
	return c, nil
}

// checkToken runs after the signature (spec §2.7): a token that is not the
// key's is InvalidToken; the key's token from its Expires on is ExpiredToken.
func (v *Verifier) checkToken(c Credential, token string, sent bool) *s3err.Error {
	if !sent {
		return nil
	}
	if c.SessionToken == "" || !hmac.Equal([]byte(token), []byte(c.SessionToken)) {
		return s3err.New(s3err.InvalidToken).With("Token-0", token).WithCauses(cause(CauseTokenInvalid,
			fmt.Sprintf("the session token sent is not the one issued with access key %s", c.AccessKeyID), "access_key", c.AccessKeyID))
	}
	if !c.Expires.IsZero() && !v.clock.Now().Before(c.Expires) {
		return s3err.New(s3err.ExpiredToken).With("Token-0", token).WithCauses(cause(CauseTokenExpired,
			fmt.Sprintf("the session token expired at %s", isoSecond(c.Expires)), "access_key", c.AccessKeyID, "expired_at", isoSecond(c.Expires)))
	}
	return nil
}
