package store

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
)

// newManualClock is a settable clock at a fixed start.
func newManualClock() *s3test.Clock {
	return s3test.NewClock(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
}

// failingReader yields data, then err instead of io.EOF; with atEnd the
// error comes in the same Read call as the last bytes.
type failingReader struct {
	data  []byte
	err   error
	atEnd bool
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	if r.atEnd && len(r.data) == 0 {
		return n, r.err
	}
	return n, nil
}

var errVerify = errors.New("verification failed at EOF")

func md5ETag(b []byte) string {
	s := md5.Sum(b)
	return `"` + hex.EncodeToString(s[:]) + `"`
}

// storeFactory makes a fresh store using clock.
type storeFactory func(t *testing.T, clock Clock) Store

// runStoreContract runs the behaviour every Store must share, but for the
// tests named in skip (a backend's known gaps, said in the reason).
func runStoreContract(t *testing.T, newStore storeFactory, skip ...string) {
	tests := []struct {
		name string
		fn   func(*testing.T, storeFactory)
	}{
		{"Buckets_CreateTwice_IsBucketExists", testBucketsCreateTwice},
		{"Buckets_MissingBucket_IsNoSuchBucket", testMissingBucket},
		{"Buckets_DeleteNonEmpty_IsBucketNotEmpty", testDeleteBucketNonEmpty},
		{"Buckets_Configs_PutGetDelete", testBucketConfigs},
		{"Objects_PutGet_ETagIsQuotedMD5", testPutGet},
		{"Objects_HashedBody_ETagIsItsOwnMD5", testHashedBody},
		{"Objects_Overwrite_ReplacesMetadataWhole", testOverwriteDropsMetadata},
		{"Objects_MissingKey_IsNoSuchKey", testMissingKey},
		{"Objects_InvalidKey_IsInvalidKey", testInvalidKey},
		{"Objects_FailingBody_StoresNothing", testFailingBody},
		{"Objects_Range_ReturnsExactSlice", testRange},
		{"Objects_OpenedVersion_SurvivesOverwriteAndDelete", testOpenedVersion},
		{"Objects_OddKeys_RoundTrip", testOddKeys},
		{"Objects_CallerMapMutation_DoesNotLeakIn", testMetaIsolation},
		{"List_PrefixDelimiterAfterMaxKeys", testListTable},
		{"List_PagingUntilExhausted_NoDuplicatesNoGaps", testListPaging},
		{"Multipart_FullFlow", testMultipartFlow},
		{"Multipart_FailingPart_KeepsEarlierPart", testMultipartFailingPart},
		{"Multipart_MissingPart_IsNoSuchPart", testMultipartMissingPart},
		{"Multipart_Abort_ThenNoSuchUpload", testMultipartAbort},
		{"Multipart_ListUploads_SortedByKeyThenTime", testListUploads},
		{"Concurrency_ParallelPutsAndGets_StayConsistent", testConcurrency},
	}
	for _, tt := range append(append(tests, conditionContract...), taggingContract...) {
		t.Run(tt.name, func(t *testing.T) {
			if slices.Contains(skip, tt.name) {
				t.Skip("a known gap of this store's backend")
			}
			tt.fn(t, newStore)
		})
	}
}

// selfHashed is a HashedBody whose MD5 is a fixed digest, unlike the real
// one, so a test sees which of the two a store used.
type selfHashed struct {
	io.Reader
	sum []byte
}

func (b selfHashed) MD5() []byte { return b.sum }

// A HashedBody has hashed itself: the store takes its digest for the ETag
// (of an object and of a part) instead of hashing the bytes again.
func testHashedBody(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	own := bytes.Repeat([]byte{0xab}, md5.Size)
	want := `"` + hex.EncodeToString(own) + `"`

	info, err := s.PutObject(ctx, "bkt", "k", ObjectMeta{}, PutCondition{}, selfHashed{strings.NewReader("data"), own})
	require.NoError(t, err)
	assert.Equal(t, want, info.ETag)
	got, body := get(t, s, "k", nil)
	assert.Equal(t, want, got.ETag)
	assert.Equal(t, "data", body)

	up, err := s.CreateUpload(ctx, "bkt", "mp", ObjectMeta{})
	require.NoError(t, err)
	part, err := s.UploadPart(ctx, "bkt", "mp", up.UploadID, 1, nil, selfHashed{strings.NewReader("part"), own})
	require.NoError(t, err)
	assert.Equal(t, want, part.ETag)
}

func newWithBucket(t *testing.T, newStore storeFactory, clock Clock) Store {
	t.Helper()
	s := newStore(t, clock)
	require.NoError(t, s.CreateBucket(context.Background(), "bkt", "us-east-1"))
	return s
}

func put(t *testing.T, s Store, key, body string, meta ObjectMeta) ObjectInfo {
	t.Helper()
	info, err := s.PutObject(context.Background(), "bkt", key, meta, PutCondition{}, strings.NewReader(body))
	require.NoError(t, err)
	return info
}

func get(t *testing.T, s Store, key string, rng *Range) (ObjectInfo, string) {
	t.Helper()
	info, rc, err := GetObject(context.Background(), s, "bkt", key, rng)
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return info, string(b)
}

func testBucketsCreateTwice(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	clock := newManualClock()
	s := newStore(t, clock)
	require.NoError(t, s.CreateBucket(ctx, "zeta", "eu-west-1"))
	clock.Advance(time.Hour)
	require.NoError(t, s.CreateBucket(ctx, "alpha", "us-east-1"))
	assert.ErrorIs(t, s.CreateBucket(ctx, "zeta", "us-east-1"), ErrBucketExists)

	info, err := s.BucketInfo(ctx, "zeta")
	require.NoError(t, err)
	assert.Equal(t, "zeta", info.Name)
	assert.Equal(t, "eu-west-1", info.Region, "a second CreateBucket must not change the region")
	assert.True(t, info.CreationDate.Equal(newManualClock().Now()), "creation date %v", info.CreationDate)

	list, err := s.ListBuckets(ctx)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, "alpha", list[0].Name)
	assert.Equal(t, "zeta", list[1].Name)
}

