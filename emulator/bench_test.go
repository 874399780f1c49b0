package emulator

import (
	"bytes"
	"context"
	"crypto/md5"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/stricts3/stricts3/internal/benchcpu"
)

// The server benchmarks measure whole requests over loopback HTTP — client
// signing, verification, body checks, the store — because that is the cost
// a test suite pays per S3 call. Each runs, in the same process and
// interleaved, the ceiling it is judged against, and reports the ratio, so
// the verdict holds on any machine however loaded:
//
//   - BenchmarkFronts_*: the same requests against strictS3, gofakes3's own
//     front end (gofakes3.New(s3mem.New()).Server()) and a do-nothing
//     http.Handler. Process CPU per request minus the do-nothing handler's
//     (the client's and net/http's share) is each server's own CPU;
//     "server-cpu-x-gofakes3" is strictS3's over gofakes3's (target <= 1).
//     The pre-signed GET also runs strictS3 with its reads answered from a
//     snapshot ("front-cpu-x-gofakes3"): the front's cost without the
//     store's, against gofakes3's front and store together.
//   - BenchmarkServer_GetThroughput: a large pre-signed GET against a handler
//     that writes the same bytes from a slice ("x-ceiling", target >= 0.9).
//   - BenchmarkServer_PutObject1MiB: upload speed over MD5 speed, the
//     ceiling of every upload path (the ETag is an MD5).

const benchBucket = "bench"

func benchServer(b *testing.B, size int) (*TestServer, []byte) {
	b.Helper()
	// A log line per request to b.Log would dominate the measurement.
	ts := NewTestServer(b, WithLogger(slog.New(slog.DiscardHandler)))
	_, err := ts.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(benchBucket)})
	if err != nil {
		b.Fatal(err)
	}
	return ts, bytes.Repeat([]byte("strictS3"), size/8)
}

// front is one HTTP server the comparison benchmarks send requests to.
type front struct {
	name    string
	client  *s3.Client
	presign *s3.PresignClient
	http    *http.Client
	meter   benchcpu.Meter
}

// benchFronts starts strictS3, gofakes3 and the do-nothing handler, each
// behind its own httptest server, with SDK clients configured alike.
func benchFronts(b *testing.B) []*front {
	ts := NewTestServer(b, WithLogger(slog.New(slog.DiscardHandler)))
	fronts := []*front{{name: "stricts3", client: ts.Client, presign: ts.Presign, http: ts.HTTPClient}}
	for _, o := range []struct {
		name string
		h    http.Handler
	}{
		{"gofakes3", gofakes3.New(s3mem.New()).Server()},
		{"nothing", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})},
	} {
		hs := httptest.NewServer(o.h)
		b.Cleanup(hs.Close)
		cfg := ts.AWSConfig()
		cfg.HTTPClient = hs.Client()
		cfg.BaseEndpoint = aws.String(hs.URL)
		c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
		fronts = append(fronts, &front{name: o.name, client: c, presign: s3.NewPresignClient(c), http: hs.Client()})
	}
	for _, f := range fronts[:2] {
		if _, err := f.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(benchBucket)}); err != nil {
			b.Fatalf("%s: %v", f.name, err)
		}
	}
	return fronts
}

// benchBlock is how many requests go to one front before the next: a
// server's work after its response (the log line, closing the body) then
// lands in its own measurement, not the next front's.
const benchBlock = 8

// runFronts runs op benchBlock times on each front per iteration and
// reports per-request CPU of each and the server-CPU ratio. ns/op is
// strictS3's wall time per request.
func runFronts(b *testing.B, fronts []*front, op func(f *front) error) {
	for _, f := range fronts { // warm connections and caches
		if err := op(f); err != nil {
			b.Fatalf("%s: %v", f.name, err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		for _, f := range fronts {
			var err error
			f.meter.Measure(benchBlock, func() {
				for range benchBlock {
					if err = op(f); err != nil {
						return
					}
				}
			})
			if err != nil {
				b.Fatalf("%s: %v", f.name, err)
			}
		}
	}
	b.StopTimer()
	byName := map[string]*front{}
	for _, f := range fronts {
		byName[f.name] = f
		b.ReportMetric(f.meter.CPUPerOp(), f.name+"-cpu-ns/req")
	}
	b.ReportMetric(byName["stricts3"].meter.WallPerOp(), "ns/op")
	nothing := byName["nothing"].meter.CPUPerOp()
	if fake := byName["gofakes3"].meter.CPUPerOp() - nothing; fake > 0 {
		b.ReportMetric((byName["stricts3"].meter.CPUPerOp()-nothing)/fake, "server-cpu-x-gofakes3")
	}
}

func BenchmarkFronts_PresignedGet4KiB(b *testing.B) {
	fronts := benchFronts(b)
	data := bytes.Repeat([]byte("strictS3"), 4096/8)
	ctx := context.Background()
	urls := map[*front]string{}
	for _, f := range fronts {
		if _, err := f.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("obj"), Body: bytes.NewReader(data)}); err != nil {
			b.Fatalf("%s: %v", f.name, err)
		}
		req, err := f.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("obj")})
		if err != nil {
			b.Fatal(err)
		}
		urls[f] = req.URL
	}
	runFronts(b, fronts, func(f *front) error { return fetch(f.http, urls[f]) })
}

