package cors

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// Namespace is the XML namespace of S3's documents.
const Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// MaxRules is how many CORSRule elements a configuration may hold.
const MaxRules = 100

// MaxDocumentSize is the largest CORSConfiguration document S3 accepts
// (64 KB, API_PutBucketCors).
const MaxDocumentSize = 64 << 10

// Methods a rule may allow; S3 refuses any other AllowedMethod, OPTIONS and
// lower-case spellings included.
var allowedMethods = map[string]bool{"GET": true, "PUT": true, "HEAD": true, "POST": true, "DELETE": true}

// Configuration is a bucket's CORSConfiguration.
type Configuration struct {
	Rules []Rule
}

// Rule is one CORSRule. Values are kept exactly as sent: GetBucketCors
// returns them unnormalised, cases and ports included.
type Rule struct {
	ID             string
	AllowedOrigins []string
	AllowedMethods []string
	AllowedHeaders []string
	ExposeHeaders  []string
	// MaxAgeSeconds is nil when the rule sets none; S3 then sends no
	// Access-Control-Max-Age.
	MaxAgeSeconds *int
}

// The wire shapes. Unknown children are captured so Parse can refuse them,
// as S3's schema validation does; MaxAgeSeconds and ID are slices so a
// repeated element is seen rather than silently overwritten.
type xmlConfiguration struct {
	XMLName xml.Name  `xml:"CORSConfiguration"`
	Rules   []xmlRule `xml:"CORSRule"`
	Unknown []xmlAny  `xml:",any"`
}

type xmlRule struct {
	ID             []string `xml:"ID"`
	AllowedHeaders []string `xml:"AllowedHeader"`
	AllowedMethods []string `xml:"AllowedMethod"`
	AllowedOrigins []string `xml:"AllowedOrigin"`
	ExposeHeaders  []string `xml:"ExposeHeader"`
	MaxAgeSeconds  []string `xml:"MaxAgeSeconds"`
	Unknown        []xmlAny `xml:",any"`
}

type xmlAny struct {
	XMLName xml.Name
}

// Parse reads and validates a PutBucketCors body the way S3 does. The error
// is an *s3err.Error:
//   - 400 MalformedXML when the document is not well-formed, is not a
//     CORSConfiguration, has no rule or more than MaxRules, a rule lacks an
//     AllowedOrigin or an AllowedMethod, or an element is unknown, repeated
//     where the schema allows one, or MaxAgeSeconds is not an integer;
//   - 400 InvalidRequest "Found unsupported HTTP method in CORS config.
//     Unsupported method is <M>" for a method other than GET, PUT, HEAD,
//     POST and DELETE;
//   - 400 InvalidRequest `AllowedOrigin "<o>" can not have more than one
//     wildcard.` (and the same for AllowedHeader).
func Parse(doc []byte) (*Configuration, error) {
	if len(doc) > MaxDocumentSize {
		return nil, malformed("the document is %d bytes; S3 accepts at most %d", len(doc), MaxDocumentSize)
	}
	var x xmlConfiguration
	dec := xml.NewDecoder(bytes.NewReader(doc))
	if err := dec.Decode(&x); err != nil {
		return nil, malformed("the XML does not parse as a CORSConfiguration: %v", err)
	}
	if err := trailingContent(dec); err != nil {
		return nil, err
	}
	if ns := x.XMLName.Space; ns != "" && ns != Namespace {
		return nil, malformed("CORSConfiguration is in namespace %q; S3 expects %q or none", ns, Namespace)
	}
	if len(x.Unknown) > 0 {
		return nil, malformed("CORSConfiguration has an unknown element <%s>", x.Unknown[0].XMLName.Local)
	}
	switch {
	case len(x.Rules) == 0:
		return nil, malformed("CORSConfiguration has no CORSRule; at least one is required")
	case len(x.Rules) > MaxRules:
		return nil, malformed("CORSConfiguration has %d rules; S3 allows at most %d", len(x.Rules), MaxRules)
	}
	c := &Configuration{Rules: make([]Rule, 0, len(x.Rules))}
	for i, xr := range x.Rules {
		r, err := xr.rule(i + 1)
		if err != nil {
			return nil, err
		}
		c.Rules = append(c.Rules, r)
	}
	return c, nil
}

// trailingContent refuses anything but whitespace, comments and processing
// instructions after the root element.
func trailingContent(dec *xml.Decoder) error {
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return malformed("the XML is not well-formed after the root element: %v", err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return malformed("text after the CORSConfiguration element")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return malformed("content after the CORSConfiguration element")
		}
	}
}

