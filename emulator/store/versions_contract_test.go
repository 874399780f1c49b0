package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runVersionsContract runs the behaviour of Store's Versions part that the
// stores keeping versions (memory and directory) share.
func runVersionsContract(t *testing.T, newStore storeFactory) {
	tests := []struct {
		name string
		fn   func(*testing.T, storeFactory)
	}{
		{"Versions_Enabled_EachPutIsANewVersion", testVersionsEnabledPuts},
		{"Versions_DeleteWithoutID_AddsMarker_KeyReadsAbsent", testVersionsDeleteMarker},
		{"Versions_Suspended_ReplacesOnlyTheNullVersion", testVersionsSuspended},
		{"Versions_Unversioned_NullVersionIsTheObject", testVersionsUnversioned},
		{"Versions_Tagging_OneVersionOnly", testVersionsTagging},
		{"Versions_Lock_OneVersionOnly_RefusedUpdateChangesNothing", testVersionsLock},
		{"Versions_DeleteIf_RefusedDeleteRemovesNothing", testVersionsDeleteIf},
		{"Versions_Conditions_JudgeTheCurrentVersion", testVersionsConditions},
		{"Versions_FailingBody_AddsNoVersion", testVersionsFailingBody},
		{"Versions_Multipart_CompleteMakesAVersion", testVersionsMultipart},
		{"Versions_BucketWithOnlyMarkers_IsNotEmpty", testVersionsBucketNotEmpty},
		{"Versions_List_PrefixDelimiterMarkers", testVersionsListTable},
		{"Versions_List_PagingEveryPageSize_NoDuplicatesNoGaps", testVersionsListPaging},
		{"Versions_List_ResumesAfterADeletedVersionIDMarker", testVersionsListResumeAfterDeleted},
		{"Concurrency_VersionedPutsAndDeletes_EveryWriteKept", testVersionsConcurrency},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore) })
	}
}

func newVersioned(t *testing.T, newStore storeFactory) Store {
	t.Helper()
	s := newWithBucket(t, newStore, newManualClock())
	require.NoError(t, s.SetBucketVersioning(context.Background(), "bkt", VersioningEnabled))
	return s
}

func getVersion(t *testing.T, s Store, key, id string) (ObjectInfo, string) {
	t.Helper()
	obj, err := s.OpenObjectVersion(context.Background(), "bkt", key, id)
	require.NoError(t, err)
	defer obj.Close()
	r, err := obj.Reader(nil)
	require.NoError(t, err)
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return obj.Info(), string(b)
}

func listAllVersions(t *testing.T, s Store) []ObjectInfo {
	t.Helper()
	res, err := s.ListObjectVersions(context.Background(), "bkt", VersionListOptions{MaxKeys: 1000})
	require.NoError(t, err)
	require.False(t, res.IsTruncated)
	return res.Versions
}

// versionLine is a listing entry in a comparable form.
func versionLine(v ObjectInfo) string {
	kind := "v"
	if v.IsDeleteMarker {
		kind = "m"
	}
	latest := ""
	if v.IsLatest {
		latest = "*"
	}
	return fmt.Sprintf("%s %s %s%s", v.Key, kind, ShownVersionID(v.VersionID), latest)
}

func versionLines(vs []ObjectInfo) []string {
	var out []string
	for _, v := range vs {
		out = append(out, versionLine(v))
	}
	return out
}

func testVersionsEnabledPuts(t *testing.T, newStore storeFactory) {
	s := newVersioned(t, newStore)
	b, err := s.BucketInfo(context.Background(), "bkt")
	require.NoError(t, err)
	assert.Equal(t, VersioningEnabled, b.Versioning)

	v1 := put(t, s, "k", "one", ObjectMeta{})
	v2 := put(t, s, "k", "two", ObjectMeta{})
	require.True(t, IsVersionID(v1.VersionID), v1.VersionID)
	require.True(t, IsVersionID(v2.VersionID), v2.VersionID)
	assert.NotEqual(t, v1.VersionID, v2.VersionID)

	cur, body := get(t, s, "k", nil)
	assert.Equal(t, "two", body)
	assert.Equal(t, v2.VersionID, cur.VersionID)
	info, body := getVersion(t, s, "k", v1.VersionID)
	assert.Equal(t, "one", body)
	assert.Equal(t, v1.ETag, info.ETag)

	_, err = s.OpenObjectVersion(context.Background(), "bkt", "k", newVersionID(1))
	assert.ErrorIs(t, err, ErrNoSuchVersion)
	assert.Equal(t, []string{"k v " + v2.VersionID + "*", "k v " + v1.VersionID}, versionLines(listAllVersions(t, s)))
}

