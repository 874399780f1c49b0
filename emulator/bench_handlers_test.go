package emulator

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/stricts3/stricts3/internal/benchcpu"
)

// The handler benchmarks compare strictS3's and gofakes3's http.Handlers
// with nothing else in the measurement: each replays the exact requests
// aws-sdk-go-v2 sent (captured once, signatures included) through
// ServeHTTP, with a request and a response writer built the way net/http
// builds them for a server. The network benchmarks (BenchmarkFronts_*)
// measure the same operations over loopback, where the SDK client and
// net/http cost three times what either server does, so their ratio
// swings by ±0.2 from run to run; this one does not. Both handlers run in
// the same loop, interleaved, and the ratio "handler-cpu-x-gofakes3"
// (process CPU per request, garbage collection included) is the verdict:
// target <= 1.

// capturedRequest is one request an SDK sent, as a server would receive it.
type capturedRequest struct {
	method, requestURI, host string
	header                   http.Header
	body                     []byte
}

// captureTransport records every request, then lets the real server answer
// it so the SDK goes on as it would.
type captureTransport struct {
	next http.RoundTripper
	got  []capturedRequest
}

func (t *captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	h := r.Header.Clone()
	if body != nil {
		// The transport writes Content-Length from r.ContentLength; a
		// server finds it among the headers.
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	t.got = append(t.got, capturedRequest{method: r.Method, requestURI: r.URL.RequestURI(), host: r.URL.Host, header: h, body: body})
	return t.next.RoundTrip(r)
}

// captureSDK returns an SDK client of ts whose requests are recorded.
func captureSDK(ts *TestServer) (*s3.Client, *captureTransport) {
	capt := &captureTransport{next: ts.HTTPClient.Transport}
	if capt.next == nil {
		capt.next = http.DefaultTransport
	}
	cfg := ts.AWSConfig()
	cfg.HTTPClient = &http.Client{Transport: capt}
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), capt
}

// replayer serves captured requests to a handler as net/http would: a new
// header map, request and body reader per request, the URL parsed from
// the request line.
type replayer struct {
	h    http.Handler
	body bytes.Reader
}

func (p *replayer) serve(q *capturedRequest) (int, error) {
	u, err := url.ParseRequestURI(q.requestURI)
	if err != nil {
		return 0, err
	}
	r := &http.Request{
		Method: q.method, URL: u, RequestURI: q.requestURI, Host: q.host,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: q.header.Clone(), RemoteAddr: "127.0.0.1:40000", Body: http.NoBody,
	}
	if q.body != nil {
		p.body.Reset(q.body)
		r.Body = io.NopCloser(&p.body)
		r.ContentLength = int64(len(q.body))
	}
	w := &serverResponse{header: http.Header{}}
	p.h.ServeHTTP(w, r.WithContext(context.Background()))
	return w.status(), nil
}

// serverResponse is a ResponseWriter that drops the body, with net/http's
// shape: a ReadFrom that copies through a pooled buffer, so a handler's
// io.Copy allocates nothing, as it does not against net/http.
type serverResponse struct {
	header  http.Header
	code    int
	written int64
}

func (w *serverResponse) Header() http.Header { return w.header }

func (w *serverResponse) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *serverResponse) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.written += int64(len(p))
	return len(p), nil
}

var copyBufferPool = sync.Pool{New: func() any { return new([32 << 10]byte) }}

func (w *serverResponse) ReadFrom(src io.Reader) (int64, error) {
	buf := copyBufferPool.Get().(*[32 << 10]byte)
	defer copyBufferPool.Put(buf)
	return io.CopyBuffer(struct{ io.Writer }{w}, src, buf[:])
}

// SetReadDeadline and SetWriteDeadline succeed, as on a net/http
// connection, for handlers that re-arm deadlines per read or write.
func (w *serverResponse) SetReadDeadline(time.Time) error  { return nil }
func (w *serverResponse) SetWriteDeadline(time.Time) error { return nil }

