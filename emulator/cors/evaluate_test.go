package cors

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
)

const notAllowedMessage = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."

const vary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

// localhostRule is the rule of LocalStack's AWS-recorded test_cors_match_origins.
var localhostRule = Rule{
	AllowedOrigins: []string{"https://localhost:4200"},
	AllowedMethods: []string{"GET", "PUT"},
	AllowedHeaders: []string{"*"},
	MaxAgeSeconds:  intp(3000),
}

func cfg(rules ...Rule) *Configuration { return &Configuration{Rules: rules} }

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"http://*.example.com", "http://www.example.com", true},
		{"http://*.example.com", "http://a.b.example.com", true},
		{"http://*.example.com", "https://www.example.com", false},
		{"http://*.example.com", "http://example.com", false},
		{"http://*.example.com", "http://www.example.com.evil", false},
		{"*", "", true},
		{"*", "anything at all", true},
		// s3-tests' origins: '*' matches the empty run; anchored at both ends.
		{"*suffix", "foo.suffix", true},
		{"*suffix", "foo.suffix.get", false},
		{"start*end", "startend", true},
		{"start*end", "start12end", true},
		{"start*end", "0start12end", false},
		{"prefix*", "prefix", true},
		{"prefix*", "bla.prefix", false},
		{"ab*ba", "aba", false}, // prefix and suffix may not overlap
		{"exact", "exact", true},
		{"exact", "exactly", false},
		{"", "", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "acb", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, wildcardMatch(tt.pattern, tt.s), "pattern %q, s %q", tt.pattern, tt.s)
	}
}

func TestParseHeaderList_SplitsTrimsAndLowerCases(t *testing.T) {
	assert.Equal(t, []string{"x-amz-request-payer", "x-amz-expected-bucket-owner"},
		ParseHeaderList([]string{"x-amz-request-payer, X-Amz-Expected-Bucket-Owner"}))
	assert.Equal(t, []string{"a", "b", "c"}, ParseHeaderList([]string{"a,,b ", " C"}))
	assert.Empty(t, ParseHeaderList(nil))
	assert.Empty(t, ParseHeaderList([]string{" , "}))
}

