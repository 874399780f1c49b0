package s3err

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithCauses_IDsLeadTheDiagnosisHeader(t *testing.T) {
	base := New(SignatureDoesNotMatch)
	e := base.WithCauses(
		Cause{ID: "method-mismatch", Message: "signed for PUT, sent as GET", Evidence: map[string]string{"signed": "PUT"}},
		Cause{ID: "host-mismatch", Message: "host differs"},
	)
	require.Len(t, e.Causes, 2)
	assert.Empty(t, base.Causes, "WithCauses must not mutate the table row")
	assert.Equal(t, "method-mismatch,host-mismatch", e.CauseIDs())
	assert.Equal(t, "signed for PUT, sent as GET; host differs", e.Diagnosis)

	rec := httptest.NewRecorder()
	Write(rec, httptest.NewRequest(http.MethodGet, "/b/k", nil), e, "rid", "hid")
	assert.Equal(t, "[method-mismatch,host-mismatch] signed for PUT, sent as GET; host differs", rec.Header().Get(DiagnosisHeader))
	assert.NotContains(t, rec.Body.String(), "method-mismatch", "causes never reach the AWS-exact XML")
}

func TestWithCauses_KeepsAnExistingDiagnosis(t *testing.T) {
	e := New(AccessDenied).WithDiagnosis("kept").WithCauses(Cause{ID: "expired", Message: "other"})
	assert.Equal(t, "kept", e.Diagnosis)
	assert.Equal(t, "expired", e.CauseIDs())
}
