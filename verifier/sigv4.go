package verifier

import (
	"crypto/hmac"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"

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
}

func (c v4Credential) scope() string {
	return c.day + "/" + c.region + "/" + c.service + "/" + c.terminal
}

// parseV4Credential splits a credential into its five parts. It fails when
// there are not exactly five non-empty parts or the day is not YYYYMMDD.
func parseV4Credential(s string) (v4Credential, bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 5 {
		return v4Credential{}, false
	}
	for _, p := range parts {
		if p == "" {
			return v4Credential{}, false
		}
	}
	if len(parts[1]) != 8 || !allDigits(parts[1]) {
		return v4Credential{}, false
	}
	return v4Credential{parts[0], parts[1], parts[2], parts[3], parts[4]}, true
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

func (q *v4Request) canonical() string {
	var b strings.Builder
	b.Grow(256)
	b.WriteString(q.method)
	b.WriteByte('\n')
	b.WriteString(q.uri)
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(q.query, q.skipQuery))
	b.WriteByte('\n')
	for i, name := range q.signed {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(q.values[i])
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(q.signedList)
	b.WriteByte('\n')
	b.WriteString(q.payload)
	return b.String()
}

func (q *v4Request) stringToSign(canonical string) string {
	return sigV4Algorithm + "\n" + q.amzDate + "\n" + q.scope + "\n" + sha256Hex([]byte(canonical))
}

// sign returns the canonical request, the string to sign and the hex
// signature of q under key.
func (q *v4Request) sign(key []byte) (canonical, sts, sig string) {
	canonical = q.canonical()
	sts = q.stringToSign(canonical)
	return canonical, sts, hex.EncodeToString(hmacSHA256(key, sts))
}

// signatureEqual compares signatures in constant time.
func signatureEqual(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

// splitSignedHeaders turns "host;x-amz-date" into lower-case names.
func splitSignedHeaders(list string) []string {
	if list == "" {
		return nil
	}
	names := strings.Split(list, ";")
	for i, n := range names {
		names[i] = strings.ToLower(strings.TrimSpace(n))
	}
	return names
}

// signedValues collects the canonical value of every signed header. For
// pre-signed URLs, whose parameters are passed as query (nil for header
// auth), a signed x-amz-* value may ride in the query string instead of a
// header, as S3 allows.
func signedValues(r *http.Request, names []string, query []queryParam) []string {
	vals := make([]string, len(names))
	for i, n := range names {
		if vs, ok := headerValues(r, n); ok {
			vals[i] = canonicalHeaderValue(vs)
			continue
		}
		if query != nil && strings.HasPrefix(n, "x-amz-") {
			var qv []string
			for _, p := range query {
				if strings.EqualFold(p.name, n) {
					qv = append(qv, p.value)
				}
			}
			if qv != nil {
				vals[i] = canonicalHeaderValue(qv)
			}
		}
	}
	return vals
}

// unsignedAmzHeaders lists, sorted and lower-case, the x-amz-* request
// headers not covered by the signature, plus host when it is not signed.
// x-amz-content-sha256 is exempt, as on S3.
func unsignedAmzHeaders(r *http.Request, signed []string) []string {
	var out []string
	for k := range r.Header {
		if !isAmzName(k) {
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

// isAmzName reports whether a header or parameter name starts with
// "x-amz-" in any case. Authentication asks it of every request header, and
// it answers without the lower-cased copy a name only needs once it matches.
func isAmzName(name string) bool {
	const prefix = "x-amz-"
	return len(name) >= len(prefix) && strings.EqualFold(name[:len(prefix)], prefix)
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
	if len(v) == 64 && isHex(v) {
		return Payload{Mode: PayloadSHA256, SHA256: strings.ToLower(v)}, true
	}
	return Payload{}, false
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
