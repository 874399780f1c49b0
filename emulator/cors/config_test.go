package cors

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// doc wraps rules in a namespaced CORSConfiguration, as the SDKs send it.
func doc(rules ...string) []byte {
	return []byte(`<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + strings.Join(rules, "") + `</CORSConfiguration>`)
}

func intp(v int) *int { return &v }

func TestParse_ValidDocuments_KeepValuesAsSent(t *testing.T) {
	tests := []struct {
		fixture string
		want    Configuration
	}{
		{"full.xml", Configuration{Rules: []Rule{
			{
				ID:             "uploads",
				AllowedOrigins: []string{"https://test.com", "https://app.test.com", "http://test.com:80"},
				AllowedMethods: []string{"GET", "PUT", "HEAD"},
				AllowedHeaders: []string{"x-amz-expected-bucket-owner", "x-AMZ-server-SIDE-encryption"},
				ExposeHeaders:  []string{"ETag", "x-amz-request-id"},
				MaxAgeSeconds:  intp(3000),
			},
			{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
		}}},
		{"no-namespace.xml", Configuration{Rules: []Rule{{
			AllowedOrigins: []string{"http://www.example.com"},
			AllowedMethods: []string{"PUT", "POST", "DELETE"},
			AllowedHeaders: []string{"*"},
		}}}},
		// S3 accepts an empty AllowedOrigin and gives it back (recorded).
		{"empty-origin.xml", Configuration{Rules: []Rule{{
			AllowedOrigins: []string{""},
			AllowedMethods: []string{"GET", "PUT", "HEAD"},
		}}}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			c, err := Parse(fixture(t, tt.fixture))
			require.NoError(t, err)
			assert.Equal(t, tt.want, *c)
		})
	}
}

func TestParse_InvalidDocuments_AreRefusedAsS3Does(t *testing.T) {
	rule := func(inner string) string { return "<CORSRule>" + inner + "</CORSRule>" }
	ok := "<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
	hundredAndOne := make([]string, MaxRules+1)
	for i := range hundredAndOne {
		hundredAndOne[i] = rule(ok)
	}
	tests := []struct {
		name    string
		doc     []byte
		code    s3err.Code
		message string // empty: the table's default for code
	}{
		{"not XML", []byte("this is not xml"), s3err.MalformedXML, ""},
		{"empty body", nil, s3err.MalformedXML, ""},
		{"truncated", []byte(`<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>`), s3err.MalformedXML, ""},
		{"wrong root", []byte(`<LifecycleConfiguration><CORSRule/></LifecycleConfiguration>`), s3err.MalformedXML, ""},
		{"wrong namespace", []byte(`<CORSConfiguration xmlns="urn:other">` + rule(ok) + `</CORSConfiguration>`), s3err.MalformedXML, ""},
		{"content after the root", append(doc(rule(ok)), []byte("<CORSConfiguration/>")...), s3err.MalformedXML, ""},
		{"no rules (recorded)", doc(), s3err.MalformedXML, ""},
		{"101 rules", doc(hundredAndOne...), s3err.MalformedXML, ""},
		{"empty rule", doc("<CORSRule/>"), s3err.MalformedXML, ""},
		{"rule without origin", doc(rule("<AllowedMethod>GET</AllowedMethod>")), s3err.MalformedXML, ""},
		{"rule without method", doc(rule("<AllowedOrigin>*</AllowedOrigin>")), s3err.MalformedXML, ""},
		{"unknown rule element", doc(rule(ok + "<AllowedMethods>GET</AllowedMethods>")), s3err.MalformedXML, ""},
		{"unknown top-level element", doc(rule(ok), "<Rule/>"), s3err.MalformedXML, ""},
		{"two MaxAgeSeconds", doc(rule(ok + "<MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>2</MaxAgeSeconds>")), s3err.MalformedXML, ""},
		{"MaxAgeSeconds not a number", doc(rule(ok + "<MaxAgeSeconds>soon</MaxAgeSeconds>")), s3err.MalformedXML, ""},
		{"two IDs", doc(rule(ok + "<ID>a</ID><ID>b</ID>")), s3err.MalformedXML, ""},
		{"document over 64 KB", doc(rule(ok + "<ID>" + strings.Repeat("x", MaxDocumentSize) + "</ID>")), s3err.MalformedXML, ""},
		{"unsupported method (recorded)", doc(rule("<AllowedOrigin>*</AllowedOrigin><AllowedOrigin>https://test.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedMethod>MYMETHOD</AllowedMethod>")),
			s3err.InvalidRequest, "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD"},
		{"OPTIONS is not an allowed method", doc(rule("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>OPTIONS</AllowedMethod>")),
			s3err.InvalidRequest, "Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS"},
		{"empty method", doc(rule("<AllowedOrigin>*</AllowedOrigin><AllowedMethod></AllowedMethod>")),
			s3err.InvalidRequest, "Found unsupported HTTP method in CORS config. Unsupported method is "},
		{"lower-case method", doc(rule("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>get</AllowedMethod>")),
			s3err.InvalidRequest, "Found unsupported HTTP method in CORS config. Unsupported method is get"},
		{"origin with two wildcards", doc(rule("<AllowedOrigin>*example*.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod>")),
			s3err.InvalidRequest, `AllowedOrigin "*example*.com" can not have more than one wildcard.`},
		{"header with two wildcards", doc(rule(ok + "<AllowedHeader>x-*-*</AllowedHeader>")),
			s3err.InvalidRequest, `AllowedHeader "x-*-*" can not have more than one wildcard.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.doc)
			require.Error(t, err)
			assert.Nil(t, c)
			e, ok := s3err.As(err)
			require.True(t, ok, "error is %T, want *s3err.Error", err)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, 400, e.Status)
			want := tt.message
			if want == "" {
				want = s3err.New(tt.code).Message
			}
			assert.Equal(t, want, e.Message)
			assert.NotEmpty(t, e.Diagnosis, "every refusal says why")
		})
	}
}

