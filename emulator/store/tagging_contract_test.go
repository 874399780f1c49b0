package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// taggingContract is the SetObjectTagging part of the Store contract.
var taggingContract = []struct {
	name string
	fn   func(*testing.T, storeFactory)
}{
	{"Tagging_Set_ReplacesTagsOnly", testSetTaggingReplacesTagsOnly},
	{"Tagging_Missing_IsNoSuchKeyOrBucket", testSetTaggingMissing},
	{"Tagging_ConcurrentWrites_NeverMixObjects", testSetTaggingConcurrent},
	{"ACL_Set_ReplacesACLOnly", testSetACLReplacesACLOnly},
}

// Setting an object's ACL (PutObjectAcl) changes Meta.ACL and nothing
// else, and the new value is what later reads see.
func testSetACLReplacesACLOnly(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	clock := newManualClock()
	s := newWithBucket(t, newStore, clock)
	before := put(t, s, "k", "payload", ObjectMeta{ContentType: "text/plain", Tagging: "a=1", ACL: "old"})
	clock.Advance(time.Hour)

	info, err := s.SetObjectVersionACL(ctx, "bkt", "k", "", `{"o":"x"}`)
	require.NoError(t, err)
	want := before
	want.Meta.ACL = `{"o":"x"}`
	assert.Equal(t, want, info)
	got, body := get(t, s, "k", nil)
	assert.Equal(t, want, got)
	assert.Equal(t, "payload", body)

	_, err = s.SetObjectVersionACL(ctx, "bkt", "absent", "", "x")
	assert.True(t, errors.Is(err, ErrNoSuchKey) || errors.Is(err, ErrNoSuchVersion), "absent key: %v", err)
}

// Tagging an object changes its tag set and nothing else: S3 keeps the
// bytes, ETag and Last-Modified of an object whose tags are replaced.
func testSetTaggingReplacesTagsOnly(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	clock := newManualClock()
	s := newWithBucket(t, newStore, clock)
	meta := ObjectMeta{ContentType: "text/plain", User: map[string]string{"a": "b"}, Tagging: "old=1",
		Checksum: &Checksum{Algorithm: "CRC32", Value: "AAAAAA==", Type: "FULL_OBJECT"}}
	before := put(t, s, "k", "payload", meta)
	clock.Advance(time.Hour)

	info, err := s.SetObjectTagging(ctx, "bkt", "k", "a=1&b=2")
	require.NoError(t, err)
	want := before
	want.Meta.Tagging = "a=1&b=2"
	assert.Equal(t, want, info)
	got, body := get(t, s, "k", nil)
	assert.Equal(t, want, got)
	assert.Equal(t, "payload", body)

	info, err = s.SetObjectTagging(ctx, "bkt", "k", "")
	require.NoError(t, err)
	assert.Empty(t, info.Meta.Tagging)
	head, err := s.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err)
	assert.Empty(t, head.Meta.Tagging, "an empty tag set removes every tag")
	assert.Equal(t, before.LastModified, head.LastModified)
	assert.Equal(t, before.ETag, head.ETag)
}

func testSetTaggingMissing(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	_, err := s.SetObjectTagging(ctx, "bkt", "absent", "a=1")
	require.ErrorIs(t, err, ErrNoSuchKey)
	_, err = s.SetObjectTagging(ctx, "nobucket", "k", "a=1")
	require.ErrorIs(t, err, ErrNoSuchBucket)
	_, err = s.HeadObject(ctx, "bkt", "absent")
	require.ErrorIs(t, err, ErrNoSuchKey, "tagging a missing key creates nothing")
}

// Tagging races with overwrites: whatever order they land in, every object
// a reader sees has bytes matching its ETag, and the tag set is one of the
// ones written, never a mix.
func testSetTaggingConcurrent(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	put(t, s, "k", "body-0", ObjectMeta{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf("body-%d", i)
			_, err := s.PutObject(ctx, "bkt", "k", ObjectMeta{}, PutCondition{}, strings.NewReader(body))
			assert.NoError(t, err)
		}()
		go func() {
			defer wg.Done()
			_, err := s.SetObjectTagging(ctx, "bkt", "k", fmt.Sprintf("n=%d", i))
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	info, body := get(t, s, "k", nil)
	assert.Equal(t, md5ETag([]byte(body)), info.ETag)
	if tg := info.Meta.Tagging; tg != "" {
		assert.Regexp(t, `^n=[0-7]$`, tg)
	}
}
