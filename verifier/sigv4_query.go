package verifier

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stricts3/stricts3/internal/s3err"
)

// The query parameters of a SigV4 pre-signed URL.
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qDate          = "X-Amz-Date"
	qExpires       = "X-Amz-Expires"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qSignature     = "X-Amz-Signature"
	qSecurityToken = "X-Amz-Security-Token"
	qContentSHA256 = "X-Amz-Content-Sha256"
)

// v4QueryAuthParams are the six parameters whose presence makes a request
// query-authenticated, in the order parsePresigned unpacks them.
var v4QueryAuthParams = [...]string{qAlgorithm, qCredential, qDate, qExpires, qSignedHeaders, qSignature}

// maxPresignExpires is S3's limit on X-Amz-Expires: one week, inclusive.
const maxPresignExpires = 604800

// presignedParams is what a pre-signed URL declares about itself.
type presignedParams struct {
	cred          v4Credential
	date          time.Time
	amzDate       string
	expires       time.Duration
	signedHeaders string
	signature     string
}

func queryParamsError(msg string) *s3err.Error {
	return s3err.Newf(s3err.AuthorizationQueryParametersError, "%s", msg)
}

// firstParam returns the first value of an exactly-named parameter.
func firstParam(ps []queryParam, name string) (string, bool) {
	for i := range ps {
		p := &ps[i]
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

// v4QueryAuthIndex is the index of name in v4QueryAuthParams, or -1. A
// switch, which the compiler turns into a search on length and content:
// every parameter of every request is asked.
func v4QueryAuthIndex(name string) int {
	switch name {
	case qAlgorithm:
		return 0
	case qCredential:
		return 1
	case qDate:
		return 2
	case qExpires:
		return 3
	case qSignedHeaders:
		return 4
	case qSignature:
		return 5
	}
	return -1
}

// hasV4QueryAuth reports whether any of the six SigV4 query parameters is
// present.
func hasV4QueryAuth(ps []queryParam) bool {
	for i := range ps {
		p := &ps[i]
		if v4QueryAuthIndex(p.name) >= 0 {
			return true
		}
	}
	return false
}

// parsePresigned checks presence and syntax of the pre-signed parameters
// (spec §2 steps 1–2); region is the server's.
func parsePresigned(ps []queryParam, region string) (presignedParams, *s3err.Error) {
	// The first value of each, in one pass over the parameters.
	var got [len(v4QueryAuthParams)]string
	var found uint
	for i := range ps {
		qp := &ps[i]
		if slot := v4QueryAuthIndex(qp.name); slot >= 0 && found&(1<<slot) == 0 {
			got[slot] = qp.value
			found |= 1 << slot
		}
	}
	if found != 1<<len(v4QueryAuthParams)-1 {
		return presignedParams{}, s3err.New(s3err.AuthorizationQueryParametersError)
	}
	// In v4QueryAuthParams order.
	alg, credential, date, expires, signedHeaders, signature := got[0], got[1], got[2], got[3], got[4], got[5]
	if alg != sigV4Algorithm {
		return presignedParams{}, queryParamsError(`X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`)
	}
	c, ok := parseV4Credential(credential)
	if !ok {
		return presignedParams{}, queryParamsError(`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`)
	}
	if err := checkScope(c, region, func(detail string) *s3err.Error {
		return queryParamsError("Error parsing the X-Amz-Credential parameter; " + detail)
	}); err != nil {
		return presignedParams{}, err
	}
	t, ok := parseAmzDate(date)
	if !ok {
		return presignedParams{}, queryParamsError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`)
	}
	if !sameDay(c.day, date, t) {
		return presignedParams{}, queryParamsError(`Invalid credential date "` + c.day + `". This date is not the same as X-Amz-Date: "` + t.Format(dayLayout) + `".`).
			WithCauses(cause(CauseQueryParamEdited, "X-Amz-Date is on another day than the credential scope: one of them was edited after signing",
				"param", qDate, "sent", date, "credential_day", c.day))
	}
	exp, err := parseExpires(expires)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && allDigits(strings.TrimPrefix(expires, "-")) {
			// A number too large for int64 is still a number.
			if strings.HasPrefix(expires, "-") {
				return presignedParams{}, queryParamsError("X-Amz-Expires must be non-negative")
			}
			return presignedParams{}, queryParamsError("X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds").
				WithCauses(expiresTooLong(expires))
		}
		return presignedParams{}, queryParamsError("X-Amz-Expires should be a number")
	}
	if exp < 0 {
		return presignedParams{}, queryParamsError("X-Amz-Expires must be non-negative")
	}
	if exp > maxPresignExpires {
		return presignedParams{}, queryParamsError("X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds").
			WithCauses(expiresTooLong(expires))
	}
	return presignedParams{
		cred: c, date: t, amzDate: date, expires: time.Duration(exp) * time.Second,
		signedHeaders: signedHeaders, signature: signature,
	}, nil
}

// parseExpires is strconv.ParseInt(s, 10, 64), answering plain digits (what
// signers send: "3600") without ParseInt's general path; anything else,
// signs included, goes to ParseInt for its value and error.
func parseExpires(s string) (int64, error) {
	if len(s) == 0 || len(s) > maxPlainExpiresDigits {
		return strconv.ParseInt(s, 10, 64)
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return strconv.ParseInt(s, 10, 64)
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}

// maxPlainExpiresDigits is how many digits parseExpires reads itself: 18
// cannot overflow an int64.
const maxPlainExpiresDigits = 18

// authV4Query verifies a SigV4 pre-signed URL in spec §2's order.
func (v *Verifier) authV4Query(r *http.Request, ps []queryParam, path string, tr *Explanation) (*Result, *s3err.Error) {
	tr.setAuth(AuthSigV4Query)
	p, err := parsePresigned(ps, v.region)
	if err != nil {
		return nil, err
	}
	tr.setKey(p.cred.accessKey, p.signature)
	token, tokenSent := firstParam(ps, qSecurityToken)
	if !tokenSent {
		token, tokenSent = headerToken(r)
	}
	cred, kerr := v.lookupKey(p.cred.accessKey, tokenSent)
	if kerr != nil {
		return nil, kerr
	}

	// Header names and values stay in stack buffers unless the signature
	// fails (see mismatch).
	var signedBuf, valueBuf [stackSignedHeaders]string
	signed := appendSignedHeaders(signedBuf[:0], p.signedHeaders)
	payloadLine := unsignedPayload
	for i := range ps {
		qp := &ps[i]
		// Signers differ in the case of this name; S3 matches it loosely.
		// Whatever folds to it is at least as long (no byte folds to a
		// longer ASCII text), which skips EqualFold for most names.
		if len(qp.name) >= len(qContentSHA256) && strings.EqualFold(qp.name, qContentSHA256) {
			payloadLine = qp.value
			break
		}
	}
	q := v4Request{
		method:     r.Method,
		uri:        CanonicalURI(path),
		query:      ps,
		skipQuery:  qSignature,
		signedList: p.signedHeaders,
		signed:     signed,
		values:     appendSignedValues(valueBuf[:0], r, signed, ps),
		payload:    payloadLine,
		amzDate:    p.amzDate,
		scope:      p.cred.scope(),
	}
	key := v.keys.get(cred.SecretAccessKey, p.cred.day, p.cred.region)
	if tr != nil {
		tr.setSigned(q.sign(key.raw))
	}

	now := v.clock.Now()
	expiresAt := p.date.Add(p.expires)
	// A URL dated in the future is refused once it is further ahead than
	// the header-auth skew allows (S3's tolerance is undocumented; spec §11).
	if p.date.Sub(now) > v.maxSkew {
		return nil, s3err.Newf(s3err.AccessDenied, "Request is not yet valid").
			With("X-Amz-Date", epochMillis(p.date)).
			With("Expires", isoSecond(expiresAt)).
			With("ServerTime", isoSecond(now)).
			WithCauses(cause(CauseNotYetValid, fmt.Sprintf("the URL is dated %s, %s ahead of the server clock", isoSecond(p.date), p.date.Sub(now).Round(time.Second)),
				"signed_at", isoSecond(p.date), "server_time", isoSecond(now)))
	}
	if now.After(expiresAt) {
		return nil, s3err.Newf(s3err.AccessDenied, "Request has expired").
			With("X-Amz-Expires", strconv.FormatInt(int64(p.expires/time.Second), 10)).
			With("Expires", isoSecond(expiresAt)).
			With("ServerTime", isoSecond(now)).
			WithCauses(expiredCause(expiresAt, now))
	}
	if missing := unsignedAmzHeaders(r, signed); len(missing) > 0 {
		return nil, headersNotSigned(missing)
	}
	if !signatureIs(q.signature(&key.mac), p.signature) {
		return nil, v.mismatch(r, &q, key.raw, v4Diag{r: r, cred: cred, scope: p.cred, provided: p.signature, presigned: true, tr: tr})
	}
	if err := v.checkToken(cred, token, tokenSent); err != nil {
		return nil, err
	}
	payload := Payload{Mode: PayloadUnsigned}
	if pl, ok := payloadFor(payloadLine); ok && pl.Mode == PayloadSHA256 {
		payload = pl
	} else if i := slices.Index(signed, "x-amz-content-sha256"); i >= 0 {
		if pl, ok := payloadFor(q.values[i]); ok && pl.Mode == PayloadSHA256 {
			payload = pl
		}
	}
	return &Result{
		Identity:     Identity{Auth: AuthSigV4Query, AccessKeyID: p.cred.accessKey, Credential: cred},
		Payload:      payload,
		QueryHeaders: queryHeaders(ps),
	}, nil
}

// isQueryAuthName reports whether strings.ToLower(name) is the name of a
// parameter that carries a pre-signed URL's authentication (the six of
// v4QueryAuthParams and X-Amz-Security-Token), without lowering name (every pre-signed URL has seven).
// Their lengths differ but for two, so the length picks what to compare,
// and the spelling signers send is compared first, as a whole.
func isQueryAuthName(name string) bool {
	switch len(name) {
	case len(qAlgorithm): // and X-Amz-Signature
		return name == qAlgorithm || name == qSignature ||
			asciiLowerEqual(name, "x-amz-algorithm") || asciiLowerEqual(name, "x-amz-signature")
	case len(qCredential):
		return name == qCredential || asciiLowerEqual(name, "x-amz-credential")
	case len(qDate):
		return name == qDate || asciiLowerEqual(name, "x-amz-date")
	case len(qExpires):
		return name == qExpires || asciiLowerEqual(name, "x-amz-expires")
	case len(qSignedHeaders):
		return name == qSignedHeaders || asciiLowerEqual(name, "x-amz-signedheaders")
	case len(qSecurityToken):
		return name == qSecurityToken || asciiLowerEqual(name, "x-amz-security-token")
	}
	return false
}

// queryHeaders collects the x-amz-* query parameters that are not part of
// the authentication itself; S3 applies them as request headers.
func queryHeaders(ps []queryParam) http.Header {
	var h http.Header
	for i := range ps {
		p := &ps[i]
		if !isAmzName(p.name) || isQueryAuthName(p.name) {
			continue
		}
		if h == nil {
			h = make(http.Header)
		}
		h.Add(queryHeaderName(p.name), p.value)
	}
	return h
}

// queryHeaderName is the header a query parameter acts as: its name
// canonicalized, or lower-cased when it is no valid header name (which
// canonicalization leaves as sent). Only such a name is lowered first: a
// valid one canonicalizes alike in any case, without a copy.
func queryHeaderName(name string) string {
	if !isHeaderToken(name) {
		return strings.ToLower(name)
	}
	return http.CanonicalHeaderKey(name)
}

// isHeaderToken reports whether s is a valid header field name, an RFC 9110
// token: the names net/textproto canonicalizes.
func isHeaderToken(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		c := s[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}
