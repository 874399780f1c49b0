package verifier_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// Warn-only mode: a request whose authentication fails (here: it has no
// date) is served as the key it claims (LaxResult), and a body whose checksum does not match is read to
// the end while the mismatch is reported (WarnOnly).
func ExampleWarnOnly() {
	v := verifier.New(verifier.Config{Region: "us-east-1", Credentials: verifier.NewStaticCredentials(
		verifier.Credential{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "secret"})})
	r := httptest.NewRequest(http.MethodPut, "/bucket/key", strings.NewReader("hello"))
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0000")
	r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	r.Header.Set("X-Amz-Checksum-Crc32", "AAAAAA==")

	if _, err := v.Authenticate(r); err != nil {
		e, _ := s3err.As(err)
		fmt.Println("S3 answers:", e.Code, e.Message)
	}
	res := v.LaxResult(r)
	fmt.Println("served as:", res.Identity.Auth, res.Identity.AccessKeyID)

	b, err := v.Body(r, res, verifier.WarnOnly(func(e *s3err.Error) { fmt.Println("S3 answers:", e.Code) }))
	if err != nil {
		fmt.Println(err)
		return
	}
	data, err := io.ReadAll(b)
	fmt.Printf("%q %v\n", data, err)
	// Output:
	// S3 answers: AccessDenied AWS authentication requires a valid Date or x-amz-date header
	// served as: sigv4-header AKIAIOSFODNN7EXAMPLE
	// S3 answers: BadDigest
	// "hello" <nil>
}