func testVersionsDeleteMarker(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newVersioned(t, newStore)
	v1 := put(t, s, "k", "one", ObjectMeta{})

	res, err := s.DeleteObjectVersion(ctx, "bkt", "k", "")
	require.NoError(t, err)
	require.True(t, res.DeleteMarker)
	require.True(t, IsVersionID(res.VersionID))

	_, err = s.HeadObject(ctx, "bkt", "k")
	require.ErrorIs(t, err, ErrNoSuchKey)
	var dm *DeleteMarkerError
	require.ErrorAs(t, err, &dm)
	assert.True(t, dm.Current)
	assert.Equal(t, res.VersionID, dm.Marker.VersionID)
	_, err = s.OpenObjectVersion(ctx, "bkt", "k", res.VersionID)
	assert.ErrorIs(t, err, ErrMethodNotAllowed, "a marker named by id")
	page, err := s.ListObjects(ctx, "bkt", ListOptions{MaxKeys: 10})
	require.NoError(t, err)
	assert.Empty(t, page.Objects, "ListObjects hides a key whose current version is a marker")
	assert.Equal(t, []string{"k m " + res.VersionID + "*", "k v " + v1.VersionID}, versionLines(listAllVersions(t, s)))

	// A DELETE of a key that never existed also leaves a marker, as S3 does.
	other, err := s.DeleteObjectVersion(ctx, "bkt", "never", "")
	require.NoError(t, err)
	assert.True(t, other.DeleteMarker)

	// Removing the marker by id brings the object back.
	gone, err := s.DeleteObjectVersion(ctx, "bkt", "k", res.VersionID)
	require.NoError(t, err)
	assert.Equal(t, DeleteResult{VersionID: res.VersionID, DeleteMarker: true}, gone)
	_, body := get(t, s, "k", nil)
	assert.Equal(t, "one", body)

	// An absent version is no error and changes nothing.
	_, err = s.DeleteObjectVersion(ctx, "bkt", "k", newVersionID(1))
	require.NoError(t, err)
	gone, err = s.DeleteObjectVersion(ctx, "bkt", "k", v1.VersionID)
	require.NoError(t, err)
	assert.False(t, gone.DeleteMarker)
	assert.Equal(t, []string{"never m " + other.VersionID + "*"}, versionLines(listAllVersions(t, s)))
}

func testVersionsSuspended(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	put(t, s, "k", "before", ObjectMeta{}) // the null version, from before versioning
	require.NoError(t, s.SetBucketVersioning(ctx, "bkt", VersioningEnabled))
	v1 := put(t, s, "k", "enabled", ObjectMeta{})
	require.NoError(t, s.SetBucketVersioning(ctx, "bkt", VersioningSuspended))
	n := put(t, s, "k", "suspended", ObjectMeta{})
	assert.Equal(t, "", n.VersionID)

	assert.Equal(t, []string{"k v null*", "k v " + v1.VersionID}, versionLines(listAllVersions(t, s)),
		"the suspended write replaced the old null version, not the enabled one")
	_, body := getVersion(t, s, "k", NullVersionID)
	assert.Equal(t, "suspended", body)

	res, err := s.DeleteObjectVersion(ctx, "bkt", "k", "")
	require.NoError(t, err)
	assert.Equal(t, DeleteResult{VersionID: "", DeleteMarker: true}, res, "suspended: a null delete marker")
	assert.Equal(t, []string{"k m null*", "k v " + v1.VersionID}, versionLines(listAllVersions(t, s)))
	assert.ErrorIs(t, s.SetBucketVersioning(ctx, "bkt", ""), ErrInvalidVersioning, "never back to unversioned")
}

