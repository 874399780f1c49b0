package s3test

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// WireError is an S3 error body as sent: Code, Message and the extra
// elements as name, value pairs in wire order. RequestId and HostId are
// checked by RequireEnvelope and not kept.
type WireError struct {
	Code    string
	Message string
	Extra   []string
}

// Elem returns the value of the extra element called name, or "".
func (e WireError) Elem(name string) string {
	for i := 0; i+1 < len(e.Extra); i += 2 {
		if e.Extra[i] == name {
			return e.Extra[i+1]
		}
	}
	return ""
}

// Names lists the extra elements' names in order.
func (e WireError) Names() []string {
	var out []string
	for i := 0; i < len(e.Extra); i += 2 {
		out = append(out, e.Extra[i])
	}
	return out
}

// RequireEnvelope checks that resp, whose body is body, is S3's error
// envelope (spec §1) with the given status: application/xml with a
// matching Content-Length, the body ParseError accepts, and RequestId and
// HostId equal to the x-amz-request-id and x-amz-id-2 headers. It returns
// the error with its extra elements in order.
func RequireEnvelope(t testing.TB, resp *http.Response, body []byte, status int) WireError {
	t.Helper()
	require.Equal(t, status, resp.StatusCode, "body: %s", body)
	assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
	assert.Equal(t, strconv.Itoa(len(body)), resp.Header.Get("Content-Length"))
	e, requestID, hostID := parseEnvelope(t, body)
	assert.Equal(t, resp.Header.Get("X-Amz-Request-Id"), requestID)
	assert.Equal(t, resp.Header.Get("X-Amz-Id-2"), hostID)
	return e
}

// ParseError checks that body is S3's error document (the XML declaration,
// a flat <Error> with Code and Message first and a non-empty RequestId and
// HostId last) and returns it with its extra elements in order. Use
// RequireEnvelope when the response's status and headers are at hand.
func ParseError(t testing.TB, body []byte) WireError {
	t.Helper()
	e, _, _ := parseEnvelope(t, body)
	return e
}

func parseEnvelope(t testing.TB, body []byte) (e WireError, requestID, hostID string) {
	t.Helper()
	require.True(t, bytes.HasPrefix(body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>")), "body: %s", body)
	dec := xml.NewDecoder(bytes.NewReader(body))
	var names, values []string
	depth := 0
	var cur *strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "body: %s", body)
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				require.Equal(t, "Error", tok.Name.Local)
			}
			if depth == 2 {
				names = append(names, tok.Name.Local)
				cur = &strings.Builder{}
			}
			require.LessOrEqual(t, depth, 2, "nested element in %s", body)
		case xml.CharData:
			if depth == 2 {
				cur.Write(tok)
			}
		case xml.EndElement:
			if depth == 2 {
				values = append(values, cur.String())
			}
			depth--
		}
	}
	require.GreaterOrEqual(t, len(names), 4, "body: %s", body)
	require.Equal(t, []string{"Code", "Message"}, names[:2], "body: %s", body)
	require.Equal(t, []string{"RequestId", "HostId"}, names[len(names)-2:], "body: %s", body)
	requestID, hostID = values[len(values)-2], values[len(values)-1]
	assert.NotEmpty(t, requestID)
	e = WireError{Code: values[0], Message: values[1]}
	for i := 2; i < len(names)-2; i++ {
		e.Extra = append(e.Extra, names[i], values[i])
	}
	return e, requestID, hostID
}

// ReadError reads resp's body and checks it with RequireEnvelope.
func ReadError(t testing.TB, resp *http.Response, status int) WireError {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return RequireEnvelope(t, resp, body, status)
}

// RequireError checks the envelope as RequireEnvelope does and that it
// carries exactly code, message and the extra elements given as name, value
// pairs in wire order.
func RequireError(t testing.TB, resp *http.Response, body []byte, status int, code, message string, extra ...string) {
	t.Helper()
	got := RequireEnvelope(t, resp, body, status)
	require.Equal(t, WireError{Code: code, Message: message, Extra: extra}, got, "body: %s", body)
}