func (w *serverResponse) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// benchHandlers replays reqs against strictS3's handler and gofakes3's (in
// which the bucket is created first), benchBlock rounds at a time each,
// and reports both CPU costs per request, their ratio, and each one's
// allocations per request. fakeSetup runs on gofakes3 alone, after its
// bucket is created.
func benchHandlers(b *testing.B, ts *TestServer, reqs []capturedRequest, fakeSetup ...capturedRequest) {
	fake := &replayer{h: gofakes3.New(s3mem.New()).Server()}
	create := capturedRequest{method: http.MethodPut, requestURI: "/" + benchBucket, host: "localhost", header: http.Header{}}
	for _, q := range append([]capturedRequest{create}, fakeSetup...) {
		if code, err := fake.serve(&q); err != nil || code != http.StatusOK {
			b.Fatalf("gofakes3 setup %s %s: %d %v", q.method, q.requestURI, code, err)
		}
	}
	type handler struct {
		name  string
		p     *replayer
		meter benchcpu.Meter
	}
	handlers := []*handler{{name: "stricts3", p: &replayer{h: ts.Server}}, {name: "gofakes3", p: fake}}
	round := func(hd *handler) {
		for i := range reqs {
			code, err := hd.p.serve(&reqs[i])
			if err != nil || code/100 != 2 {
				b.Fatalf("%s %s %s: %d %v", hd.name, reqs[i].method, reqs[i].requestURI, code, err)
			}
		}
	}
	for _, hd := range handlers { // warm
		round(hd)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, hd := range handlers {
			hd.meter.Measure(benchBlock*len(reqs), func() {
				for range benchBlock {
					round(hd)
				}
			})
		}
	}
	b.StopTimer()
	for _, hd := range handlers {
		b.ReportMetric(hd.meter.CPUPerOp(), hd.name+"-cpu-ns/req")
		var before, after runtime.MemStats
		const rounds = 50
		runtime.ReadMemStats(&before)
		for range rounds {
			round(hd)
		}
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(rounds*len(reqs)), hd.name+"-allocs/req")
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(rounds*len(reqs)), hd.name+"-B/req")
	}
	b.ReportMetric(handlers[0].meter.CPUPerOp()/handlers[1].meter.CPUPerOp(), "handler-cpu-x-gofakes3")
}

// BenchmarkHandlers_PutGet4KiB replays the PutObject and GetObject of a
// 4 KiB object that aws-sdk-go-v2 sends with its defaults (header-signed,
// payload SHA-256, CRC32 checksum header, checksum mode on the GET).
func BenchmarkHandlers_PutGet4KiB(b *testing.B) {
	ts, data := benchServer(b, 4096)
	c, capt := captureSDK(ts)
	ctx := context.Background()
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("obj"), Body: bytes.NewReader(data)}); err != nil {
		b.Fatal(err)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("obj")})
	if err != nil {
		b.Fatal(err)
	}
	_, err = io.Copy(io.Discard, out.Body)
	out.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	if len(capt.got) != 2 {
		b.Fatalf("the SDK sent %d requests, want PUT and GET", len(capt.got))
	}
	benchHandlers(b, ts, capt.got)
}

// BenchmarkHandlers_PresignedGet4KiB replays a GET of a 4 KiB object
// through a URL the SDK's presign client made.
func BenchmarkHandlers_PresignedGet4KiB(b *testing.B) {
	ts, data := benchServer(b, 4096)
	ctx := context.Background()
	if _, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("obj"), Body: bytes.NewReader(data)}); err != nil {
		b.Fatal(err)
	}
	req, err := ts.Presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("obj")})
	if err != nil {
		b.Fatal(err)
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		b.Fatal(err)
	}
	// gofakes3 ignores signatures: the object is put there unsigned.
	put := capturedRequest{method: http.MethodPut, requestURI: "/" + benchBucket + "/obj", host: u.Host,
		header: http.Header{"Content-Length": {strconv.Itoa(len(data))}}, body: data}
	get := capturedRequest{method: http.MethodGet, requestURI: u.RequestURI(), host: u.Host, header: http.Header{}}
	benchHandlers(b, ts, []capturedRequest{get}, put)
}