func testMissingBucket(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newStore(t, newManualClock())
	ops := map[string]func() error{
		"BucketInfo":         func() error { _, err := s.BucketInfo(ctx, "nope"); return err },
		"DeleteBucket":       func() error { return s.DeleteBucket(ctx, "nope") },
		"PutBucketConfig":    func() error { return s.PutBucketConfig(ctx, "nope", "cors", []byte("x")) },
		"GetBucketConfig":    func() error { _, err := s.GetBucketConfig(ctx, "nope", "cors"); return err },
		"DeleteBucketConfig": func() error { return s.DeleteBucketConfig(ctx, "nope", "cors") },
		"PutObject": func() error {
			_, err := s.PutObject(ctx, "nope", "k", ObjectMeta{}, PutCondition{}, strings.NewReader("x"))
			return err
		},
		"HeadObject":   func() error { _, err := s.HeadObject(ctx, "nope", "k"); return err },
		"GetObject":    func() error { _, _, err := GetObject(ctx, s, "nope", "k", nil); return err },
		"DeleteObject": func() error { return s.DeleteObject(ctx, "nope", "k") },
		"ListObjects":  func() error { _, err := s.ListObjects(ctx, "nope", ListOptions{MaxKeys: 10}); return err },
		"CreateUpload": func() error { _, err := s.CreateUpload(ctx, "nope", "k", ObjectMeta{}); return err },
		"GetUpload":    func() error { _, err := s.GetUpload(ctx, "nope", "k", "u"); return err },
		"UploadPart": func() error {
			_, err := s.UploadPart(ctx, "nope", "k", "u", 1, nil, strings.NewReader("x"))
			return err
		},
		"ListParts":   func() error { _, err := s.ListParts(ctx, "nope", "k", "u"); return err },
		"ListUploads": func() error { _, err := s.ListUploads(ctx, "nope"); return err },
		"CompleteUpload": func() error {
			_, err := s.CompleteUpload(ctx, "nope", "k", "u", []CompletePart{{PartNumber: 1}}, `"e"`, ObjectMeta{}, PutCondition{})
			return err
		},
		"AbortUpload": func() error { return s.AbortUpload(ctx, "nope", "k", "u") },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) { assert.ErrorIs(t, op(), ErrNoSuchBucket) })
	}
}

func testDeleteBucketNonEmpty(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())

	put(t, s, "obj", "x", ObjectMeta{})
	assert.ErrorIs(t, s.DeleteBucket(ctx, "bkt"), ErrBucketNotEmpty, "an object remains")
	require.NoError(t, s.DeleteObject(ctx, "bkt", "obj"))

	up, err := s.CreateUpload(ctx, "bkt", "mp", ObjectMeta{})
	require.NoError(t, err)
	assert.ErrorIs(t, s.DeleteBucket(ctx, "bkt"), ErrBucketNotEmpty, "an upload is in progress")
	require.NoError(t, s.AbortUpload(ctx, "bkt", "mp", up.UploadID))

	require.NoError(t, s.PutBucketConfig(ctx, "bkt", "cors", []byte("<CORSConfiguration/>")))
	require.NoError(t, s.DeleteBucket(ctx, "bkt"), "configurations do not keep a bucket alive")
	_, err = s.BucketInfo(ctx, "bkt")
	assert.ErrorIs(t, err, ErrNoSuchBucket)

	require.NoError(t, s.CreateBucket(ctx, "bkt", "us-east-1"))
	_, err = s.GetBucketConfig(ctx, "bkt", "cors")
	assert.ErrorIs(t, err, ErrNoSuchBucketConfig, "a re-created bucket starts without the old configuration")
}

