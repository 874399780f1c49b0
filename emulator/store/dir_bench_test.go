package store

import (
	"bytes"
	"context"
	"strconv"
	"testing"
)

// BenchmarkDirPutSmall puts 1 KiB objects into the directory store, as a
// test suite's fixtures do: each round overwrites one of 64 keys, so the
// cost includes replacing a previous version. Its figure is dominated by
// the file system calls a PUT makes (strace -c -f counts them per op).
func BenchmarkDirPutSmall(b *testing.B) {
	d, err := NewDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	if err := d.CreateBucket(ctx, "bench", "us-east-1"); err != nil {
		b.Fatal(err)
	}
	body := bytes.Repeat([]byte("0123456789abcdef"), 64)
	keys := make([]string, 64)
	for i := range keys {
		keys[i] = "fixture/" + strconv.Itoa(i)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		key := keys[i%len(keys)]
		i++
		if _, err := d.PutObject(ctx, "bench", key, ObjectMeta{ContentType: "text/plain"}, PutCondition{}, hashedSized{sized{bytes.NewReader(body), int64(len(body))}}); err != nil {
			b.Fatal(err)
		}
	}
}