func testVersionsUnversioned(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	put(t, s, "k", "one", ObjectMeta{})
	info := put(t, s, "k", "two", ObjectMeta{})
	assert.Equal(t, "", info.VersionID)
	_, body := getVersion(t, s, "k", NullVersionID)
	assert.Equal(t, "two", body)
	assert.Equal(t, []string{"k v null*"}, versionLines(listAllVersions(t, s)))

	res, err := s.DeleteObjectVersion(ctx, "bkt", "k", "")
	require.NoError(t, err)
	assert.False(t, res.DeleteMarker, "no marker on an unversioned bucket")
	assert.Empty(t, listAllVersions(t, s))
	require.NoError(t, s.DeleteBucket(ctx, "bkt"))
}

func testVersionsTagging(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newVersioned(t, newStore)
	v1 := put(t, s, "k", "one", ObjectMeta{})
	v2 := put(t, s, "k", "two", ObjectMeta{})
	tagged, err := s.SetObjectVersionTagging(ctx, "bkt", "k", v1.VersionID, "a=1")
	require.NoError(t, err)
	assert.Equal(t, v1.VersionID, tagged.VersionID)

	old, body := getVersion(t, s, "k", v1.VersionID)
	assert.Equal(t, "a=1", old.Meta.Tagging)
	assert.Equal(t, "one", body)
	cur, _ := get(t, s, "k", nil)
	assert.Equal(t, v2.VersionID, cur.VersionID)
	assert.Empty(t, cur.Meta.Tagging)

	m, err := s.DeleteObjectVersion(ctx, "bkt", "k", "")
	require.NoError(t, err)
	_, err = s.SetObjectVersionTagging(ctx, "bkt", "k", m.VersionID, "a=1")
	assert.ErrorIs(t, err, ErrMethodNotAllowed)
	_, err = s.SetObjectTagging(ctx, "bkt", "k", "a=1")
	assert.ErrorIs(t, err, ErrNoSuchKey)
}

func testVersionsConditions(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newVersioned(t, newStore)
	v1 := put(t, s, "k", "one", ObjectMeta{})
	_, err := s.PutObject(ctx, "bkt", "k", ObjectMeta{}, PutCondition{IfNoneMatch: true}, strings.NewReader("x"))
	assert.ErrorIs(t, err, ErrPreconditionFailed)
	_, err = s.PutObject(ctx, "bkt", "k", ObjectMeta{}, PutCondition{IfMatch: v1.ETag}, strings.NewReader("two"))
	require.NoError(t, err)

	_, err = s.DeleteObjectVersion(ctx, "bkt", "k", "")
	require.NoError(t, err)
	_, err = s.PutObject(ctx, "bkt", "k", ObjectMeta{}, PutCondition{IfMatch: "*"}, strings.NewReader("x"))
	assert.ErrorIs(t, err, ErrNoSuchKey, "behind a marker the key has no object")
	_, err = s.PutObject(ctx, "bkt", "k", ObjectMeta{}, PutCondition{IfNoneMatch: true}, strings.NewReader("three"))
	require.NoError(t, err, "If-None-Match: * succeeds over a delete marker")
	assert.Len(t, listAllVersions(t, s), 4)
}

func testVersionsMultipart(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newVersioned(t, newStore)
	v1 := put(t, s, "k", "one", ObjectMeta{})
	up, parts := uploadOf(t, s, "k", "multipart")
	info, err := s.CompleteUpload(ctx, "bkt", "k", up.UploadID, parts, `"x-1"`, ObjectMeta{}, PutCondition{})
	require.NoError(t, err)
	require.True(t, IsVersionID(info.VersionID))
	assert.Equal(t, []string{"k v " + info.VersionID + "*", "k v " + v1.VersionID}, versionLines(listAllVersions(t, s)))
	_, body := getVersion(t, s, "k", v1.VersionID)
	assert.Equal(t, "one", body)
}