func testBucketConfigs(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	_, err := s.GetBucketConfig(ctx, "bkt", "cors")
	assert.ErrorIs(t, err, ErrNoSuchBucketConfig)

	doc := []byte("<CORSConfiguration><CORSRule/></CORSConfiguration>")
	require.NoError(t, s.PutBucketConfig(ctx, "bkt", "cors", doc))
	doc[0] = 'X' // the store keeps its own copy
	got, err := s.GetBucketConfig(ctx, "bkt", "cors")
	require.NoError(t, err)
	assert.Equal(t, "<CORSConfiguration><CORSRule/></CORSConfiguration>", string(got))

	require.NoError(t, s.PutBucketConfig(ctx, "bkt", "cors", []byte("v2")))
	require.NoError(t, s.PutBucketConfig(ctx, "bkt", "../policy", []byte("other")))
	got, err = s.GetBucketConfig(ctx, "bkt", "cors")
	require.NoError(t, err)
	assert.Equal(t, "v2", string(got))
	got, err = s.GetBucketConfig(ctx, "bkt", "../policy")
	require.NoError(t, err)
	assert.Equal(t, "other", string(got))

	require.NoError(t, s.DeleteBucketConfig(ctx, "bkt", "cors"))
	require.NoError(t, s.DeleteBucketConfig(ctx, "bkt", "cors"), "deleting an absent configuration succeeds")
	_, err = s.GetBucketConfig(ctx, "bkt", "cors")
	assert.ErrorIs(t, err, ErrNoSuchBucketConfig)
}

func testPutGet(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	clock := newManualClock()
	s := newWithBucket(t, newStore, clock)
	meta := ObjectMeta{
		ContentType: "text/plain", ContentEncoding: "gzip", ContentDisposition: "attachment",
		ContentLanguage: "en", CacheControl: "no-cache", Expires: "Thu, 01 Dec 2094 16:00:00 GMT",
		User: map[string]string{"color": "red", "note": "ünï"}, StorageClass: "STANDARD",
		Tagging:  "a=b&c=d",
		Checksum: &Checksum{Algorithm: "CRC32", Value: "AAAAAA==", Type: "FULL_OBJECT"},
	}
	clock.Advance(time.Minute)
	info := put(t, s, "dir/file.txt", "hello world", meta)
	assert.Equal(t, `"5eb63bbbe01eeed093cb22bb8f5acdc3"`, info.ETag)
	assert.Equal(t, int64(11), info.Size)
	assert.Equal(t, "bkt", info.Bucket)
	assert.Equal(t, "dir/file.txt", info.Key)
	assert.True(t, info.LastModified.Equal(newManualClock().Now().Add(time.Minute)))
	assert.Zero(t, info.PartsCount())

	head, err := s.HeadObject(ctx, "bkt", "dir/file.txt")
	require.NoError(t, err)
	assert.Equal(t, meta, head.Meta)
	assert.Equal(t, info.ETag, head.ETag)
	assert.Equal(t, info.Size, head.Size)
	assert.True(t, head.LastModified.Equal(info.LastModified))

	got, body := get(t, s, "dir/file.txt", nil)
	assert.Equal(t, "hello world", body)
	assert.Equal(t, meta, got.Meta)

	empty := put(t, s, "empty", "", ObjectMeta{})
	assert.Equal(t, `"d41d8cd98f00b204e9800998ecf8427e"`, empty.ETag)
	_, body = get(t, s, "empty", nil)
	assert.Empty(t, body)

	require.NoError(t, s.DeleteObject(ctx, "bkt", "dir/file.txt"))
	_, err = s.HeadObject(ctx, "bkt", "dir/file.txt")
	assert.ErrorIs(t, err, ErrNoSuchKey)
}

func testOverwriteDropsMetadata(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	put(t, s, "k", "one", ObjectMeta{ContentType: "text/plain", User: map[string]string{"color": "red"},
		Checksum: &Checksum{Algorithm: "SHA256", Value: "x", Type: "FULL_OBJECT"}})
	put(t, s, "k", "two!", ObjectMeta{User: map[string]string{"size": "big"}})
	head, err := s.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err)
	assert.Equal(t, ObjectMeta{User: map[string]string{"size": "big"}}, head.Meta)
	assert.Equal(t, md5ETag([]byte("two!")), head.ETag)

	put(t, s, "k", "three", ObjectMeta{})
	head, err = s.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err)
	assert.Equal(t, ObjectMeta{}, head.Meta, "an overwrite without metadata leaves none")
}

