package emulator

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
)

// BenchmarkServer_Put256MiB sends a 256 MiB PutObject through the whole
// handler (verification, body checks, the memory or directory store) and,
// in the same loop, computes the ceilings no implementation can beat: the
// MD5 the ETag needs, and for a signed payload MD5 plus the SHA-256 the
// signature covers, each on one core. It reports put/md5-ceiling and, when
// signed, put/md5+sha256-ceiling (1 = nothing spent beyond the hashes; the
// body hashes in parallel pieces, so with a second core free a ratio can
// pass 1). The handler is called directly, so the loopback copy (measured
// by the GET benchmark) is not part of it.
func BenchmarkServer_Put256MiB(b *testing.B) {
	const size = 256 << 20
	body := bytes.Repeat([]byte("strictS3"), size/8)
	for _, st := range []string{"memory", "dir"} {
		for _, signed := range []bool{false, true} {
			name := st + "/unsigned-payload"
			if signed {
				name = st + "/signed-payload"
			}
			b.Run(name, func(b *testing.B) {
				var s store.Store = store.NewMemory()
				if st == "dir" {
					d, err := store.NewDir(b.TempDir())
					require.NoError(b, err)
					b.Cleanup(func() { d.Close() })
					s = d
				}
				ts := NewTestServer(b, WithStore(s), WithLogger(slog.New(slog.DiscardHandler)))
				ctx := context.Background()
				require.NoError(b, s.CreateBucket(ctx, "bench", ts.Region))
				hash := "UNSIGNED-PAYLOAD"
				if signed {
					hash = s3test.PayloadHash(body)
				}
				put := func() time.Duration {
					req := httptest.NewRequest(http.MethodPut, ts.URL+"/bench/big", bytes.NewReader(body))
					req.Header.Set("X-Amz-Content-Sha256", hash)
					s3test.SignRequest(b, req, body, testCreds(ts), ts.Region, ts.Clock.Now())
					rec := httptest.NewRecorder()
					start := time.Now()
					ts.Server.ServeHTTP(rec, req)
					took := time.Since(start)
					if rec.Code != http.StatusOK {
						b.Fatalf("PUT: %d %s", rec.Code, rec.Body)
					}
					require.NoError(b, s.DeleteObject(ctx, "bench", "big"))
					return took
				}
				// One PUT before timing, as the GET benchmark warms up: a
				// process's first fault-in of memory it never used before
				// cost 0.5 s per 256 MiB on the 2-vCPU VM of the README
				// (the hypervisor backing guest pages), once per process,
				// while every later PUT reuses pages the store gave back.
				put()
				var putTime, md5Time, shaTime time.Duration
				for b.Loop() {
					start := time.Now()
					md5.Sum(body)
					md5Time += time.Since(start)
					if signed {
						start = time.Now()
						sha256.Sum256(body)
						shaTime += time.Since(start)
					}
					putTime += put()
				}
				reportCeiling(b, size, putTime, md5Time, "put", "md5")
				if signed {
					reportCeiling(b, size, putTime, md5Time+shaTime, "put", "md5+sha256")
				}
			})
		}
	}
}

// reportCeiling reports an operation's rate, its ceiling's, and their
// ratio, from the total time each took over b.N rounds of size bytes.
func reportCeiling(b *testing.B, size int64, opTime, ceilTime time.Duration, op, ceiling string) {
	mbps := func(d time.Duration) float64 { return float64(b.N) * float64(size) / 1e6 / d.Seconds() }
	b.ReportMetric(mbps(opTime), op+"-MB/s")
	b.ReportMetric(mbps(ceilTime), ceiling+"-MB/s")
	b.ReportMetric(ceilTime.Seconds()/opTime.Seconds(), op+"/"+ceiling+"-ceiling")
}

// BenchmarkServer_Get256MiB downloads a 256 MiB object over loopback HTTP
// from the memory and the directory store and, in the same loop, the same
// bytes from a net/http handler that writes them from a byte slice: the
// ceiling of any Go server (a bare TCP connection measured no faster and
// far noisier). The client reads both the same way. It reports get/ceiling
// (1 = verification and the store cost nothing).
func BenchmarkServer_Get256MiB(b *testing.B) {
	const size = 256 << 20
	body := bytes.Repeat([]byte("strictS3"), size/8)
	for _, name := range []string{"memory", "dir"} {
		b.Run(name, func(b *testing.B) {
			// A store of its own for every run: -count runs this again.
			var st store.Store = store.NewMemory()
			if name == "dir" {
				dir, err := store.NewDir(b.TempDir())
				require.NoError(b, err)
				b.Cleanup(func() { dir.Close() })
				st = dir
			}
			ts := NewTestServer(b, WithStore(st), WithLogger(slog.New(slog.DiscardHandler)))
			ctx := context.Background()
			require.NoError(b, st.CreateBucket(ctx, "bench", ts.Region))
			_, err := st.PutObject(ctx, "bench", "big", store.ObjectMeta{}, store.PutCondition{}, bytes.NewReader(body))
			require.NoError(b, err)
			ceiling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				// In sendChunk pieces, as the server writes: a single
				// 256 MiB Write measured half as fast.
				for rest := body; len(rest) > 0; rest = rest[min(len(rest), sendChunk):] {
					if _, err := w.Write(rest[:min(len(rest), sendChunk)]); err != nil {
						return
					}
				}
			}))
			b.Cleanup(ceiling.Close)
			buf := make([]byte, 1<<20)
			ceilingGet := func() time.Duration {
				start := time.Now()
				n, err := download(ceiling.Client(), ceiling.URL, buf)
				took := time.Since(start)
				require.NoError(b, err)
				require.Equal(b, int64(size), n)
				return took
			}
			get := func() time.Duration {
				req, err := http.NewRequest(http.MethodGet, ts.URL+"/bench/big", nil)
				require.NoError(b, err)
				req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
				s3test.SignRequest(b, req, nil, testCreds(ts), ts.Region, ts.Clock.Now())
				start := time.Now()
				n, err := download(ts.HTTPClient, req, buf)
				took := time.Since(start)
				require.NoError(b, err)
				require.Equal(b, int64(size), n)
				return took
			}
			// Warm both up (connections, TCP windows, page cache) before
			// timing: the first download of either measured far slower.
			ceilingGet()
			get()
			var getTime, ceilTime time.Duration
			for b.Loop() {
				ceilTime += ceilingGet()
				getTime += get()
			}
			reportCeiling(b, size, getTime, ceilTime, "get", "byteslice")
		})
	}
}

// download sends req (a URL or an *http.Request) and reads the response
// body to EOF through buf, the same way for the server and its ceiling.
func download[R string | *http.Request](c *http.Client, req R, buf []byte) (int64, error) {
	var resp *http.Response
	var err error
	switch r := any(req).(type) {
	case string:
		resp, err = c.Get(r)
	case *http.Request:
		resp, err = c.Do(r)
	}
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{resp.Body}, buf)
}