func (xr xmlRule) rule(n int) (Rule, error) {
	if len(xr.Unknown) > 0 {
		return Rule{}, malformed("CORSRule %d has an unknown element <%s>", n, xr.Unknown[0].XMLName.Local)
	}
	if len(xr.AllowedOrigins) == 0 {
		return Rule{}, malformed("CORSRule %d has no AllowedOrigin; each rule needs at least one", n)
	}
	if len(xr.AllowedMethods) == 0 {
		return Rule{}, malformed("CORSRule %d has no AllowedMethod; each rule needs at least one", n)
	}
	if len(xr.ID) > 1 {
		return Rule{}, malformed("CORSRule %d has %d ID elements; at most one is allowed", n, len(xr.ID))
	}
	if len(xr.MaxAgeSeconds) > 1 {
		return Rule{}, malformed("CORSRule %d has %d MaxAgeSeconds elements; at most one is allowed", n, len(xr.MaxAgeSeconds))
	}
	for _, m := range xr.AllowedMethods {
		if !allowedMethods[m] {
			return Rule{}, s3err.Newf(s3err.InvalidRequest, "Found unsupported HTTP method in CORS config. Unsupported method is %s", m).
				WithDiagnosis("CORSRule %d allows method %q; S3 accepts only GET, PUT, HEAD, POST and DELETE, upper-case", n, m)
		}
	}
	for _, o := range xr.AllowedOrigins {
		if strings.Count(o, "*") > 1 {
			return Rule{}, s3err.Newf(s3err.InvalidRequest, "AllowedOrigin %q can not have more than one wildcard.", o).
				WithDiagnosis("CORSRule %d: an AllowedOrigin may contain at most one '*'", n)
		}
	}
	for _, h := range xr.AllowedHeaders {
		if strings.Count(h, "*") > 1 {
			return Rule{}, s3err.Newf(s3err.InvalidRequest, "AllowedHeader %q can not have more than one wildcard.", h).
				WithDiagnosis("CORSRule %d: an AllowedHeader may contain at most one '*'", n)
		}
	}
	r := Rule{
		AllowedOrigins: xr.AllowedOrigins,
		AllowedMethods: xr.AllowedMethods,
		AllowedHeaders: xr.AllowedHeaders,
		ExposeHeaders:  xr.ExposeHeaders,
	}
	if len(xr.ID) == 1 {
		r.ID = xr.ID[0]
	}
	if len(xr.MaxAgeSeconds) == 1 {
		// xs:int collapses surrounding whitespace before it parses.
		v, err := strconv.ParseInt(strings.TrimSpace(xr.MaxAgeSeconds[0]), 10, 32)
		if err != nil {
			return Rule{}, malformed("CORSRule %d: MaxAgeSeconds %q is not an integer", n, xr.MaxAgeSeconds[0])
		}
		age := int(v)
		r.MaxAgeSeconds = &age
	}
	return r, nil
}

func malformed(format string, args ...any) *s3err.Error {
	return s3err.New(s3err.MalformedXML).WithDiagnosis(format, args...)
}

// Marshal renders c as GetBucketCors returns it: an XML declaration and the
// CORSConfiguration in S3's namespace, each rule's members in the order of
// S3's model (ID, AllowedHeader, AllowedMethod, AllowedOrigin, ExposeHeader,
// MaxAgeSeconds), and only the members the rule sets.
func (c *Configuration) Marshal() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<CORSConfiguration xmlns="` + Namespace + `">`)
	for _, r := range c.Rules {
		b.WriteString("<CORSRule>")
		if r.ID != "" {
			elem(&b, "ID", r.ID)
		}
		elems(&b, "AllowedHeader", r.AllowedHeaders)
		elems(&b, "AllowedMethod", r.AllowedMethods)
		elems(&b, "AllowedOrigin", r.AllowedOrigins)
		elems(&b, "ExposeHeader", r.ExposeHeaders)
		if r.MaxAgeSeconds != nil {
			elem(&b, "MaxAgeSeconds", strconv.Itoa(*r.MaxAgeSeconds))
		}
		b.WriteString("</CORSRule>")
	}
	b.WriteString("</CORSConfiguration>")
	return []byte(b.String())
}

func elems(b *strings.Builder, name string, values []string) {
	for _, v := range values {
		elem(b, name, v)
	}
}

func elem(b *strings.Builder, name, value string) {
	fmt.Fprintf(b, "<%s>", name)
	_ = xml.EscapeText(b, []byte(value))
	fmt.Fprintf(b, "</%s>", name)
}
