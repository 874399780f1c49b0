package emulator

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// What recording costs per request: a signed HeadBucket served in-process
// (no network), with the inspector off and on (on, authentication runs
// through Explain and one record is kept).
func BenchmarkInspector_SignedHeadBucket(b *testing.B) {
	for _, access := range []InspectorAccess{InspectorOff, InspectorLoopback} {
		b.Run(string(access), func(b *testing.B) {
			srv, err := New(Options{
				Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}),
				Clock:       NewManualClock(controlT0),
				Inspector:   access,
				Buckets:     []BucketSetup{{Name: "bench"}},
			})
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodHead, "http://127.0.0.1/bench", nil)
			s3test.SignRequest(b, req, nil, aws.Credentials{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}, "us-east-1", controlT0)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