func testVersionsBucketNotEmpty(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newVersioned(t, newStore)
	put(t, s, "k", "one", ObjectMeta{})
	require.NoError(t, s.DeleteObject(ctx, "bkt", "k"))
	assert.ErrorIs(t, s.DeleteBucket(ctx, "bkt"), ErrBucketNotEmpty, "versions and markers remain")
	for _, v := range listAllVersions(t, s) {
		_, err := s.DeleteObjectVersion(ctx, "bkt", v.Key, ShownVersionID(v.VersionID))
		require.NoError(t, err)
	}
	require.NoError(t, s.DeleteBucket(ctx, "bkt"))
}

// versionFixture writes, on an enabled bucket: a/1 (2 versions), a/2 (a
// version and a marker), b (1 version), c/d/e (1 version).
func versionFixture(t *testing.T, s Store) map[string][]string {
	ids := map[string][]string{}
	add := func(key string, del bool) {
		if del {
			res, err := s.DeleteObjectVersion(context.Background(), "bkt", key, "")
			require.NoError(t, err)
			ids[key] = append([]string{res.VersionID}, ids[key]...)
			return
		}
		ids[key] = append([]string{put(t, s, key, key, ObjectMeta{}).VersionID}, ids[key]...)
	}
	add("a/1", false)
	add("a/1", false)
	add("a/2", false)
	add("a/2", true)
	add("b", false)
	add("c/d/e", false)
	return ids
}

func testVersionsListTable(t *testing.T, newStore storeFactory) {
	s := newVersioned(t, newStore)
	ids := versionFixture(t, s)
	v := func(key string, i int) string {
		kind := "v"
		if key == "a/2" && i == 0 {
			kind = "m"
		}
		latest := ""
		if i == 0 {
			latest = "*"
		}
		return key + " " + kind + " " + ids[key][i] + latest
	}
	tests := []struct {
		name       string
		opts       VersionListOptions
		want       []string
		prefixes   []string
		truncated  bool
		nextKey    string
		nextVersID string
	}{
		{"all", VersionListOptions{MaxKeys: 100}, []string{v("a/1", 0), v("a/1", 1), v("a/2", 0), v("a/2", 1), v("b", 0), v("c/d/e", 0)}, nil, false, "c/d/e", ids["c/d/e"][0]},
		{"max-keys cuts between two versions of a key", VersionListOptions{MaxKeys: 1}, []string{v("a/1", 0)}, nil, true, "a/1", ids["a/1"][0]},
		{"version-id-marker resumes inside the key", VersionListOptions{KeyMarker: "a/1", VersionIDMarker: ids["a/1"][0], MaxKeys: 2}, []string{v("a/1", 1), v("a/2", 0)}, nil, true, "a/2", ids["a/2"][0]},
		{"key-marker alone skips every version of the key", VersionListOptions{KeyMarker: "a/1", MaxKeys: 100}, []string{v("a/2", 0), v("a/2", 1), v("b", 0), v("c/d/e", 0)}, nil, false, "c/d/e", ids["c/d/e"][0]},
		{"prefix", VersionListOptions{Prefix: "a/2", MaxKeys: 100}, []string{v("a/2", 0), v("a/2", 1)}, nil, false, "a/2", ids["a/2"][1]},
		{"delimiter rolls up and counts once", VersionListOptions{Delimiter: "/", MaxKeys: 2}, []string{v("b", 0)}, []string{"a/"}, true, "b", ids["b"][0]},
		{"key-marker at a common prefix skips it", VersionListOptions{Delimiter: "/", KeyMarker: "a/", MaxKeys: 100}, []string{v("b", 0)}, []string{"c/"}, false, "c/", ""},
		{"prefix and delimiter", VersionListOptions{Prefix: "c/", Delimiter: "/", MaxKeys: 100}, nil, []string{"c/d/"}, false, "c/d/", ""},
		{"max-keys 0", VersionListOptions{MaxKeys: 0}, nil, nil, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.ListObjectVersions(context.Background(), "bkt", tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.want, versionLines(res.Versions))
			assert.Equal(t, tt.prefixes, res.CommonPrefixes)
			assert.Equal(t, tt.truncated, res.IsTruncated)
			assert.Equal(t, tt.nextKey, res.NextKeyMarker)
			assert.Equal(t, tt.nextVersID, res.NextVersionIDMarker)
		})
	}
}

