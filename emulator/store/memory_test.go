package store

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemory_Contract(t *testing.T) {
	runStoreContract(t, func(t *testing.T, clock Clock) Store {
		return NewMemory(WithClock(clock))
	})
}

func TestFromGofakes3_S3mem_Contract(t *testing.T) {
	runStoreContract(t, func(t *testing.T, clock Clock) Store {
		return FromGofakes3(s3mem.New(), WithClock(clock))
	})
}

// A backend a team already filled keeps working behind the adapter: its
// buckets are adopted, and objects written without strictS3's record (by
// gofakes3's own front end, which keeps canonical header names and
// Last-Modified in the metadata map) are described from that map.
func TestFromGofakes3_ExistingBackendData_IsReadFromGofakes3Metadata(t *testing.T) {
	ctx := context.Background()
	backend := s3mem.New()
	require.NoError(t, backend.CreateBucket("legacy"))
	modified := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	body := "written before strictS3"
	_, err := backend.PutObject("legacy", "old.txt", map[string]string{
		"Content-Type":      "text/plain",
		"Cache-Control":     "no-cache",
		"X-Amz-Meta-Author": "someone",
		"Last-Modified":     modified.Format(http.TimeFormat),
	}, strings.NewReader(body), int64(len(body)), nil)
	require.NoError(t, err)

	s := FromGofakes3(backend)
	buckets, err := s.ListBuckets(ctx)
	require.NoError(t, err)
	require.Len(t, buckets, 1)
	assert.Equal(t, "legacy", buckets[0].Name)

	info, got := getString(t, s, "legacy", "old.txt")
	assert.Equal(t, body, got)
	assert.Equal(t, md5ETag([]byte(body)), info.ETag)
	assert.Equal(t, "text/plain", info.Meta.ContentType)
	assert.Equal(t, "no-cache", info.Meta.CacheControl)
	assert.Equal(t, map[string]string{"author": "someone"}, info.Meta.User)
	assert.True(t, info.LastModified.Equal(modified), "%v", info.LastModified)

	page, err := s.ListObjects(ctx, "legacy", ListOptions{MaxKeys: 10})
	require.NoError(t, err)
	assert.Equal(t, []string{"old.txt"}, objectKeys(page))
	assert.ErrorIs(t, s.CreateBucket(ctx, "legacy", "us-east-1"), ErrBucketExists)
}

// getString reads a whole object through OpenObject.
func getString(t *testing.T, s Store, bucket, key string) (ObjectInfo, string) {
	t.Helper()
	info, rc, err := GetObject(context.Background(), s, bucket, key, nil)
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return info, string(b)
}
