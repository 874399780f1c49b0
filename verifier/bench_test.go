package verifier

import (
	"testing"
	"time"
)

func BenchmarkVerifyPresigned(b *testing.B) {
	v, _ := newTestVerifier(b, testRegion)
	u, h := presignedURL(b, keyMain, testRegion, "GET", "http://localhost:9000/bucket/some/key%20with%20spaces.txt?response-content-type=text%2Fplain", time.Hour, nil)
	r := presignedRequest(b, "GET", u, h)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := v.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyHeader(b *testing.B) {
	v, _ := newTestVerifier(b, testRegion)
	r := signedHeaderRequest(b, keyMain, "PUT", "http://localhost:9000/bucket/some/key.txt", "hello world",
		map[string]string{"Content-Type": "text/plain", "X-Amz-Meta-Color": "blue"})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := v.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
}
