package emulator

import (
	"strings"
	"unicode/utf8"

	"github.com/stricts3/stricts3/internal/s3err"
)

// overrideParams are the GET/HEAD query parameters that replace a response
// header, as S3 allows on authenticated requests, in the order they are
// checked, so a request with several bad values always names the same one.
var overrideParams = []struct{ param, header string }{
	{"response-cache-control", "Cache-Control"},
	{"response-content-disposition", "Content-Disposition"},
	{"response-content-encoding", "Content-Encoding"},
	{"response-content-language", "Content-Language"},
	{"response-content-type", "Content-Type"},
	{"response-expires", "Expires"},
}

// checkOverrideCharset refuses a response-* override that cannot be sent as
// an HTTP header: S3 writes header values in ISO-8859-1 and answers 400
// InvalidArgument naming the parameter (spec §4, also seen on SigV4 URLs
// for response-content-disposition with non-Latin file names).
func checkOverrideCharset(c *call) error {
	q := c.query
	for _, o := range overrideParams {
		param := o.param
		vals, ok := q[param]
		if !ok || len(vals) == 0 {
			continue
		}
		if v := vals[0]; !latin1(v) || strings.ContainsFunc(v, isHeaderControl) {
			return s3err.Newf(s3err.InvalidArgument, "Header value cannot be represented using ISO-8859-1.").
				With("ArgumentName", param).With("ArgumentValue", v).
				WithDiagnosis("%s holds characters outside ISO-8859-1; encode file names with RFC 5987 (filename*=UTF-8''...)", param)
		}
	}
	return nil
}

// isHeaderControl is a character no HTTP header value may hold (tab
// aside). S3's answer to one in a response-* override is not recorded;
// strictS3 gives the charset error, since the value cannot be sent either
// way, rather than a header that makes clients drop the response.
func isHeaderControl(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }

// latin1 reports whether every character of s (UTF-8) is in ISO-8859-1.
// Bytes that are not UTF-8 cannot be read as characters at all.
func latin1(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || r > 0xFF {
			return false
		}
		i += n
	}
	return true
}

// latin1Bytes re-encodes s, whose characters latin1 accepted, as
// ISO-8859-1, the charset S3 writes response-* overrides in. net/http sends
// a header string's bytes unchanged, so "é" must become the single byte
// 0xE9 rather than UTF-8's two; Latin-1 clients (Python's http.client,
// browsers) then read back the character the URL carried.
func latin1Bytes(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}