func TestPreflight_Allowed_HeadersAsRecordedFromS3(t *testing.T) {
	tests := []struct {
		name    string
		config  *Configuration
		origin  string
		method  string
		headers []string
		want    http.Header
	}{
		{
			name:   "exact origin echoed with credentials, rule's methods, max age (recorded opt-right-origin)",
			config: cfg(localhostRule), origin: "https://localhost:4200", method: "PUT",
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://localhost:4200"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"GET, PUT"},
				"Access-Control-Max-Age":           {"3000"},
				"Vary":                             {vary},
			},
		},
		{
			name:   "bare * origin answers * without credentials (recorded opt-random-wildcard-origin)",
			config: cfg(Rule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "PUT"}, AllowedHeaders: []string{"*"}, MaxAgeSeconds: intp(3000)}),
			origin: "http://random:1234", method: "PUT",
			want: http.Header{
				"Access-Control-Allow-Origin":  {"*"},
				"Access-Control-Allow-Methods": {"GET, PUT"},
				"Access-Control-Max-Age":       {"3000"},
				"Vary":                         {vary},
			},
		},
		{
			name:   "partial wildcard origin is echoed (recorded options_match_partial_origin)",
			config: cfg(Rule{AllowedOrigins: []string{"http://*.origin.com"}, AllowedMethods: []string{"GET", "PUT"}, AllowedHeaders: []string{"*"}, MaxAgeSeconds: intp(3000)}),
			origin: "http://test.origin.com", method: "GET",
			want: http.Header{
				"Access-Control-Allow-Origin":      {"http://test.origin.com"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"GET, PUT"},
				"Access-Control-Max-Age":           {"3000"},
				"Vary":                             {vary},
			},
		},
		{
			name:   "requested headers echoed lower-case in request order (recorded opt-get-two)",
			config: cfg(Rule{AllowedOrigins: []string{"https://localhost:4200"}, AllowedMethods: []string{"GET"}, AllowedHeaders: []string{"*"}, MaxAgeSeconds: intp(3000)}),
			origin: "https://localhost:4200", method: "GET", headers: []string{"x-amz-request-payer, X-Amz-Expected-Bucket-Owner"},
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://localhost:4200"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"GET"},
				"Access-Control-Allow-Headers":     {"x-amz-request-payer, x-amz-expected-bucket-owner"},
				"Access-Control-Max-Age":           {"3000"},
				"Vary":                             {vary},
			},
		},
		{
			name: "allowed header names compare without case (recorded opt-get-allowed-diff-casing)",
			config: cfg(Rule{AllowedOrigins: []string{"https://localhost:4200"}, AllowedMethods: []string{"GET"}, MaxAgeSeconds: intp(3000),
				AllowedHeaders: []string{"x-amz-expected-bucket-owner", "x-amz-server-side-encryption-customer-algorithm", "x-AMZ-server-SIDE-encryption"}}),
			origin: "https://localhost:4200", method: "GET", headers: []string{"x-AMZ-expected-BUCKET-owner,x-amz-server-side-encryption"},
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://localhost:4200"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"GET"},
				"Access-Control-Allow-Headers":     {"x-amz-expected-bucket-owner, x-amz-server-side-encryption"},
				"Access-Control-Max-Age":           {"3000"},
				"Vary":                             {vary},
			},
		},
		{
			name:   "header wildcard x-amz-* allows Amazon headers",
			config: cfg(Rule{AllowedOrigins: []string{"https://app.example"}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"X-Amz-*", "content-type"}}),
			origin: "https://app.example", method: "PUT", headers: []string{"content-type,x-amz-checksum-crc32,x-amz-meta-owner"},
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://app.example"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"PUT"},
				"Access-Control-Allow-Headers":     {"content-type, x-amz-checksum-crc32, x-amz-meta-owner"},
				"Vary":                             {vary},
			},
		},
		{
			name:   "expose headers joined, no max age when unset (recorded test_cors_expose_headers)",
			config: cfg(Rule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, ExposeHeaders: []string{"x-amz-id-2", "x-amz-request-id", "x-amz-request-payer"}}),
			origin: "localhost:4566", method: "GET",
			want: http.Header{
				"Access-Control-Allow-Origin":   {"*"},
				"Access-Control-Allow-Methods":  {"GET"},
				"Access-Control-Expose-Headers": {"x-amz-id-2, x-amz-request-id, x-amz-request-payer"},
				"Vary":                          {vary},
			},
		},
		{
			name: "first matching rule wins, later rules are not consulted",
			config: cfg(
				Rule{AllowedOrigins: []string{"https://a.example"}, AllowedMethods: []string{"DELETE"}},
				Rule{AllowedOrigins: []string{"https://*.example"}, AllowedMethods: []string{"GET"}, MaxAgeSeconds: intp(10)},
				Rule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "HEAD"}, MaxAgeSeconds: intp(20)},
			),
			origin: "https://a.example", method: "GET",
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://a.example"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"GET"},
				"Access-Control-Max-Age":           {"10"},
				"Vary":                             {vary},
			},
		},
		{
			name:   "a rule matches when any of its origins does",
			config: cfg(Rule{AllowedOrigins: []string{"https://test.com", "https://app.test.com"}, AllowedMethods: []string{"POST"}, MaxAgeSeconds: intp(0)}),
			origin: "https://app.test.com", method: "POST",
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://app.test.com"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"POST"},
				"Access-Control-Max-Age":           {"0"},
				"Vary":                             {vary},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, e := tt.config.Preflight(tt.origin, tt.method, tt.headers, ResourceObject)
			require.Nil(t, e)
			assert.Equal(t, tt.want, h)
		})
	}
}

