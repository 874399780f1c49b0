package store

import (
	"bytes"
	"context"
	"crypto/md5"
	"io"
	"testing"
	"time"
)

// benchmarkPut puts 1 MiB with its size declared, as the emulator's
// request bodies declare it, the store hashing it for the ETag.
func benchmarkPut(b *testing.B, s Store) {
	ctx := context.Background()
	if err := s.CreateBucket(ctx, "bench", "us-east-1"); err != nil {
		b.Fatal(err)
	}
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.PutObject(ctx, "bench", "object", ObjectMeta{ContentType: "application/octet-stream"}, PutCondition{}, sized{bytes.NewReader(body), int64(len(body))}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMemoryPut(b *testing.B) {
	benchmarkPut(b, NewMemory())
}

func BenchmarkDirPut(b *testing.B) {
	d, err := NewDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	benchmarkPut(b, d)
}

// BenchmarkMemoryPut256MiB puts 256 MiB into the memory store, the store
// hashing it (a plain body, not a HashedBody, with its size declared as a
// request's would be), and in the same loop hashes the same bytes with MD5
// alone: the ceiling of any store that must compute an ETag. It reports
// both rates and put/md5-ceiling, the share of the ceiling the store
// reaches (1 = no cost beyond the hash). The object is deleted each round,
// so the store holds one copy at a time.
func BenchmarkMemoryPut256MiB(b *testing.B) {
	const size = 256 << 20
	ctx := context.Background()
	s := NewMemory()
	if err := s.CreateBucket(ctx, "bench", "us-east-1"); err != nil {
		b.Fatal(err)
	}
	body := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	var putTime, md5Time time.Duration
	for b.Loop() {
		start := time.Now()
		md5.Sum(body)
		md5Time += time.Since(start)

		start = time.Now()
		if _, err := s.PutObject(ctx, "bench", "big", ObjectMeta{}, PutCondition{}, sized{bytes.NewReader(body), size}); err != nil {
			b.Fatal(err)
		}
		putTime += time.Since(start)
		if err := s.DeleteObject(ctx, "bench", "big"); err != nil {
			b.Fatal(err)
		}
	}
	mbps := func(d time.Duration) float64 { return float64(b.N) * size / 1e6 / d.Seconds() }
	b.ReportMetric(mbps(putTime), "put-MB/s")
	b.ReportMetric(mbps(md5Time), "md5-MB/s")
	b.ReportMetric(md5Time.Seconds()/putTime.Seconds(), "put/md5-ceiling")
}

// BenchmarkMemoryGet reads a 1 MiB object and a 64 KiB range of it, as the
// emulator does: open, then copy the reader out, for an object stored in
// one slice (a PUT) and in several (a multipart object). The bytes are
// served from the stored slices, so B/op stays small whatever the size.
func BenchmarkMemoryGet(b *testing.B) {
	ctx := context.Background()
	s := NewMemory()
	if err := s.CreateBucket(ctx, "bench", "us-east-1"); err != nil {
		b.Fatal(err)
	}
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	if _, err := s.PutObject(ctx, "bench", "put", ObjectMeta{}, PutCondition{}, sized{bytes.NewReader(body), int64(len(body))}); err != nil {
		b.Fatal(err)
	}
	up, err := s.CreateUpload(ctx, "bench", "multipart", ObjectMeta{})
	if err != nil {
		b.Fatal(err)
	}
	var parts []CompletePart
	for i := range 4 {
		part := body[i<<18 : (i+1)<<18]
		p, err := s.UploadPart(ctx, "bench", "multipart", up.UploadID, i+1, nil, bytes.NewReader(part))
		if err != nil {
			b.Fatal(err)
		}
		parts = append(parts, CompletePart{PartNumber: i + 1, ETag: p.ETag})
	}
	if _, err := s.CompleteUpload(ctx, "bench", "multipart", up.UploadID, parts, `"x-4"`, ObjectMeta{}, PutCondition{}); err != nil {
		b.Fatal(err)
	}
	for _, key := range []string{"put", "multipart"} {
		for _, rng := range []*Range{nil, {Start: 1<<18 - 1<<15, Length: 64 << 10}} {
			name, n := key+"/whole-1MiB", int64(len(body))
			if rng != nil {
				name, n = key+"/range-64KiB", rng.Length
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(n)
				b.ReportAllocs()
				var sink countingWriter
				for b.Loop() {
					obj, err := s.OpenObject(ctx, "bench", key)
					if err != nil {
						b.Fatal(err)
					}
					r, _ := obj.Reader(rng)
					if _, err := io.Copy(&sink, r); err != nil {
						b.Fatal(err)
					}
					obj.Close()
				}
			})
		}
	}
}

// countingWriter stands in for a connection: it takes every byte, unlike
// io.Discard, which a bytes.Reader would skip straight past.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
