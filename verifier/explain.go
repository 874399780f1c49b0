package verifier

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// Explanation is the step-by-step account of how a request's signature was
// checked, for humans and for the stricts3 explain/verify commands.
type Explanation struct {
	// AuthType is how the request tried to authenticate.
	AuthType AuthType
	// AccessKeyID is the key the request names, when it names one.
	AccessKeyID string
	// CanonicalRequest is the SigV4 canonical request strictS3 built from
	// the request as received (empty for SigV2).
	CanonicalRequest string
	// StringToSign is the string strictS3 signed.
	StringToSign string
	// Expected is the signature strictS3 computed; empty when the check
	// stopped before a signature could be computed (parse error, unknown
	// key). It is for the key holder checking their own signer locally
	// (stricts3 explain): a server must never send it or log it, since it
	// is a valid signature for whatever request was presented.
	Expected string
	// Provided is the signature the request carries.
	Provided string
	// Err is the verdict: nil when the request is authentic, else the
	// *s3err.Error Authenticate returns.
	Err error
	// Diagnosis is strictS3's explanation of Err, if any.
	Diagnosis string
	// Causes name what was wrong, with evidence (see Cause).
	Causes []Cause
	// MatchedCanonicalRequest and MatchedStringToSign are what the signer
	// signed, when a diagnosed variant of the request matches the
	// signature (MatchedCanonicalRequest is empty for SigV2).
	MatchedCanonicalRequest, MatchedStringToSign string
	// Result is Authenticate's result when Err is nil.
	Result *Result
}

// Explain authenticates r like Authenticate and also reports the
// intermediate values (canonical request, string to sign, expected and
// provided signatures). The canonical request and expected signature are
// filled even when a later check (expiry, unsigned headers) fails, so a
// caller can see both at once.
func (v *Verifier) Explain(r *http.Request) Explanation {
	var e Explanation
	res, err := v.authenticate(r, &e)
	e.Result = res
	if err != nil {
		e.Err = err
		if se, ok := s3err.As(err); ok {
			e.Diagnosis = se.Diagnosis
			e.Causes = se.Causes
		}
	}
	return e
}

// The helpers below let the verification code record into an optional
// Explanation without nil checks at every call site.

func (e *Explanation) setAuth(a AuthType) {
	if e != nil {
		e.AuthType = a
	}
}

func (e *Explanation) setKey(akid, provided string) {
	if e != nil {
		e.AccessKeyID, e.Provided = akid, provided
	}
}

func (e *Explanation) setMatched(canonical, sts string) {
	if e != nil {
		e.MatchedCanonicalRequest, e.MatchedStringToSign = canonical, sts
	}
}

func (e *Explanation) setSigned(canonical, sts, expected string) {
	if e != nil {
		e.CanonicalRequest, e.StringToSign, e.Expected = canonical, sts, expected
	}
}

// ExplainURL is Explain for a request given as a method, an absolute URL
// and headers, as the stricts3 explain/verify commands receive it. The URL's
// path and query are used exactly as written (not re-encoded), like a
// request line on the wire. The error reports an unusable URL; the verdict
// is in Explanation.Err.
func (v *Verifier) ExplainURL(method, rawURL string, header http.Header) (Explanation, error) {
	r, err := requestFromURL(method, rawURL, header)
	if err != nil {
		return Explanation{}, err
	}
	return v.Explain(r), nil
}

// requestFromURL builds the request a server would see for rawURL.
func requestFromURL(method, rawURL string, header http.Header) (*http.Request, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("verifier: %w", err)
	}
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("verifier: %q is not an absolute http(s) URL", rawURL)
	}
	rest := rawURL[strings.Index(rawURL, "://")+3:]
	target := "/"
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		target = rest[i:]
		if target[0] == '?' {
			target = "/" + target
		}
	}
	target, _, _ = strings.Cut(target, "#")
	if method == "" {
		method = http.MethodGet
	}
	h := make(http.Header, len(header))
	for k, vs := range header {
		if strings.EqualFold(k, "Host") {
			continue
		}
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	r := &http.Request{
		Method: method, URL: u, Host: u.Host, Header: h, Body: http.NoBody,
		RequestURI: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}
	if host := header.Get("Host"); host != "" {
		r.Host = host
	}
	return r, nil
}
