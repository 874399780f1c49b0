package s3err

import (
	"encoding/xml"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Error documents echo client input; whatever bytes it holds, the document
// must stay parsable XML (FuzzServer found a SigV2 Signature=%FB echoed raw
// in SignatureProvided).
func TestBody_EchoedInputXMLCannotCarry_IsReplacedSoTheDocumentParses(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"invalid UTF-8", "ab\xfbc", "ab\uFFFDc"},
		{"NUL and other C0 controls", "a\x00b\x01\x1f", "a\uFFFDb\uFFFD\uFFFD"},
		{"U+FFFE and U+FFFF", "a\uFFFEb\uFFFF", "a\uFFFDb\uFFFD"},
		{"truncated multi-byte sequence", "caf\xc3", "caf\uFFFD"},
		{"tab, newline, CR and markup survive", "a\tb\nc\rd<&>", "a\tb\nc\rd<&>"},
		{"valid non-ASCII is kept", "naïve 日本 😀", "naïve 日本 😀"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := New(SignatureDoesNotMatch).With("SignatureProvided", tc.value).Body("rid", "hid")
			var doc struct {
				Code      string `xml:"Code"`
				Signature string `xml:"SignatureProvided"`
				RequestID string `xml:"RequestId"`
			}
			require.NoError(t, xml.Unmarshal(body, &doc), "%q", body)
			assert.Equal(t, string(SignatureDoesNotMatch), doc.Code)
			assert.Equal(t, tc.want, doc.Signature)
			assert.Equal(t, "rid", doc.RequestID)
		})
	}
}

// The diagnosis header quotes request values; a control character in it
// would make Go's HTTP client drop the response.
func TestWrite_DiagnosisWithControlCharacters_IsAValidHeaderValue(t *testing.T) {
	rec := httptest.NewRecorder()
	Write(rec, httptest.NewRequest("GET", "/", nil),
		New(AccessDenied).WithDiagnosis("value %s\r\nnext\tline\x7f", "a\x00b\x1b"), "rid", "hid")
	assert.Equal(t, "value a?b?  | next\tline?", rec.Header().Get(DiagnosisHeader))
}
