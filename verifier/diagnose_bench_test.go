package verifier

import (
	"net/http"
	"testing"
	"time"

	"github.com/stricts3/stricts3/internal/s3err"
)

// BenchmarkDiagnoseNoMatch is the failure path at its most expensive: a
// pre-signed PUT with a signed Content-Type, a query and an odd key,
// signed with an unknown secret, so every variant is tried and none
// matches.
func BenchmarkDiagnoseNoMatch(b *testing.B) {
	v, _ := newTestVerifier(b, testRegion)
	other := keyMain
	other.SecretAccessKey = "not-the-secret"
	u, _ := presignedURL(b, other, testRegion, "PUT", "http://localhost:9000/bucket/a%2Bb%20c//d%C3%A9?prefix=a%2Bb&x-amz-checksum-crc32=AAAAAA%3D%3D", time.Hour,
		map[string]string{"Content-Type": "image/png"})
	r := presignedRequest(b, "PUT", u, http.Header{"Content-Type": {"text/plain"}})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_, err := v.Authenticate(r)
		if e, ok := s3err.As(err); !ok || e.Causes[0].ID != CauseWrongSecret {
			b.Fatal(err)
		}
	}
}
