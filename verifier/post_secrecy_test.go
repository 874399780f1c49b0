package verifier_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
)

// TestReadPost_SignatureMismatch_NeverShowsTheCalculatedSignature: a POST
// form is unauthenticated until its signature checks out, so the answer to
// a wrong one (XML, diagnosis header, log text) must not carry the
// signature strictS3 computed over the policy, nor the secret.
func TestReadPost_SignatureMismatch_NeverShowsTheCalculatedSignature(t *testing.T) {
	good := keyedPolicy()
	tests := []struct {
		name       string
		fields     []kv
		calculated string
	}{
		{"SigV4", replace(v4Fields("user/a", good), "X-Amz-Signature", strings.Repeat("0", 64)),
			s3test.SignV4Policy(testSecret, testDay, testRegion, good)},
		{"SigV4 signed for another day", replace(v4Fields("user/a", good), "X-Amz-Signature", s3test.SignV4Policy(testSecret, "20261125", testRegion, good)),
			s3test.SignV4Policy(testSecret, testDay, testRegion, good)},
		{"SigV2", replace(v2Fields("user/a", good), "Signature", s3test.SignV2Policy("other", good)),
			s3test.SignV2Policy(testSecret, good)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newPostVerifier(s3test.NewClock(testNow))
			_, err := v.ReadPost(postBody(t, tt.fields, aFile, nil), testBucket)
			e, ok := s3err.As(err)
			require.True(t, ok, "%v", err)
			require.Equal(t, s3err.SignatureDoesNotMatch, e.Code)
			assert.NotEmpty(t, e.Diagnosis)
			rec := httptest.NewRecorder()
			s3err.Write(rec, &http.Request{Method: http.MethodPost}, e, "req", "host")
			shown := e.Error() + "\n" + rec.Body.String() + "\n" + rec.Header().Get(s3err.DiagnosisHeader)
			assert.NotContains(t, shown, tt.calculated)
			assert.NotContains(t, shown, testSecret)
		})
	}
}