func testVersionsListPaging(t *testing.T, newStore storeFactory) {
	s := newVersioned(t, newStore)
	versionFixture(t, s)
	for _, delim := range []string{"", "/"} {
		full, err := s.ListObjectVersions(context.Background(), "bkt", VersionListOptions{Delimiter: delim, MaxKeys: 1000})
		require.NoError(t, err)
		for size := 1; size <= 7; size++ {
			var got []string
			var prefixes []string
			opts := VersionListOptions{Delimiter: delim, MaxKeys: size}
			for page := 0; ; page++ {
				require.Less(t, page, 20, "paging must end")
				res, err := s.ListObjectVersions(context.Background(), "bkt", opts)
				require.NoError(t, err)
				assert.LessOrEqual(t, len(res.Versions)+len(res.CommonPrefixes), size)
				got = append(got, versionLines(res.Versions)...)
				prefixes = append(prefixes, res.CommonPrefixes...)
				if !res.IsTruncated {
					break
				}
				opts.KeyMarker, opts.VersionIDMarker = res.NextKeyMarker, res.NextVersionIDMarker
			}
			assert.Equal(t, versionLines(full.Versions), got, "delimiter %q, page size %d", delim, size)
			assert.Equal(t, full.CommonPrefixes, prefixes, "delimiter %q, page size %d", delim, size)
		}
	}
}

// Concurrent writes and deletes of one key on an enabled bucket each leave
// exactly one version or marker, with ids all different, and the newest
// entry is the current one.
func testVersionsConcurrency(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newVersioned(t, newStore)
	const writers, deleters = 8, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers+deleters)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.PutObject(ctx, "bkt", "k", ObjectMeta{}, PutCondition{}, strings.NewReader(fmt.Sprint("body", i)))
			errs <- err
		}()
	}
	for range deleters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.DeleteObjectVersion(ctx, "bkt", "k", "")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	vs := listAllVersions(t, s)
	require.Len(t, vs, writers+deleters)
	seen := map[string]bool{}
	markers := 0
	for i, v := range vs {
		assert.False(t, seen[v.VersionID], "duplicate version id")
		seen[v.VersionID] = true
		assert.Equal(t, i == 0, v.IsLatest)
		if v.IsDeleteMarker {
			markers++
		}
	}
	assert.Equal(t, deleters, markers)
	_, err := s.HeadObject(ctx, "bkt", "k")
	var dm *DeleteMarkerError
	if vs[0].IsDeleteMarker {
		assert.True(t, errors.As(err, &dm))
	} else {
		assert.NoError(t, err)
	}
}

func TestMemory_VersionsContract(t *testing.T) {
	runVersionsContract(t, func(t *testing.T, clock Clock) Store {
		return NewMemory(WithClock(clock))
	})
}

func TestDir_VersionsContract(t *testing.T) {
	runVersionsContract(t, func(t *testing.T, clock Clock) Store {
		d, err := NewDir(t.TempDir(), WithClock(clock))
		require.NoError(t, err)
		return d
	})
}

// The gofakes3 backends keep one object per key: versioning is refused,
// and the unversioned DELETE still works through DeleteObjectVersion.
func TestFromGofakes3_Versioning_IsNotImplemented(t *testing.T) {
	ctx := context.Background()
	s := FromGofakes3(s3mem.New(), WithClock(newManualClock()))
	require.NoError(t, s.CreateBucket(ctx, "bkt", "us-east-1"))
	assert.ErrorIs(t, s.SetBucketVersioning(ctx, "bkt", VersioningEnabled), ErrNotImplemented)
	_, err := s.ListObjectVersions(ctx, "bkt", VersionListOptions{MaxKeys: 1})
	assert.ErrorIs(t, err, ErrNotImplemented)
	put(t, s, "k", "x", ObjectMeta{})
	_, body := getVersion(t, s, "k", NullVersionID)
	assert.Equal(t, "x", body, "the one object is the null version")
	_, err = s.OpenObjectVersion(ctx, "bkt", "k", newVersionID(1))
	assert.ErrorIs(t, err, ErrNoSuchVersion)
	res, err := s.DeleteObjectVersion(ctx, "bkt", "k", "")
	require.NoError(t, err)
	assert.False(t, res.DeleteMarker)
	_, err = s.HeadObject(ctx, "bkt", "k")
	assert.ErrorIs(t, err, ErrNoSuchKey)
}

