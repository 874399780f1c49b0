package verifier_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stricts3/stricts3/internal/s3test"
)

// BenchmarkReadPost reads a signed SigV4 form with a 1 MiB file: the form
// up to the file, signature and policy, then the file to its end.
func BenchmarkReadPost(b *testing.B) {
	file := &s3test.File{Filename: "big.bin", Content: strings.Repeat("x", 1<<20)}
	body, ct := s3test.PostForm(b, formFields(v4Fields("user/a", keyedPolicy())), file)
	v := newPostVerifier(s3test.NewClock(testNow))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		r, _ := http.NewRequest(http.MethodPost, "http://localhost/"+testBucket, bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		up, err := v.ReadPost(r, testBucket)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, up.File); err != nil {
			b.Fatal(err)
		}
	}
}