func testMissingKey(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	_, err := s.HeadObject(ctx, "bkt", "absent")
	assert.ErrorIs(t, err, ErrNoSuchKey)
	_, _, err = GetObject(ctx, s, "bkt", "absent", nil)
	assert.ErrorIs(t, err, ErrNoSuchKey)
	_, _, err = GetObject(ctx, s, "bkt", "absent", &Range{0, 1})
	assert.ErrorIs(t, err, ErrNoSuchKey)
	assert.NoError(t, s.DeleteObject(ctx, "bkt", "absent"), "S3 deletes absent keys silently")
}

func testInvalidKey(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	for _, key := range []string{"", "bad\xffutf8"} {
		_, err := s.PutObject(ctx, "bkt", key, ObjectMeta{}, PutCondition{}, strings.NewReader("x"))
		assert.ErrorIs(t, err, ErrInvalidKey, "%q", key)
		_, err = s.CreateUpload(ctx, "bkt", key, ObjectMeta{})
		assert.ErrorIs(t, err, ErrInvalidKey, "%q", key)
	}
}

func testFailingBody(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	prev := bytes.Repeat([]byte("previous"), 4096)
	_, err := s.PutObject(ctx, "bkt", "k", ObjectMeta{User: map[string]string{"v": "1"}}, PutCondition{}, bytes.NewReader(prev))
	require.NoError(t, err)

	bodies := map[string]io.Reader{
		"error before any data":        &failingReader{err: errVerify},
		"error after data":             &failingReader{data: bytes.Repeat([]byte("n"), 100000), err: errVerify},
		"error with the last bytes":    &failingReader{data: []byte("new"), err: errVerify, atEnd: true},
		"unexpected EOF (cut short)":   &failingReader{data: []byte("new"), err: io.ErrUnexpectedEOF},
		"error after more than a page": &failingReader{data: bytes.Repeat([]byte("m"), 3<<20), err: errVerify, atEnd: true},
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			_, err := s.PutObject(ctx, "bkt", "k", ObjectMeta{User: map[string]string{"v": "2"}}, PutCondition{}, body)
			require.Error(t, err)
			assert.True(t, errors.Is(err, errVerify) || errors.Is(err, io.ErrUnexpectedEOF), "the reader's error comes back unwrapped enough: %v", err)

			info, got := get(t, s, "k", nil)
			assert.True(t, bytes.Equal(prev, []byte(got)), "previous object must stay byte-identical")
			assert.Equal(t, map[string]string{"v": "1"}, info.Meta.User)
			assert.Equal(t, md5ETag(prev), info.ETag)

			_, err = s.PutObject(ctx, "bkt", "fresh", ObjectMeta{}, PutCondition{}, &failingReader{data: []byte("x"), err: errVerify, atEnd: true})
			require.ErrorIs(t, err, errVerify)
			_, err = s.HeadObject(ctx, "bkt", "fresh")
			assert.ErrorIs(t, err, ErrNoSuchKey, "a failed first write leaves no object")
		})
	}
	res, err := s.ListObjects(ctx, "bkt", ListOptions{MaxKeys: 1000})
	require.NoError(t, err)
	assert.Len(t, res.Objects, 1, "no trace of failed writes in listings")
}

func testRange(t *testing.T, newStore storeFactory) {
	s := newWithBucket(t, newStore, newManualClock())
	body := "0123456789abcdefghij"
	put(t, s, "k", body, ObjectMeta{})
	tests := []struct {
		rng  Range
		want string
	}{
		{Range{0, 1}, "0"},
		{Range{0, 20}, body},
		{Range{5, 5}, "56789"},
		{Range{19, 1}, "j"},
		{Range{15, 100}, "fghij"}, // clamped to the object
		{Range{20, 5}, ""},        // starts at the end
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d+%d", tt.rng.Start, tt.rng.Length), func(t *testing.T) {
			info, got := get(t, s, "k", &tt.rng)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, int64(20), info.Size, "Size is the whole object's")
		})
	}
}

// An opened object is one version: an overwrite or a delete after
// OpenObject changes neither its info nor its bytes.
func testOpenedVersion(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	first := put(t, s, "k", "first version", ObjectMeta{User: map[string]string{"v": "1"}})
	obj, err := s.OpenObject(ctx, "bkt", "k")
	require.NoError(t, err)
	defer obj.Close()

	put(t, s, "k", "second, longer version", ObjectMeta{User: map[string]string{"v": "2"}})
	require.NoError(t, s.DeleteObject(ctx, "bkt", "k"))

	info := obj.Info()
	assert.Equal(t, first.ETag, info.ETag)
	assert.Equal(t, "1", info.Meta.User["v"])
	assert.Equal(t, int64(len("first version")), info.Size)
	info.Meta.User["v"] = "changed by the caller"
	assert.Equal(t, "1", obj.Info().Meta.User["v"], "Info hands out a copy")

	r, err := obj.Reader(&Range{Start: 6, Length: 100})
	require.NoError(t, err)
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, "version", string(got), "the range is clamped to the opened version")

	_, err = s.OpenObject(ctx, "bkt", "k")
	assert.ErrorIs(t, err, ErrNoSuchKey)
}

