// Package s3err holds the table of S3 error codes and the XML envelope S3
// answers them in.
//
// Every failure a client can see is an *Error: a row of the table (status,
// code, default message) plus the extra XML elements S3 adds between
// <Message> and <RequestId>, in wire order. Handlers never build error
// literals; they take a row with New and add elements with With.
//
// An Error may also carry a Diagnosis: strictS3's own explanation of why a
// check failed (for example which canonical-request line differs). It is
// never part of the AWS-exact XML body; the emulator logs it and sends it in
// the x-stricts3-diagnosis response header.
package s3err

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Code is an S3 error code such as "SignatureDoesNotMatch".
type Code string

// Element is one extra XML element of an error body, e.g. <Region>eu-west-1</Region>.
type Element struct {
	Name  string
	Value string
}

// Error is an S3 error as the client sees it.
type Error struct {
	Code    Code
	Status  int
	Message string
	// Extra are the elements between Message and RequestId, in wire order.
	Extra []Element
	// Diagnosis explains, in strictS3's words, what was wrong. Not sent in XML.
	Diagnosis string
	// Causes name what was wrong with stable ids (see Cause). Not sent in
	// XML; their ids lead the diagnosis header and the log line.
	Causes []Cause
}

// Cause is one named reason a request was refused: a stable id such as
// "method-mismatch", a one-line message, and the evidence (for example the
// signed value and the sent value). Evidence never holds a secret, a
// session token or a signature the server computed.
type Cause struct {
	ID       string            `json:"id"`
	Message  string            `json:"message"`
	Evidence map[string]string `json:"evidence,omitempty"`
}

// WithCauses returns a copy of e carrying cs after its own causes. When e
// has no diagnosis yet, the causes' messages become it.
func (e *Error) WithCauses(cs ...Cause) *Error {
	c := *e
	c.Causes = append(append([]Cause(nil), e.Causes...), cs...)
	if c.Diagnosis == "" {
		msgs := make([]string, len(c.Causes))
		for i, x := range c.Causes {
			msgs[i] = x.Message
		}
		c.Diagnosis = strings.Join(msgs, "; ")
	}
	return &c
}

// CauseIDs returns the ids of e's causes, comma-separated ("" for none).
func (e *Error) CauseIDs() string {
	ids := make([]string, len(e.Causes))
	for i, c := range e.Causes {
		ids[i] = c.ID
	}
	return strings.Join(ids, ",")
}

// Error implements error: the code and message, then the diagnosis.
func (e *Error) Error() string {
	if e.Diagnosis != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Diagnosis)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// New returns the table row for code with its default status and message.
// An unknown code is a programming error and becomes a 500 InternalError
// that names it, so it shows up in tests rather than as a silent success.
func New(code Code) *Error {
	row, ok := table[code]
	if !ok {
		row = table[InternalError]
		return &Error{Code: InternalError, Status: row.status, Message: row.message, Diagnosis: "unknown error code " + string(code)}
	}
	return &Error{Code: code, Status: row.status, Message: row.message}
}

// Newf is New with a message that replaces the table's default.
func Newf(code Code, format string, args ...any) *Error {
	e := New(code)
	e.Message = fmt.Sprintf(format, args...)
	return e
}

// With returns e with one more extra element appended. It copies e so table
// rows and shared errors are never mutated.
func (e *Error) With(name, value string) *Error {
	c := *e
	c.Extra = append(append([]Element(nil), e.Extra...), Element{name, value})
	return &c
}

// WithDiagnosis returns a copy of e carrying an explanation for humans.
func (e *Error) WithDiagnosis(format string, args ...any) *Error {
	c := *e
	c.Diagnosis = fmt.Sprintf(format, args...)
	return &c
}

// Get returns the value of the first extra element called name.
func (e *Error) Get(name string) (string, bool) {
	for _, el := range e.Extra {
		if el.Name == name {
			return el.Value, true
		}
	}
	return "", false
}

// As reports whether err is (or wraps) an *Error and returns it.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// HexBytes renders s the way S3 fills the *Bytes elements: lower-case hex,
// one pair per byte, separated by single spaces.
func HexBytes(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 3)
	const digits = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(digits[s[i]>>4])
		b.WriteByte(digits[s[i]&0xf])
	}
	return b.String()
}

// Body renders the XML document S3 sends for e.
func (e *Error) Body(requestID, hostID string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error>")
	writeElem(&b, "Code", string(e.Code))
	writeElem(&b, "Message", e.Message)
	for _, el := range e.Extra {
		writeElem(&b, el.Name, el.Value)
	}
	writeElem(&b, "RequestId", requestID)
	writeElem(&b, "HostId", hostID)
	b.WriteString("</Error>")
	return []byte(b.String())
}

func writeElem(b *strings.Builder, name, value string) {
	b.WriteString("<" + name + ">")
	textEscaper.WriteString(b, xmlChars(value))
	b.WriteString("</" + name + ">")
}

// xmlChars replaces what XML 1.0 cannot carry at all, escaped or not, with
// U+FFFD: invalid UTF-8 and characters outside the XML Char production
// (most C0 controls, U+FFFE, U+FFFF). Errors echo client input (a
// signature, a header value, a key), and one such byte would otherwise
// make the whole error document unparsable for every S3 client.
func xmlChars(s string) string {
	clean := true
	for _, r := range s {
		if !isXMLChar(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if !isXMLChar(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isXMLChar is XML 1.0's Char production, except that it refuses
// utf8.RuneError: ranging over a string yields it for every invalid byte.
// A literal U+FFFD is then "replaced" by itself.
func isXMLChar(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return false
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	case r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// textEscaper escapes only what XML character data requires. encoding/xml
// also escapes quotes, which would make messages such as CORS's
// "resource's" differ byte for byte from what S3 sends.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")

// oneLine keeps a diagnosis on one header line.
var oneLine = strings.NewReplacer("\r", " ", "\n", " | ")

// headerSafe replaces the control characters a diagnosis may quote from a
// request with '?': a response header holding one makes Go's HTTP client,
// and so every aws-sdk-go-v2 caller, refuse the whole response.
func headerSafe(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return '?'
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }

// DiagnosisHeader is the response header that carries Error.Diagnosis.
const DiagnosisHeader = "X-Stricts3-Diagnosis"

// Write sends e as S3 would: status, application/xml, the envelope. HEAD
// responses carry no body, as on S3. The request id headers are expected to
// be set already by the caller's middleware; requestID and hostID are echoed
// in the body.
func Write(w http.ResponseWriter, r *http.Request, e *Error, requestID, hostID string) {
	h := w.Header()
	if e.Diagnosis != "" || len(e.Causes) > 0 {
		// Header values cannot carry newlines. The cause ids lead, in
		// brackets, so scripts can match them without parsing prose.
		d := e.Diagnosis
		if ids := e.CauseIDs(); ids != "" {
			d = "[" + ids + "] " + d
		}
		h.Set(DiagnosisHeader, headerSafe(oneLine.Replace(d)))
	}
	if r != nil && r.Method == http.MethodHead {
		w.WriteHeader(e.Status)
		return
	}
	body := e.Body(requestID, hostID)
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}