func TestParse_HundredRules_IsTheLimitAndAccepted(t *testing.T) {
	rules := make([]string, MaxRules)
	for i := range rules {
		rules[i] = fmt.Sprintf("<CORSRule><ID>r%d</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>", i)
	}
	c, err := Parse(doc(rules...))
	require.NoError(t, err)
	assert.Len(t, c.Rules, MaxRules)
}

func TestMarshal_GetBucketCorsBody_RoundTripsInS3Namespace(t *testing.T) {
	c, err := Parse(fixture(t, "full.xml"))
	require.NoError(t, err)
	out := c.Marshal()
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`+
		`<CORSRule><ID>uploads</ID>`+
		`<AllowedHeader>x-amz-expected-bucket-owner</AllowedHeader><AllowedHeader>x-AMZ-server-SIDE-encryption</AllowedHeader>`+
		`<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>`+
		`<AllowedOrigin>https://test.com</AllowedOrigin><AllowedOrigin>https://app.test.com</AllowedOrigin><AllowedOrigin>http://test.com:80</AllowedOrigin>`+
		`<ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-request-id</ExposeHeader>`+
		`<MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>`+
		`<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>`+
		`</CORSConfiguration>`, string(out))

	again, err := Parse(out)
	require.NoError(t, err)
	assert.Equal(t, c, again)
}

func TestMarshal_EscapesValues(t *testing.T) {
	c := &Configuration{Rules: []Rule{{ID: "a<b&c", AllowedOrigins: []string{"http://x?a=1&b=2"}, AllowedMethods: []string{"GET"}}}}
	out := c.Marshal()
	assert.Contains(t, string(out), "<ID>a&lt;b&amp;c</ID>")
	again, err := Parse(out)
	require.NoError(t, err)
	assert.Equal(t, c, again)
}
