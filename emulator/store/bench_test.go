package store

import (
	"bytes"
	"context"
	"testing"
)

func benchmarkPut(b *testing.B, s Store) {
	ctx := context.Background()
	if err := s.CreateBucket(ctx, "bench", "us-east-1"); err != nil {
		b.Fatal(err)
	}
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.PutObject(ctx, "bench", "object", ObjectMeta{ContentType: "application/octet-stream"}, PutCondition{}, bytes.NewReader(body)); err != nil {
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