func BenchmarkFronts_PutGet4KiB(b *testing.B) {
	fronts := benchFronts(b)
	data := bytes.Repeat([]byte("strictS3"), 4096/8)
	ctx := context.Background()
	runFronts(b, fronts, func(f *front) error { return sdkPutGet(ctx, f.client, data) })
}

// sdkPutGet is the PUT+GET pair the comparison benchmarks repeat:
// aws-sdk-go-v2's PutObject of data, then its GetObject read to the end.
func sdkPutGet(ctx context.Context, c *s3.Client, data []byte) error {
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(benchBucket), Key: aws.String("obj"), Body: bytes.NewReader(data),
	}); err != nil {
		return err
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("obj")})
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, out.Body)
	out.Body.Close()
	return err
}

// fetch GETs url and reads the answer to the end; only a 200 is success.
func fetch(hc *http.Client, url string) error {
	resp, err := hc.Get(url)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return statusErr(resp, err)
}

func statusErr(resp *http.Response, err error) error {
	if err == nil && resp.StatusCode != http.StatusOK {
		return &benchStatusError{resp.StatusCode}
	}
	return err
}

type benchStatusError struct{ status int }

func (e *benchStatusError) Error() string { return "status " + strconv.Itoa(e.status) }

func BenchmarkServer_GetThroughput(b *testing.B) {
	const size = 16 << 20
	ts, data := benchServer(b, size)
	ctx := context.Background()
	if _, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(benchBucket), Key: aws.String("big"), Body: bytes.NewReader(data),
	}); err != nil {
		b.Fatal(err)
	}
	req, err := ts.Presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("big")})
	if err != nil {
		b.Fatal(err)
	}
	slice := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		_, _ = w.Write(data)
	}))
	b.Cleanup(slice.Close)
	get := func(c *http.Client, url string) error {
		resp, err := c.Get(url)
		if err != nil {
			return err
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && n != size {
			return io.ErrUnexpectedEOF
		}
		return statusErr(resp, err)
	}
	var server, ceiling time.Duration
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if err := get(ts.HTTPClient, req.URL); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := get(slice.Client(), slice.URL); err != nil {
			b.Fatal(err)
		}
		server, ceiling = server+t1.Sub(t0), ceiling+time.Since(t1)
	}
	b.StopTimer()
	b.ReportMetric(float64(server.Nanoseconds())/float64(b.N), "ns/op")
	b.ReportMetric(mbps(size*b.N, server), "MB/s")
	b.ReportMetric(mbps(size*b.N, ceiling), "ceiling-MB/s")
	b.ReportMetric(ceiling.Seconds()/server.Seconds(), "x-ceiling")
}

func mbps(n int, d time.Duration) float64 { return float64(n) / 1e6 / d.Seconds() }

func BenchmarkServer_PutObject1MiB(b *testing.B) {
	ts, data := benchServer(b, 1<<20)
	ctx := context.Background()
	var put, md benchcpu.Meter
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		put.Measure(1, func() {
			_, err = ts.Client.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String(benchBucket), Key: aws.String("obj"), Body: bytes.NewReader(data),
			})
		})
		if err != nil {
			b.Fatal(err)
		}
		md.Measure(1, func() { md5.Sum(data) })
	}
	b.StopTimer()
	b.ReportMetric(put.WallPerOp(), "ns/op")
	b.ReportMetric(mbps(len(data)*b.N, put.Wall), "MB/s")
	b.ReportMetric(mbps(len(data)*b.N, md.Wall), "md5-MB/s")
	b.ReportMetric(md.Wall.Seconds()/put.Wall.Seconds(), "x-md5")
}

func BenchmarkServer_RejectedPresignedGet(b *testing.B) {
	ts, _ := benchServer(b, 8)
	req, err := ts.Presign.PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("obj")})
	if err != nil {
		b.Fatal(err)
	}
	tampered := req.URL + "&x-id=tampered"
	b.ReportAllocs()
	for b.Loop() {
		resp, err := ts.HTTPClient.Get(tampered)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkServeHTTP_PresignedGet4KiB is the server alone, without the
// network: ServeHTTP on a recorded request, so its allocations are the
// server's (store included) and nothing else's.
func BenchmarkServeHTTP_PresignedGet4KiB(b *testing.B) {
	ts, data := benchServer(b, 4096)
	ctx := context.Background()
	if _, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(benchBucket), Key: aws.String("obj"), Body: bytes.NewReader(data),
	}); err != nil {
		b.Fatal(err)
	}
	req, err := ts.Presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("obj")})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, req.URL, nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		ts.Server.ServeHTTP(w, r)
		if w.Code != http.StatusOK || w.Body.Len() != len(data) {
			b.Fatalf("status %d, %d bytes: %s", w.Code, w.Body.Len(), w.Body)
		}
	}
}
