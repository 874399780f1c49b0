package store_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
)

func ExampleNewMemory() {
	ctx := context.Background()
	s := store.NewMemory()
	_ = s.CreateBucket(ctx, "photos", "us-east-1")
	info, _ := s.PutObject(ctx, "photos", "cat.txt", store.ObjectMeta{ContentType: "text/plain"}, store.PutCondition{}, strings.NewReader("meow"))
	fmt.Println(info.Size, info.ETag)

	_, body, _ := store.GetObject(ctx, s, "photos", "cat.txt", &store.Range{Start: 1, Length: 2})
	defer body.Close()
	b, _ := io.ReadAll(body)
	fmt.Println(string(b))
	// Output:
	// 4 "4a4be40c96ac6314e91d93f38043a634"
	// eo
}

func ExampleNewDir() {
	ctx := context.Background()
	root, _ := os.MkdirTemp("", "stricts3-data-")
	defer os.RemoveAll(root)

	s, _ := store.NewDir(root)
	_ = s.CreateBucket(ctx, "photos", "us-east-1")
	_, _ = s.PutObject(ctx, "photos", "albums/2026/cat.txt", store.ObjectMeta{}, store.PutCondition{}, strings.NewReader("meow"))

	// A new Dir on the same root, as after a restart, sees the object. One
	// Dir at a time holds a root: the first lets go with Close.
	_ = s.Close()
	again, _ := store.NewDir(root)
	defer again.Close()
	page, _ := again.ListObjects(ctx, "photos", store.ListOptions{Delimiter: "/", MaxKeys: 1000})
	fmt.Println(page.CommonPrefixes)
	// Output:
	// [albums/]
}