var oddKeys = []string{
	"with space", "plus+sign", "equals=sign", "percent%20", "ünïcødé/日本語", "double//slash",
	"../escape", "../../../../etc/passwd", "/leading", "trailing/", ".", "..", "a\\b", "nul\x00byte",
	"tab\tnewline\n", strings.Repeat("long/", 200) + "end", "emoji 😀", "CaseKey", "casekey",
}

func testOddKeys(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	for i, key := range oddKeys {
		put(t, s, key, fmt.Sprintf("body-%d", i), ObjectMeta{})
	}
	for i, key := range oddKeys {
		info, body := get(t, s, key, nil)
		assert.Equal(t, key, info.Key)
		assert.Equal(t, fmt.Sprintf("body-%d", i), body, "%q", key)
	}
	res, err := s.ListObjects(ctx, "bkt", ListOptions{MaxKeys: 1000})
	require.NoError(t, err)
	want := slices.Clone(oddKeys)
	slices.Sort(want)
	assert.Equal(t, want, objectKeys(res))
}

func testMetaIsolation(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	user := map[string]string{"a": "1"}
	sum := &Checksum{Algorithm: "CRC32", Value: "v"}
	info := put(t, s, "k", "x", ObjectMeta{User: user, Checksum: sum})
	user["a"] = "changed"
	sum.Value = "changed"
	info.Meta.User["a"] = "changed too"
	head, err := s.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err)
	assert.Equal(t, "1", head.Meta.User["a"])
	assert.Equal(t, "v", head.Meta.Checksum.Value)
}

func objectKeys(res ListResult) []string {
	keys := make([]string, 0, len(res.Objects))
	for _, o := range res.Objects {
		keys = append(keys, o.Key)
	}
	return keys
}

var listFixture = []string{"a", "a/b", "a/c/d", "a/c/e", "b", "b/", "c//d", "c/d", "é", "z+=%"}

