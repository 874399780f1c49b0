package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// benchmarkListVersions pages through 1000 keys of 3 versions each, 1000
// entries a page, as the ceph/s3-tests cleanup lists a bucket.
func benchmarkListVersions(b *testing.B, s Store) {
	ctx := context.Background()
	if err := s.CreateBucket(ctx, "bench", "us-east-1"); err != nil {
		b.Fatal(err)
	}
	if err := s.SetBucketVersioning(ctx, "bench", VersioningEnabled); err != nil {
		b.Fatal(err)
	}
	for i := range 3000 {
		if _, err := s.PutObject(ctx, "bench", fmt.Sprintf("k%04d", i%1000), ObjectMeta{}, PutCondition{}, strings.NewReader("x")); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		opts := VersionListOptions{MaxKeys: 1000}
		n := 0
		for {
			res, err := s.ListObjectVersions(ctx, "bench", opts)
			if err != nil {
				b.Fatal(err)
			}
			n += len(res.Versions)
			if !res.IsTruncated {
				break
			}
			opts.KeyMarker, opts.VersionIDMarker = res.NextKeyMarker, res.NextVersionIDMarker
		}
		if n != 3000 {
			b.Fatalf("listed %d versions, want 3000", n)
		}
	}
}

func BenchmarkMemoryListVersions(b *testing.B) { benchmarkListVersions(b, NewMemory()) }

func BenchmarkDirListVersions(b *testing.B) {
	d, err := NewDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	benchmarkListVersions(b, d)
}

// BenchmarkMemoryPutVersioned is BenchmarkMemoryPut on an enabled bucket:
// every round adds a version of the same key (the first 1000 kept, as
// S3 keeps them), so the cost of growing a key's chain shows.
func BenchmarkMemoryPutVersioned(b *testing.B) {
	s := NewMemory()
	ctx := context.Background()
	if err := s.CreateBucket(ctx, "bench", "us-east-1"); err != nil {
		b.Fatal(err)
	}
	if err := s.SetBucketVersioning(ctx, "bench", VersioningEnabled); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		info, err := s.PutObject(ctx, "bench", "k", ObjectMeta{}, PutCondition{}, strings.NewReader("small body"))
		if err != nil {
			b.Fatal(err)
		}
		if i++; i > 1000 {
			// Keep the chain at 1000 versions so rounds cost the same.
			if _, err := s.DeleteObjectVersion(ctx, "bench", "k", info.VersionID); err != nil {
				b.Fatal(err)
			}
		}
	}
}