// Versions, markers and the status survive a restart, and a crash that
// left a data file no sidecar names (a write cut short) costs no version.
func TestDir_Versions_SurviveRestart(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d1, err := NewDir(root, WithClock(newManualClock()))
	require.NoError(t, err)
	require.NoError(t, d1.CreateBucket(ctx, "bkt", "us-east-1"))
	put(t, d1, "k", "before", ObjectMeta{})
	require.NoError(t, d1.SetBucketVersioning(ctx, "bkt", VersioningEnabled))
	put(t, d1, "k", "one", ObjectMeta{})
	require.NoError(t, d1.DeleteObject(ctx, "bkt", "k"))
	want := versionLines(listAllVersions(t, d1))
	require.Len(t, want, 3)
	require.NoError(t, d1.Close())

	d2, err := NewDir(root, WithClock(newManualClock()))
	require.NoError(t, err)
	t.Cleanup(func() { d2.Close() })
	b, err := d2.BucketInfo(ctx, "bkt")
	require.NoError(t, err)
	assert.Equal(t, VersioningEnabled, b.Versioning)
	assert.Equal(t, want, versionLines(listAllVersions(t, d2)))
	_, body := getVersion(t, d2, "k", NullVersionID)
	assert.Equal(t, "before", body, "the older versions' data files were kept")
}

// A cleanup that deletes each page before asking for the next (as
// ceph/s3-tests does) names a version-id-marker that no longer exists: the
// listing resumes with the versions written before it, skipping none.
func testVersionsListResumeAfterDeleted(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newVersioned(t, newStore)
	var ids []string // newest first
	for i := range 5 {
		ids = append([]string{put(t, s, "k", fmt.Sprint(i), ObjectMeta{}).VersionID}, ids...)
	}
	for i := 1; i < len(ids); i++ {
		assert.Greater(t, ids[i-1], ids[i], "a key's ids sort in write order")
	}
	page, err := s.ListObjectVersions(ctx, "bkt", VersionListOptions{MaxKeys: 2})
	require.NoError(t, err)
	require.True(t, page.IsTruncated)
	for _, v := range page.Versions {
		_, err := s.DeleteObjectVersion(ctx, "bkt", v.Key, v.VersionID)
		require.NoError(t, err)
	}
	rest, err := s.ListObjectVersions(ctx, "bkt", VersionListOptions{KeyMarker: page.NextKeyMarker, VersionIDMarker: page.NextVersionIDMarker, MaxKeys: 10})
	require.NoError(t, err)
	assert.Equal(t, []string{"k v " + ids[2] + "*", "k v " + ids[3], "k v " + ids[4]}, versionLines(rest.Versions))
}

// A write whose body fails (a verification failure at EOF, a client gone)
// adds no version and leaves every earlier one readable.
func testVersionsFailingBody(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newVersioned(t, newStore)
	v1 := put(t, s, "k", "one", ObjectMeta{})
	want := versionLines(listAllVersions(t, s))
	for _, atEnd := range []bool{false, true} {
		_, err := s.PutObject(ctx, "bkt", "k", ObjectMeta{}, PutCondition{}, &failingReader{data: []byte("bad"), err: errVerify, atEnd: atEnd})
		require.ErrorIs(t, err, errVerify)
	}
	assert.Equal(t, want, versionLines(listAllVersions(t, s)))
	_, body := getVersion(t, s, "k", v1.VersionID)
	assert.Equal(t, "one", body)
}
