package cors

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// The CORS headers S3 reads and writes.
const (
	HeaderOrigin           = "Origin"
	HeaderRequestMethod    = "Access-Control-Request-Method"
	HeaderRequestHeaders   = "Access-Control-Request-Headers"
	HeaderAllowOrigin      = "Access-Control-Allow-Origin"
	HeaderAllowMethods     = "Access-Control-Allow-Methods"
	HeaderAllowHeaders     = "Access-Control-Allow-Headers"
	HeaderExposeHeaders    = "Access-Control-Expose-Headers"
	HeaderMaxAge           = "Access-Control-Max-Age"
	HeaderAllowCredentials = "Access-Control-Allow-Credentials"
	HeaderVary             = "Vary"
)

const (
	// varyValue is what S3 sends in Vary with every CORS answer, preflight
	// or actual, since the answer depends on all three request headers.
	varyValue     = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
	listSeparator = ", "
	// The extra elements of S3's preflight refusals, in wire order.
	errElemMethod = "Method"
	errElemRsType = "ResourceType"
)

// ResourceType is what an OPTIONS request addressed. S3 names it in the
// <ResourceType> element of its preflight refusals.
type ResourceType string

// The two resource types S3 reports.
const (
	ResourceBucket ResourceType = "BUCKET"
	ResourceObject ResourceType = "OBJECT"
)

// ParseHeaderList splits Access-Control-Request-Headers values into header
// names: comma-separated, surrounding spaces dropped, empty elements ignored
// (RFC 9110 §5.6.1), lower-cased as S3 echoes them.
func ParseHeaderList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				out = append(out, strings.ToLower(name))
			}
		}
	}
	return out
}

// Match returns the first rule that allows origin, method and every one of
// requestHeaders, or nil. requestHeaders may be names or raw
// Access-Control-Request-Headers values; they compare without regard to case.
func (c *Configuration) Match(origin, method string, requestHeaders []string) *Rule {
	lower := ParseHeaderList(requestHeaders)
	for i := range c.Rules {
		r := &c.Rules[i]
		if r.matchesOrigin(origin) && r.matchesMethod(method) && r.matchesHeaders(lower) {
			return r
		}
	}
	return nil
}

// Preflight answers an OPTIONS request carrying Origin, the
// Access-Control-Request-Method (method) and the names listed in
// Access-Control-Request-Headers. The caller has already refused a missing
// Origin (ErrOriginMissing), a bucket without configuration (ErrNotEnabled)
// and a missing method (ErrRequestMethodMissing).
//
// When a rule matches, the headers to send with an empty 200. Otherwise 403
// AccessForbidden "CORSResponse: This CORS request is not allowed. …" with
// <Method> (the method asked for) and <ResourceType> (resource).
func (c *Configuration) Preflight(origin, method string, requestHeaders []string, resource ResourceType) (http.Header, *s3err.Error) {
	r := c.Match(origin, method, requestHeaders)
	if r == nil {
		return nil, s3err.New(s3err.AccessForbidden).
			With(errElemMethod, method).
			With(errElemRsType, string(resource)).
			WithDiagnosis("no CORSRule allows origin %q, method %q and requested headers %q together (%d rules; origins match case-sensitively, headers case-insensitively, one '*' per pattern)",
				origin, method, strings.Join(requestHeaders, ","), len(c.Rules))
	}
	return r.responseHeaders(origin, requestHeaders), nil
}

// ActualResponseHeaders returns the CORS headers S3 adds to an actual
// (non-OPTIONS) request's response, errors included, or nil when no rule
// matches: S3 then serves the request without any CORS header and leaves
// enforcement to the browser.
//
// method is the request's method, unless the request also carries
// Access-Control-Request-Method: S3 then matches that one instead, and
// likewise checks any Access-Control-Request-Headers (requestHeaders).
// Ordinary request headers are never checked.
func (c *Configuration) ActualResponseHeaders(origin, method string, requestHeaders []string) http.Header {
	r := c.Match(origin, method, requestHeaders)
	if r == nil {
		return nil
	}
	return r.responseHeaders(origin, requestHeaders)
}

// responseHeaders are the headers a matching rule produces, the same for a
// preflight and an actual request (S3 sends Max-Age on both).
func (r *Rule) responseHeaders(origin string, requestHeaders []string) http.Header {
	h := make(http.Header, 7)
	if r.allowsAnyOrigin() {
		h.Set(HeaderAllowOrigin, "*")
	} else {
		h.Set(HeaderAllowOrigin, origin)
		h.Set(HeaderAllowCredentials, "true")
	}
	h.Set(HeaderAllowMethods, strings.Join(r.AllowedMethods, listSeparator))
	if names := ParseHeaderList(requestHeaders); len(names) > 0 {
		h.Set(HeaderAllowHeaders, strings.Join(names, listSeparator))
	}
	if len(r.ExposeHeaders) > 0 {
		h.Set(HeaderExposeHeaders, strings.Join(r.ExposeHeaders, listSeparator))
	}
	if r.MaxAgeSeconds != nil {
		h.Set(HeaderMaxAge, strconv.Itoa(*r.MaxAgeSeconds))
	}
	h.Set(HeaderVary, varyValue)
	return h
}
