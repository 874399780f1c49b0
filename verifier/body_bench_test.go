package verifier

import (
	"bytes"
	"crypto/md5"
	"io"
	"testing"
	"time"
)

// BenchmarkBody_Read64MiB reads an unsigned 64 MiB body in one Read into a
// buffer reused every round (so no page faults, unlike a store's fresh
// chunk), and in the same loop hashes the same bytes with MD5 alone: it
// reports read/md5-ceiling, the share of MD5's speed the pipeline reaches
// with the copy and the default CRC64NVME on top (1 = MD5 alone on the
// critical path, given a second core).
func BenchmarkBody_Read64MiB(b *testing.B) {
	const size = 64 << 20
	data := bytes.Repeat([]byte("strictS3"), size/8)
	buf := make([]byte, size)
	var readTime, md5Time time.Duration
	for b.Loop() {
		start := time.Now()
		md5.Sum(data)
		md5Time += time.Since(start)

		body, err := testVerifier().Body(putRequest(data, nil), &Result{Payload: Payload{Mode: PayloadUnsigned}})
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		n, err := io.ReadFull(body, buf)
		readTime += time.Since(start)
		if n != size || err != nil {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(md5Time.Seconds()/readTime.Seconds(), "read/md5-ceiling")
}
