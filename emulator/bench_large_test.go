package emulator

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
)

// BenchmarkServer_Put256MiB sends a 256 MiB PutObject through the whole
// handler (verification, body checks, memory store) and, in the same loop,
// computes the ceiling no implementation can beat: the MD5 the ETag needs,
// plus, for a signed payload, the SHA-256 the signature covers. It reports
// put/ceiling, the share of that ceiling the server reaches (1 = nothing
// spent beyond the hashes). The handler is called directly, so the
// loopback copy (measured by the GET benchmarks) is not part of it.
func BenchmarkServer_Put256MiB(b *testing.B) {
	const size = 256 << 20
	body := bytes.Repeat([]byte("strictS3"), size/8)
	for _, tc := range []struct {
		name   string
		signed bool
	}{
		{"unsigned-payload", false},
		{"signed-payload", true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			st := store.NewMemory()
			ts := NewTestServer(b, WithStore(st), WithLogger(slog.New(slog.DiscardHandler)))
			ctx := context.Background()
			require.NoError(b, st.CreateBucket(ctx, "bench", ts.Region))
			hash := "UNSIGNED-PAYLOAD"
			if tc.signed {
				hash = s3test.PayloadHash(body)
			}
			var putTime, ceilTime time.Duration
			for b.Loop() {
				start := time.Now()
				md5.Sum(body)
				if tc.signed {
					sha256.Sum256(body)
				}
				ceilTime += time.Since(start)

				req := httptest.NewRequest(http.MethodPut, ts.URL+"/bench/big", bytes.NewReader(body))
				req.Header.Set("X-Amz-Content-Sha256", hash)
				s3test.SignRequest(b, req, body, testCreds(ts), ts.Region, ts.Clock.Now())
				rec := httptest.NewRecorder()
				start = time.Now()
				ts.Server.ServeHTTP(rec, req)
				putTime += time.Since(start)
				if rec.Code != http.StatusOK {
					b.Fatalf("PUT: %d %s", rec.Code, rec.Body)
				}
				require.NoError(b, st.DeleteObject(ctx, "bench", "big"))
			}
			reportCeiling(b, size, putTime, ceilTime, "put")
		})
	}
}

// reportCeiling reports an operation's rate, its ceiling's, and their
// ratio, from the total time each took over b.N rounds of size bytes.
func reportCeiling(b *testing.B, size int64, opTime, ceilTime time.Duration, op string) {
	mbps := func(d time.Duration) float64 { return float64(b.N) * float64(size) / 1e6 / d.Seconds() }
	b.ReportMetric(mbps(opTime), op+"-MB/s")
	b.ReportMetric(mbps(ceilTime), "ceiling-MB/s")
	b.ReportMetric(ceilTime.Seconds()/opTime.Seconds(), op+"/ceiling")
}
