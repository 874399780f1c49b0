package emulator

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// recordingTransport keeps the last request the SDK sends, body included,
// and answers it from the real server so the SDK sees a genuine response.
type recordingTransport struct {
	next http.RoundTripper
	req  *http.Request
	body []byte
}

func (t *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	t.req, t.body = r.Clone(r.Context()), body
	r.Body = io.NopCloser(bytes.NewReader(body))
	return t.next.RoundTrip(r)
}

// BenchmarkServeHTTP_Put4KiB is the PUT half of BenchmarkFronts_PutGet4KiB
// without the network: ServeHTTP replaying the request aws-sdk-go-v2's
// PutObject sends (SigV4 header-signed, its default checksum included), so
// its allocations are the server's alone. The signature stays valid on
// replay because the request's date is within the skew window.
func BenchmarkServeHTTP_Put4KiB(b *testing.B) {
	ts, data := benchServer(b, 4096)
	rec := &recordingTransport{next: ts.HTTPClient.Transport}
	if rec.next == nil {
		rec.next = http.DefaultTransport
	}
	cfg := ts.AWSConfig()
	cfg.HTTPClient = &http.Client{Transport: rec}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(benchBucket), Key: aws.String("obj"), Body: bytes.NewReader(data),
	}); err != nil {
		b.Fatal(err)
	}
	if rec.req.Header.Get("X-Amz-Checksum-Crc32") == "" {
		b.Fatalf("the SDK no longer sends its checksum as a header: the replay measures another path")
	}
	body := &eofWithData{}
	r := httptest.NewRequest(http.MethodPut, rec.req.URL.String(), body)
	r.Header = rec.req.Header
	r.ContentLength = int64(len(rec.body))
	b.ReportAllocs()
	for b.Loop() {
		body.left = rec.body
		r.Body = io.NopCloser(body)
		w := httptest.NewRecorder()
		ts.Server.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// eofWithData reads like net/http's body of a declared length: the read
// that returns the last bytes returns io.EOF with them.
type eofWithData struct{ left []byte }

func (r *eofWithData) Read(p []byte) (int, error) {
	n := copy(p, r.left)
	r.left = r.left[n:]
	if len(r.left) == 0 {
		return n, io.EOF
	}
	return n, nil
}