func TestPreflight_NotAllowed_IsAccessForbiddenWithMethodAndResourceType(t *testing.T) {
	tests := []struct {
		name     string
		config   *Configuration
		origin   string
		method   string
		headers  []string
		resource ResourceType
	}{
		{"origin scheme differs (recorded opt-wrong-origin)", cfg(localhostRule), "http://localhost:4200", "PUT", nil, ResourceObject},
		{"method not in rule (recorded opt-put)", cfg(Rule{AllowedOrigins: []string{"https://localhost:4200"}, AllowedMethods: []string{"GET"}, AllowedHeaders: []string{"*"}}),
			"https://localhost:4200", "PUT", nil, ResourceObject},
		{"origin with trailing slash on a bucket URL (recorded options_fails_partial_origin)",
			cfg(Rule{AllowedOrigins: []string{"http://*.origin.com"}, AllowedMethods: []string{"GET", "PUT"}, AllowedHeaders: []string{"*"}}),
			"http://test.origin.com/", "GET", nil, ResourceBucket},
		{"requested header not allowed (recorded opt-get-non-allowed)",
			cfg(Rule{AllowedOrigins: []string{"https://localhost:4200"}, AllowedMethods: []string{"GET"}, AllowedHeaders: []string{"x-amz-expected-bucket-owner"}}),
			"https://localhost:4200", "GET", []string{"x-amz-request-payer"}, ResourceObject},
		{"rule without AllowedHeader allows no requested header (recorded opt-get-headers)",
			cfg(Rule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, ExposeHeaders: []string{"x-amz-meta-header1"}}),
			"localhost:4566", "GET", []string{"x-amz-request-payer"}, ResourceObject},
		{"one of two requested headers not allowed",
			cfg(Rule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"x-amz-*"}}),
			"https://a.example", "PUT", []string{"x-amz-meta-a, content-type"}, ResourceObject},
		{"origins compare case-sensitively", cfg(Rule{AllowedOrigins: []string{"https://App.example"}, AllowedMethods: []string{"GET"}}),
			"https://app.example", "GET", nil, ResourceObject},
		{"methods compare case-sensitively", cfg(Rule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}}),
			"https://app.example", "get", nil, ResourceObject},
		{"method outside S3's five", cfg(Rule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "PUT", "POST", "DELETE", "HEAD"}}),
			"https://app.example", "PATCH", nil, ResourceObject},
		{"wildcard subdomain pattern does not match the bare domain",
			cfg(Rule{AllowedOrigins: []string{"http://*.example.com"}, AllowedMethods: []string{"GET"}}), "http://example.com", "GET", nil, ResourceObject},
		{"no rule matches all three at once: origin from one rule, method from another",
			cfg(Rule{AllowedOrigins: []string{"https://a.example"}, AllowedMethods: []string{"GET"}}, Rule{AllowedOrigins: []string{"https://b.example"}, AllowedMethods: []string{"PUT"}}),
			"https://a.example", "PUT", nil, ResourceObject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, e := tt.config.Preflight(tt.origin, tt.method, tt.headers, tt.resource)
			assert.Nil(t, h)
			require.NotNil(t, e)
			assert.Equal(t, 403, e.Status)
			assert.Equal(t, s3err.AccessForbidden, e.Code)
			assert.Equal(t, notAllowedMessage, e.Message)
			assert.Equal(t, []s3err.Element{{Name: "Method", Value: tt.method}, {Name: "ResourceType", Value: string(tt.resource)}}, e.Extra)
			assert.NotEmpty(t, e.Diagnosis)
		})
	}
}

