package verifier

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
)

// assertKeepsSecret checks that nothing S3 or strictS3 shows for e (the
// error text, the diagnosis, the XML body and the response headers) holds
// any of secrets.
func assertKeepsSecret(t *testing.T, e *s3err.Error, secrets ...string) {
	t.Helper()
	rec := httptest.NewRecorder()
	s3err.Write(rec, nil, e, "req", "host")
	shown := []string{e.Error(), e.Diagnosis, rec.Body.String()}
	for name, vs := range rec.Header() {
		shown = append(shown, name+": "+strings.Join(vs, ", "))
	}
	for _, s := range secrets {
		require.NotEmpty(t, s)
		for _, text := range shown {
			assert.NotContains(t, text, s)
		}
	}
}

// TestSignatureMismatch_Diagnosis_NeverShowsTheCalculatedSignature covers
// every signing scheme's mismatch path, with and without a diagnosis that
// finds the variant the client signed: the diagnosis names what differs,
// never the signature strictS3 computed, the signing key or the secret.
func TestSignatureMismatch_Diagnosis_NeverShowsTheCalculatedSignature(t *testing.T) {
	v2Target := presignV2("GET", "/bucket/k", "", v2Expires, "GET\n\n\n"+base10(v2Expires)+"\n/bucket/k")
	tests := []struct {
		name    string
		request func(t *testing.T) *http.Request
	}{
		{"SigV4 header, header changed after signing", func(t *testing.T) *http.Request {
			r := signedHeaderRequest(t, keyMain, "PUT", "http://localhost/bucket/k", "data", map[string]string{"X-Amz-Meta-A": "1"})
			r.Header.Set("X-Amz-Meta-A", "2")
			return r
		}},
		{"SigV4 header, other method (diagnosis finds it)", func(t *testing.T) *http.Request {
			r := signedHeaderRequest(t, keyMain, "GET", "http://localhost/bucket/k", "", nil)
			r.Method = http.MethodDelete
			return r
		}},
		{"SigV4 query, parameter added", func(t *testing.T) *http.Request {
			u, h := presignedURL(t, keyMain, testRegion, "GET", "http://localhost/bucket/k", time.Hour, nil)
			return presignedRequest(t, "GET", u+"&x-id=GetObject", h)
		}},
		{"SigV2 query, Content-Type added", func(t *testing.T) *http.Request {
			return v2HTTPRequest("GET", "localhost", v2Target, map[string][]string{"Content-Type": {"text/plain"}})
		}},
		{"SigV2 query, nothing explains it", func(t *testing.T) *http.Request {
			return v2HTTPRequest("GET", "localhost", strings.Replace(v2Target, "/bucket/k", "/bucket/other", 1), nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _ := newV2Verifier(t, testRegion, signTime.Add(30*time.Second))
			ex := v.Explain(tt.request(t))
			e, ok := s3err.As(ex.Err)
			require.True(t, ok, "%v", ex.Err)
			require.Equal(t, s3err.SignatureDoesNotMatch, e.Code, "%v", e)
			require.NotEqual(t, ex.Provided, ex.Expected)
			assert.NotEmpty(t, e.Diagnosis)
			assertKeepsSecret(t, e, ex.Expected, keyMain.SecretAccessKey)
		})
	}
}
