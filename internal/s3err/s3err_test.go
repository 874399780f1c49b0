package s3err

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBody_ExtrasSitBetweenMessageAndRequestId(t *testing.T) {
	e := New(AuthorizationHeaderMalformed).With("Region", "eu-west-1")
	got := string(e.Body("REQ1", "HOST1"))
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed.</Message>` +
		`<Region>eu-west-1</Region><RequestId>REQ1</RequestId><HostId>HOST1</HostId></Error>`
	assert.Equal(t, want, got)
}

func TestBody_EscapesOnlyWhatXMLRequires(t *testing.T) {
	e := New(AccessForbidden).With("StringToSign", "a<b>&c'd\"e")
	body := string(e.Body("r", "h"))
	assert.Contains(t, body, "resource's CORS spec.")
	assert.Contains(t, body, `<StringToSign>a&lt;b&gt;&amp;c'd"e</StringToSign>`)
	var parsed struct {
		StringToSign string
	}
	require.NoError(t, xml.Unmarshal([]byte(body), &parsed))
	assert.Equal(t, "a<b>&c'd\"e", parsed.StringToSign)
}

func TestWrite_HeadHasNoBody(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(method, "/b/k", nil)
		Write(rec, r, New(NoSuchKey).WithDiagnosis("line1\nline2"), "rid", "hid")
		assert.Equal(t, http.StatusNotFound, rec.Code)
		assert.Equal(t, "line1 | line2", rec.Header().Get(DiagnosisHeader))
		if method == http.MethodHead {
			assert.Empty(t, rec.Body.String())
			continue
		}
		assert.Equal(t, "application/xml", rec.Header().Get("Content-Type"))
		assert.Contains(t, rec.Body.String(), "<Code>NoSuchKey</Code>")
	}
}

func TestNew_UnknownCodeIsLoudInternalError(t *testing.T) {
	e := New("NoSuchThing")
	assert.Equal(t, InternalError, e.Code)
	assert.Equal(t, http.StatusInternalServerError, e.Status)
	assert.Equal(t, "We encountered an internal error. Please try again.", e.Message)
	assert.Contains(t, e.Diagnosis, "NoSuchThing")
}

func TestHexBytes_LowerCasePairsSeparatedBySpaces(t *testing.T) {
	assert.Equal(t, "41 57 53 34 2d", HexBytes("AWS4-"))
	assert.Equal(t, "", HexBytes(""))
}

func TestWith_DoesNotMutateTheOriginal(t *testing.T) {
	base := New(InvalidArgument)
	a := base.With("ArgumentName", "a")
	b := base.With("ArgumentName", "b")
	assert.Empty(t, base.Extra)
	v, _ := a.Get("ArgumentName")
	assert.Equal(t, "a", v)
	v, _ = b.Get("ArgumentName")
	assert.Equal(t, "b", v)
}