func TestActualResponseHeaders(t *testing.T) {
	getOnly := cfg(Rule{AllowedOrigins: []string{"https://localhost:4200"}, AllowedMethods: []string{"GET"}, AllowedHeaders: []string{"x-amz-expected-bucket-owner"}, MaxAgeSeconds: intp(3000)})
	tests := []struct {
		name    string
		config  *Configuration
		origin  string
		method  string
		headers []string
		want    http.Header
	}{
		{
			name:   "allowed origin gets the preflight's headers, max age included (recorded get-right-origin)",
			config: cfg(localhostRule), origin: "https://localhost:4200", method: "GET",
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://localhost:4200"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"GET, PUT"},
				"Access-Control-Max-Age":           {"3000"},
				"Vary":                             {vary},
			},
		},
		{
			name:   "wildcard rule answers * (recorded get-random-wildcard-origin)",
			config: cfg(Rule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "PUT"}, ExposeHeaders: []string{"ETag"}}),
			origin: "http://random:1234", method: "PUT",
			want: http.Header{
				"Access-Control-Allow-Origin":   {"*"},
				"Access-Control-Allow-Methods":  {"GET, PUT"},
				"Access-Control-Expose-Headers": {"ETag"},
				"Vary":                          {vary},
			},
		},
		{name: "disallowed origin: no CORS headers at all (recorded get-wrong-origin)", config: cfg(localhostRule), origin: "http://localhost:4200", method: "GET"},
		{name: "disallowed method: no CORS headers (recorded put-op)", config: getOnly, origin: "https://localhost:4200", method: "PUT"},
		{name: "a disallowed Access-Control-Request-Headers on an actual request removes the headers (recorded get-non-allowed-with-acl)",
			config: getOnly, origin: "https://localhost:4200", method: "GET", headers: []string{"x-amz-request-payer"}},
		{
			name:   "no requested headers: the request's own headers are never checked (recorded get-non-allowed)",
			config: getOnly, origin: "https://localhost:4200", method: "GET",
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://localhost:4200"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"GET"},
				"Access-Control-Max-Age":           {"3000"},
				"Vary":                             {vary},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.config.ActualResponseHeaders(tt.origin, tt.method, tt.headers))
		})
	}
}

func TestPreflightErrors_MessagesAndElementsAsRecorded(t *testing.T) {
	tests := []struct {
		name    string
		err     *s3err.Error
		status  int
		code    s3err.Code
		message string
		extra   []s3err.Element
	}{
		{"OPTIONS without Origin (recorded options-no-origin)", ErrOriginMissing(), 400, s3err.BadRequest,
			"Insufficient information. Origin request header needed.", nil},
		{"no configuration, method given (recorded options-with-origin-and-method)", ErrNotEnabled("PUT"), 403, s3err.AccessForbidden,
			"CORSResponse: CORS is not enabled for this bucket.", []s3err.Element{{Name: "Method", Value: "PUT"}, {Name: "ResourceType", Value: "BUCKET"}}},
		{"no configuration, no method: Method is OPTIONS (recorded options-with-origin-no-method)", ErrNotEnabled(""), 403, s3err.AccessForbidden,
			"CORSResponse: CORS is not enabled for this bucket.", []s3err.Element{{Name: "Method", Value: "OPTIONS"}, {Name: "ResourceType", Value: "BUCKET"}}},
		{"bucket does not exist (recorded options-with-origin)", ErrBucketNotFound(""), 403, s3err.AccessForbidden,
			"CORSResponse: Bucket not found", []s3err.Element{{Name: "Method", Value: "OPTIONS"}, {Name: "ResourceType", Value: "BUCKET"}}},
		{"configured bucket, no Access-Control-Request-Method", ErrRequestMethodMissing(), 400, s3err.BadRequest,
			"Invalid Access-Control-Request-Method: null", nil},
		{"GetBucketCors without configuration (recorded get-cors-no-set)", ErrNoSuchConfiguration("pics"), 404, s3err.NoSuchCORSConfiguration,
			"The CORS configuration does not exist", []s3err.Element{{Name: "BucketName", Value: "pics"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.status, tt.err.Status)
			assert.Equal(t, tt.code, tt.err.Code)
			assert.Equal(t, tt.message, tt.err.Message)
			assert.Equal(t, tt.extra, tt.err.Extra)
		})
	}
}

func TestPreflightError_BodyPutsMethodAndResourceTypeBeforeRequestId(t *testing.T) {
	_, e := cfg(localhostRule).Preflight("http://evil.example", "PUT", nil, ResourceObject)
	require.NotNil(t, e)
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<Error><Code>AccessForbidden</Code><Message>`+
		`CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.`+
		`</Message><Method>PUT</Method><ResourceType>OBJECT</ResourceType><RequestId>RID</RequestId><HostId>HID</HostId></Error>`,
		string(e.Body("RID", "HID")))
}