func testListTable(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	for _, k := range listFixture {
		put(t, s, k, "data:"+k, ObjectMeta{ContentType: "t/" + k})
	}
	all := []string{"a", "a/b", "a/c/d", "a/c/e", "b", "b/", "c//d", "c/d", "z+=%", "é"}
	tests := []struct {
		name      string
		opts      ListOptions
		keys      []string
		prefixes  []string
		truncated bool
		next      string
	}{
		{"everything in binary order", ListOptions{MaxKeys: 1000}, all, nil, false, "é"},
		{"delimiter rolls up", ListOptions{Delimiter: "/", MaxKeys: 1000}, []string{"a", "b", "z+=%", "é"}, []string{"a/", "b/", "c/"}, false, "é"},
		{"prefix and delimiter", ListOptions{Prefix: "a/", Delimiter: "/", MaxKeys: 1000}, []string{"a/b"}, []string{"a/c/"}, false, "a/c/"},
		{"delimiter right after prefix", ListOptions{Prefix: "c/", Delimiter: "/", MaxKeys: 1000}, []string{"c/d"}, []string{"c//"}, false, "c/d"},
		{"common prefixes count toward MaxKeys", ListOptions{Delimiter: "/", MaxKeys: 2}, []string{"a"}, []string{"a/"}, true, "a/"},
		{"After a common prefix skips its keys", ListOptions{Delimiter: "/", After: "a/", MaxKeys: 1000}, []string{"b", "z+=%", "é"}, []string{"b/", "c/"}, false, "é"},
		{"After a key", ListOptions{After: "a/b", MaxKeys: 3}, []string{"a/c/d", "a/c/e", "b"}, nil, true, "b"},
		{"After a missing key", ListOptions{After: "a/bb", MaxKeys: 1}, []string{"a/c/d"}, nil, true, "a/c/d"},
		{"prefix truncated", ListOptions{Prefix: "a", MaxKeys: 3}, []string{"a", "a/b", "a/c/d"}, nil, true, "a/c/d"},
		{"prefix exactly exhausted is not truncated", ListOptions{Prefix: "a", MaxKeys: 4}, []string{"a", "a/b", "a/c/d", "a/c/e"}, nil, false, "a/c/e"},
		{"non-slash delimiter", ListOptions{Delimiter: "c", MaxKeys: 1000}, []string{"a", "a/b", "b", "b/", "z+=%", "é"}, []string{"a/c", "c"}, false, "é"},
		{"After past everything", ListOptions{After: "\U0010FFFF", MaxKeys: 1000}, nil, nil, false, ""},
		{"prefix matching nothing", ListOptions{Prefix: "zz", MaxKeys: 1000}, nil, nil, false, ""},
		{"MaxKeys zero is empty and not truncated", ListOptions{MaxKeys: 0}, nil, nil, false, ""},
		{"unicode prefix", ListOptions{Prefix: "é", MaxKeys: 1000}, []string{"é"}, nil, false, "é"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.ListObjects(ctx, "bkt", tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.keys, nilIfEmpty(objectKeys(res)), "keys")
			assert.Equal(t, tt.prefixes, res.CommonPrefixes, "common prefixes")
			assert.Equal(t, tt.truncated, res.IsTruncated, "IsTruncated")
			assert.Equal(t, tt.next, res.NextAfter, "NextAfter")
			for _, o := range res.Objects {
				assert.Equal(t, "t/"+o.Key, o.Meta.ContentType, "listed objects carry their info")
				assert.Equal(t, md5ETag([]byte("data:"+o.Key)), o.ETag)
				assert.Equal(t, int64(len("data:"+o.Key)), o.Size)
			}
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func testListPaging(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	var keys []string
	for i := range 300 {
		keys = append(keys, fmt.Sprintf("dir%d/file%03d", i%7, i), fmt.Sprintf("top%03d", i))
	}
	for _, k := range keys {
		put(t, s, k, k, ObjectMeta{})
	}
	for _, delim := range []string{"", "/"} {
		full, err := s.ListObjects(ctx, "bkt", ListOptions{Delimiter: delim, MaxKeys: 100000})
		require.NoError(t, err)
		require.False(t, full.IsTruncated)
		want := append(objectKeys(full), full.CommonPrefixes...)
		slices.Sort(want)
		for _, maxKeys := range []int{1, 2, 7, 100, 1000} {
			t.Run(fmt.Sprintf("delimiter=%q/maxKeys=%d", delim, maxKeys), func(t *testing.T) {
				var got []string
				opts := ListOptions{Delimiter: delim, MaxKeys: maxKeys}
				for pages := 0; ; pages++ {
					require.Less(t, pages, 1000, "paging must end")
					res, err := s.ListObjects(ctx, "bkt", opts)
					require.NoError(t, err)
					n := len(res.Objects) + len(res.CommonPrefixes)
					require.LessOrEqual(t, n, maxKeys)
					got = append(got, objectKeys(res)...)
					got = append(got, res.CommonPrefixes...)
					if !res.IsTruncated {
						break
					}
					require.Equal(t, maxKeys, n, "a truncated page is full")
					opts.After = res.NextAfter
				}
				slices.Sort(got)
				assert.Equal(t, want, got, "every key or prefix exactly once")
			})
		}
	}
}

func testMultipartFlow(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	clock := newManualClock()
	s := newWithBucket(t, newStore, clock)
	put(t, s, "mp", "old object", ObjectMeta{User: map[string]string{"old": "yes"}})

	up, err := s.CreateUpload(ctx, "bkt", "mp", ObjectMeta{ContentType: "video/mp4"})
	require.NoError(t, err)
	assert.NotEmpty(t, up.UploadID)
	assert.Equal(t, "mp", up.Key)
	assert.True(t, up.Initiated.Equal(clock.Now()))

	got, err := s.GetUpload(ctx, "bkt", "mp", up.UploadID)
	require.NoError(t, err)
	assert.Equal(t, "video/mp4", got.Meta.ContentType)
	_, err = s.GetUpload(ctx, "bkt", "other-key", up.UploadID)
	assert.ErrorIs(t, err, ErrNoSuchUpload, "an upload id belongs to its key")

	sum := &Checksum{Algorithm: "CRC32", Value: "abc=", Type: "COMPOSITE"}
	for _, p := range []struct {
		n    int
		body string
	}{{3, "ccc"}, {1, "aaa"}, {2, "bbb"}, {2, "BBBB"}} {
		clock.Advance(time.Second)
		info, err := s.UploadPart(ctx, "bkt", "mp", up.UploadID, p.n, sum, strings.NewReader(p.body))
		require.NoError(t, err)
		assert.Equal(t, md5ETag([]byte(p.body)), info.ETag)
		assert.Equal(t, int64(len(p.body)), info.Size)
		assert.True(t, info.LastModified.Equal(clock.Now()))
	}
	parts, err := s.ListParts(ctx, "bkt", "mp", up.UploadID)
	require.NoError(t, err)
	require.Len(t, parts, 3)
	for i, want := range []struct {
		n    int
		body string
	}{{1, "aaa"}, {2, "BBBB"}, {3, "ccc"}} {
		assert.Equal(t, want.n, parts[i].PartNumber)
		assert.Equal(t, md5ETag([]byte(want.body)), parts[i].ETag, "part %d", want.n)
		assert.Equal(t, int64(len(want.body)), parts[i].Size)
		assert.Equal(t, sum, parts[i].Checksum)
	}

	_, body := get(t, s, "mp", nil)
	assert.Equal(t, "old object", body, "the old object stays until completion")

	final := ObjectMeta{ContentType: "video/mp4", Checksum: &Checksum{Algorithm: "CRC32", Value: "zz==-2", Type: "COMPOSITE"}}
	info, err := s.CompleteUpload(ctx, "bkt", "mp", up.UploadID, []CompletePart{{PartNumber: 1, ETag: md5ETag([]byte("aaa")), Checksum: "p1=="}, {PartNumber: 2, ETag: md5ETag([]byte("BBBB"))}}, `"0123456789abcdef0123456789abcdef-2"`, final, PutCondition{})
	require.NoError(t, err)
	assert.Equal(t, `"0123456789abcdef0123456789abcdef-2"`, info.ETag)
	assert.Equal(t, 2, info.PartsCount())
	assert.Equal(t, []int64{3, 4}, info.PartSizes)
	assert.Equal(t, int64(7), info.Size)

	head, body := get(t, s, "mp", nil)
	assert.Equal(t, "aaaBBBB", body, "unlisted part 3 is discarded")
	assert.Equal(t, info.ETag, head.ETag)
	assert.Equal(t, final, head.Meta, "the old object's metadata is gone")
	assert.Equal(t, 2, head.PartsCount())
	assert.Equal(t, []int64{3, 4}, head.PartSizes)
	assert.Equal(t, []string{"p1==", ""}, head.PartChecksums, "part checksums stay with the object, for GET ?partNumber")
	_, ranged := get(t, s, "mp", &Range{2, 3})
	assert.Equal(t, "aBB", ranged)

	_, err = s.GetUpload(ctx, "bkt", "mp", up.UploadID)
	assert.ErrorIs(t, err, ErrNoSuchUpload, "completion removes the upload")
	ups, err := s.ListUploads(ctx, "bkt")
	require.NoError(t, err)
	assert.Empty(t, ups)

	res, err := s.ListObjects(ctx, "bkt", ListOptions{MaxKeys: 10})
	require.NoError(t, err)
	require.Len(t, res.Objects, 1)
	assert.Equal(t, info.ETag, res.Objects[0].ETag, "listing shows the multipart ETag")

	put(t, s, "mp", "plain", ObjectMeta{})
	head, err = s.HeadObject(ctx, "bkt", "mp")
	require.NoError(t, err)
	assert.Zero(t, head.PartsCount(), "a plain PUT over a multipart object is plain")
	assert.Nil(t, head.PartSizes)
}

func testMultipartFailingPart(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	up, err := s.CreateUpload(ctx, "bkt", "mp", ObjectMeta{})
	require.NoError(t, err)
	_, err = s.UploadPart(ctx, "bkt", "mp", up.UploadID, 1, nil, strings.NewReader("good"))
	require.NoError(t, err)
	_, err = s.UploadPart(ctx, "bkt", "mp", up.UploadID, 1, nil, &failingReader{data: []byte("bad!!"), err: errVerify, atEnd: true})
	require.ErrorIs(t, err, errVerify)
	_, err = s.UploadPart(ctx, "bkt", "mp", up.UploadID, 2, nil, &failingReader{data: []byte("bad"), err: errVerify})
	require.ErrorIs(t, err, errVerify)

	parts, err := s.ListParts(ctx, "bkt", "mp", up.UploadID)
	require.NoError(t, err)
	require.Len(t, parts, 1, "the failed part 2 left no trace")
	assert.Equal(t, md5ETag([]byte("good")), parts[0].ETag)

	_, err = s.CompleteUpload(ctx, "bkt", "mp", up.UploadID, []CompletePart{{PartNumber: 1, ETag: md5ETag([]byte("good"))}}, `"e-1"`, ObjectMeta{}, PutCondition{})
	require.NoError(t, err)
	_, body := get(t, s, "mp", nil)
	assert.Equal(t, "good", body)
}

func testMultipartMissingPart(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	up, err := s.CreateUpload(ctx, "bkt", "mp", ObjectMeta{})
	require.NoError(t, err)
	_, err = s.UploadPart(ctx, "bkt", "mp", up.UploadID, 1, nil, strings.NewReader("one"))
	require.NoError(t, err)
	_, err = s.CompleteUpload(ctx, "bkt", "mp", up.UploadID, []CompletePart{{PartNumber: 1, ETag: md5ETag([]byte("one"))}, {PartNumber: 2, ETag: md5ETag([]byte("two"))}}, `"e-2"`, ObjectMeta{}, PutCondition{})
	assert.ErrorIs(t, err, ErrNoSuchPart)
	_, err = s.HeadObject(ctx, "bkt", "mp")
	assert.ErrorIs(t, err, ErrNoSuchKey, "a failed completion writes nothing")
	_, err = s.GetUpload(ctx, "bkt", "mp", up.UploadID)
	assert.NoError(t, err, "a failed completion keeps the upload")
}

func testMultipartAbort(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	up, err := s.CreateUpload(ctx, "bkt", "mp", ObjectMeta{})
	require.NoError(t, err)
	_, err = s.UploadPart(ctx, "bkt", "mp", up.UploadID, 1, nil, strings.NewReader("one"))
	require.NoError(t, err)
	assert.ErrorIs(t, s.AbortUpload(ctx, "bkt", "other", up.UploadID), ErrNoSuchUpload)
	require.NoError(t, s.AbortUpload(ctx, "bkt", "mp", up.UploadID))

	_, err = s.GetUpload(ctx, "bkt", "mp", up.UploadID)
	assert.ErrorIs(t, err, ErrNoSuchUpload)
	_, err = s.UploadPart(ctx, "bkt", "mp", up.UploadID, 2, nil, strings.NewReader("two"))
	assert.ErrorIs(t, err, ErrNoSuchUpload)
	_, err = s.ListParts(ctx, "bkt", "mp", up.UploadID)
	assert.ErrorIs(t, err, ErrNoSuchUpload)
	_, err = s.CompleteUpload(ctx, "bkt", "mp", up.UploadID, []CompletePart{{PartNumber: 1}}, `"e-1"`, ObjectMeta{}, PutCondition{})
	assert.ErrorIs(t, err, ErrNoSuchUpload)
	assert.ErrorIs(t, s.AbortUpload(ctx, "bkt", "mp", up.UploadID), ErrNoSuchUpload)
	_, err = s.UploadPart(ctx, "bkt", "mp", "never-existed", 1, nil, strings.NewReader("x"))
	assert.ErrorIs(t, err, ErrNoSuchUpload)
	require.NoError(t, s.DeleteBucket(ctx, "bkt"), "an aborted upload does not keep the bucket alive")
}

func testListUploads(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	clock := newManualClock()
	s := newWithBucket(t, newStore, clock)
	var ids []string
	for _, key := range []string{"b", "a", "b", "../x"} {
		clock.Advance(time.Second)
		up, err := s.CreateUpload(ctx, "bkt", key, ObjectMeta{User: map[string]string{"k": key}})
		require.NoError(t, err)
		ids = append(ids, up.UploadID)
	}
	ups, err := s.ListUploads(ctx, "bkt")
	require.NoError(t, err)
	require.Len(t, ups, 4)
	var got []string
	for _, u := range ups {
		got = append(got, u.Key+"@"+u.UploadID)
		assert.Equal(t, u.Key, u.Meta.User["k"])
		assert.Equal(t, "bkt", u.Bucket)
	}
	assert.Equal(t, []string{"../x@" + ids[3], "a@" + ids[1], "b@" + ids[0], "b@" + ids[2]}, got)
	assert.Len(t, slices.Compact(slices.Sorted(slices.Values(ids))), 4, "upload ids are unique")
}

func testConcurrency(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	const workers, rounds = 4, 40
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				key := fmt.Sprintf("k%d", i%3)
				body := bytes.Repeat([]byte{byte('a' + w)}, 1000+w*100+i)
				_, err := s.PutObject(ctx, "bkt", key, ObjectMeta{User: map[string]string{"w": fmt.Sprint(w)}}, PutCondition{}, bytes.NewReader(body))
				assert.NoError(t, err)

				info, rc, err := GetObject(ctx, s, "bkt", key, nil)
				if !assert.NoError(t, err) {
					continue
				}
				got, err := io.ReadAll(rc)
				rc.Close()
				assert.NoError(t, err)
				assert.Equal(t, md5ETag(got), info.ETag, "bytes and ETag come from the same write")
				assert.Equal(t, fmt.Sprint(got[0]-'a'), info.Meta.User["w"], "bytes and metadata come from the same write")

				_, err = s.ListObjects(ctx, "bkt", ListOptions{MaxKeys: 2})
				assert.NoError(t, err)
				if i%10 == 0 {
					up, err := s.CreateUpload(ctx, "bkt", key, ObjectMeta{})
					assert.NoError(t, err)
					_, err = s.UploadPart(ctx, "bkt", key, up.UploadID, 1, nil, bytes.NewReader(body))
					assert.NoError(t, err)
					_, err = s.CompleteUpload(ctx, "bkt", key, up.UploadID, []CompletePart{{PartNumber: 1, ETag: md5ETag(body)}}, md5ETag(body), ObjectMeta{User: map[string]string{"w": fmt.Sprint(w)}}, PutCondition{})
					assert.NoError(t, err)
				}
			}
		})
	}
	wg.Wait()
	res, err := s.ListObjects(ctx, "bkt", ListOptions{MaxKeys: 10})
	require.NoError(t, err)
	assert.Equal(t, []string{"k0", "k1", "k2"}, objectKeys(res))
}
