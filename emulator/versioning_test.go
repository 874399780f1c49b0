package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
)

// onBothStores runs f against a test server on each store (bothStores).
func onBothStores(t *testing.T, f func(t *testing.T, ts *TestServer)) {
	bothStores(t, func(t *testing.T, st store.Store) { f(t, NewTestServer(t, WithStore(st))) })
}

func enableVersioning(t *testing.T, c *s3.Client, bucket string, status types.BucketVersioningStatus) {
	t.Helper()
	_, err := c.PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: status}})
	require.NoError(t, err)
}

// versionedServer is a memory-store test server with bucket "ver",
// versioning enabled.
func versionedServer(t *testing.T) (*TestServer, *s3.Client) {
	t.Helper()
	ts := NewTestServer(t)
	s3test.MustCreateBucket(t, ts.Client, "ver")
	enableVersioning(t, ts.Client, "ver", types.BucketVersioningStatusEnabled)
	return ts, ts.Client
}

func getVersionBody(t *testing.T, c *s3.Client, bucket, key, versionID string) (*s3.GetObjectOutput, string) {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(versionID)})
	require.NoError(t, err)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return out, string(b)
}

// responseHeader is a header of the HTTP response behind an SDK error.
func responseHeader(t *testing.T, err error, name string) string {
	t.Helper()
	var re *smithyhttp.ResponseError
	require.True(t, errors.As(err, &re), "no HTTP response: %v", err)
	return re.Response.Header.Get(name)
}

func TestVersioning_SDK_VersionsDeleteMarkersAndSuspension(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer) {
		ctx := context.Background()
		c := ts.Client
		b, k := aws.String("ver"), aws.String("k")
		s3test.MustCreateBucket(t, c, "ver")
		before := s3test.MustPutObject(t, c, "ver", "k", "before")
		assert.Nil(t, before.VersionId, "a never-versioned bucket sends no x-amz-version-id")

		enableVersioning(t, c, "ver", types.BucketVersioningStatusEnabled)
		got, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
		require.NoError(t, err)
		assert.Equal(t, types.BucketVersioningStatusEnabled, got.Status)
		v1 := s3test.MustPutObject(t, c, "ver", "k", "one")
		v2 := s3test.MustPutObject(t, c, "ver", "k", "two")
		require.NotEmpty(t, aws.ToString(v1.VersionId))
		require.NotEqual(t, aws.ToString(v1.VersionId), aws.ToString(v2.VersionId))

		out, body := getVersionBody(t, c, "ver", "k", aws.ToString(v1.VersionId))
		assert.Equal(t, "one", body)
		assert.Equal(t, aws.ToString(v1.VersionId), aws.ToString(out.VersionId))
		_, body = getVersionBody(t, c, "ver", "k", "null")
		assert.Equal(t, "before", body, "the object from before versioning is the null version")
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k})
		require.NoError(t, err)
		assert.Equal(t, aws.ToString(v2.VersionId), aws.ToString(head.VersionId))

		del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k})
		require.NoError(t, err)
		assert.True(t, aws.ToBool(del.DeleteMarker))
		marker := aws.ToString(del.VersionId)
		require.NotEmpty(t, marker)

		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: k})
		apiErr(t, err, "NoSuchKey", http.StatusNotFound)
		assert.Equal(t, "true", responseHeader(t, err, "X-Amz-Delete-Marker"))
		assert.Equal(t, marker, responseHeader(t, err, "X-Amz-Version-Id"))
		_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k})
		assert.Equal(t, http.StatusNotFound, httpStatus(t, err))
		assert.Equal(t, "true", responseHeader(t, err, "X-Amz-Delete-Marker"))
		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: k, VersionId: aws.String(marker)})
		apiErr(t, err, "MethodNotAllowed", http.StatusMethodNotAllowed)
		assert.Equal(t, "true", responseHeader(t, err, "X-Amz-Delete-Marker"))

		// Removing the marker by id brings the newest version back.
		undo, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k, VersionId: aws.String(marker)})
		require.NoError(t, err)
		assert.True(t, aws.ToBool(undo.DeleteMarker))
		assert.Equal(t, marker, aws.ToString(undo.VersionId))
		assert.Equal(t, "two", s3test.MustGetBody(t, c, "ver", "k"))

		enableVersioning(t, c, "ver", types.BucketVersioningStatusSuspended)
		got, err = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
		require.NoError(t, err)
		assert.Equal(t, types.BucketVersioningStatusSuspended, got.Status)
		sus := s3test.MustPutObject(t, c, "ver", "k", "suspended")
		assert.Equal(t, "null", aws.ToString(sus.VersionId))
		_, body = getVersionBody(t, c, "ver", "k", "null")
		assert.Equal(t, "suspended", body, "a suspended write replaces the null version")
		_, body = getVersionBody(t, c, "ver", "k", aws.ToString(v1.VersionId))
		assert.Equal(t, "one", body, "and keeps the others")
	})
}

func TestVersioning_SDK_CopyTaggingConditionsMultipartByVersion(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer) {
		ctx := context.Background()
		c := ts.Client
		b, k := aws.String("ver"), aws.String("k")
		s3test.MustCreateBucket(t, c, "ver")
		enableVersioning(t, c, "ver", types.BucketVersioningStatusEnabled)
		v1 := s3test.MustPutObject(t, c, "ver", "k", "one")
		s3test.MustPutObject(t, c, "ver", "k", "two")

		// Copying an old version over its key restores it as a new version.
		cp, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: k, CopySource: aws.String("ver/k?versionId=" + aws.ToString(v1.VersionId))})
		require.NoError(t, err)
		assert.Equal(t, aws.ToString(v1.VersionId), aws.ToString(cp.CopySourceVersionId))
		require.NotEmpty(t, aws.ToString(cp.VersionId))
		assert.Equal(t, "one", s3test.MustGetBody(t, c, "ver", "k"))

		_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: b, Key: k, VersionId: v1.VersionId,
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("old"), Value: aws.String("yes")}}}})
		require.NoError(t, err)
		tags, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: k, VersionId: v1.VersionId})
		require.NoError(t, err)
		require.Len(t, tags.TagSet, 1)
		assert.Equal(t, aws.ToString(v1.VersionId), aws.ToString(tags.VersionId))
		tags, err = c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: k})
		require.NoError(t, err)
		assert.Empty(t, tags.TagSet, "the current version keeps its own tags")

		// Conditional writes judge the current version; behind a delete
		// marker the key has none.
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
		apiErr(t, err, "PreconditionFailed", http.StatusPreconditionFailed)
		_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k})
		require.NoError(t, err)
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("new"), IfNoneMatch: aws.String("*")})
		require.NoError(t, err)

		create, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mp")})
		require.NoError(t, err)
		parts := uploadParts(t, c, "ver", "mp", aws.ToString(create.UploadId), []byte("only part"))
		done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("mp"),
			UploadId: create.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		require.NoError(t, err)
		require.NotEmpty(t, aws.ToString(done.VersionId), "a completed upload is a version")
		_, body := getVersionBody(t, c, "ver", "mp", aws.ToString(done.VersionId))
		assert.Equal(t, "only part", body)
	})
}

// The answers S3 gives to version ids it could not have issued, absent
// versions, and versioning configurations it refuses.
func TestVersioning_Errors(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	c := ts.Client
	b, k := aws.String("ver"), aws.String("k")
	s3test.MustCreateBucket(t, c, "ver")
	enableVersioning(t, c, "ver", types.BucketVersioningStatusEnabled)
	s3test.MustPutObject(t, c, "ver", "k", "one")

	_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: k, VersionId: aws.String("not-a-version")})
	apiErr(t, err, "InvalidArgument", http.StatusBadRequest)
	absent := strings.Repeat("A", 32)
	resp, body := do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/ver/k?versionId="+absent, nil, nil))
	s3test.RequireError(t, resp, body, http.StatusNotFound, "NoSuchVersion", "The specified version does not exist.",
		"Key", "k", "VersionId", absent)
	resp, body = do(t, ts, signedRequest(t, ts, http.MethodGet, ts.URL+"/ver?versions&version-id-marker="+absent, nil, nil))
	s3test.RequireError(t, resp, body, http.StatusBadRequest, "InvalidArgument", "A version-id marker cannot be specified without a key marker.",
		"ArgumentName", "version-id-marker", "ArgumentValue", absent)

	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
		VersioningConfiguration: &types.VersioningConfiguration{Status: "Disabled"}})
	apiErr(t, err, "MalformedXML", http.StatusBadRequest)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended, MFADelete: types.MFADeleteEnabled}})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	got, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
	require.NoError(t, err)
	assert.Equal(t, types.BucketVersioningStatusEnabled, got.Status, "refused configurations change nothing")
}

// A gofakes3 backend keeps one object per key: versioning is 501, the
// null version still answers.
func TestVersioning_Gofakes3Store_IsNotImplemented(t *testing.T) {
	ts := NewTestServer(t, WithStore(store.FromGofakes3(s3mem.New())))
	ctx := context.Background()
	c := ts.Client
	s3test.MustCreateBucket(t, c, "gfs")
	s3test.MustPutObject(t, c, "gfs", "k", "x")
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("gfs"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	apiErr(t, err, "NotImplemented", http.StatusNotImplemented)
	_, err = c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("gfs")})
	apiErr(t, err, "NotImplemented", http.StatusNotImplemented)
	_, body := getVersionBody(t, c, "gfs", "k", "null")
	assert.Equal(t, "x", body, "the one object is the null version")
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("gfs"), Key: aws.String("k"), VersionId: aws.String("null")})
	require.NoError(t, err)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("gfs"), Key: aws.String("k")})
	assert.Equal(t, http.StatusNotFound, httpStatus(t, err))
}

// ListObjectVersions pages with key-marker and version-id-marker exactly
// as the SDK's paginator follows them: no entry twice, none missing, the
// newest version of each key marked IsLatest.
func TestVersioning_SDK_ListObjectVersionsPaginator(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer) {
		ctx := context.Background()
		c := ts.Client
		s3test.MustCreateBucket(t, c, "ver")
		enableVersioning(t, c, "ver", types.BucketVersioningStatusEnabled)
		var want []string
		for i := range 4 {
			key := fmt.Sprintf("dir/k%d", i)
			var ids []string
			for j := range 3 {
				ids = append([]string{aws.ToString(s3test.MustPutObject(t, c, "ver", key, fmt.Sprint(j)).VersionId)}, ids...)
			}
			del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("ver"), Key: aws.String(key)})
			require.NoError(t, err)
			want = append(want, key+" marker "+aws.ToString(del.VersionId)+" latest")
			for _, id := range ids {
				want = append(want, key+" version "+id)
			}
		}
		for _, size := range []int32{1, 2, 3, 5, 16, 1000} {
			var got []string
			pages := 0
			p := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: aws.String("ver"), MaxKeys: aws.Int32(size)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				require.NoError(t, err)
				pages++
				got = append(got, versionLinesOf(page)...)
				assert.LessOrEqual(t, len(page.Versions)+len(page.DeleteMarkers), int(size))
			}
			assert.Equal(t, want, got, "page size %d", size)
			assert.Equal(t, (len(want)+int(size)-1)/int(size), pages, "page size %d", size)
		}
		out, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("ver"), Delimiter: aws.String("/")})
		require.NoError(t, err)
		require.Len(t, out.CommonPrefixes, 1)
		assert.Equal(t, "dir/", aws.ToString(out.CommonPrefixes[0].Prefix))
		assert.Empty(t, out.Versions)
	})
}

// versionLinesOf merges a page's versions and markers back into listing
// order (the SDK splits them into two lists; both keep S3's order, by key
// then newest first, and a key's marker here is always its newest entry).
func versionLinesOf(page *s3.ListObjectVersionsOutput) []string {
	type entry struct {
		key, line string
		marker    bool
	}
	var all []entry
	for _, m := range page.DeleteMarkers {
		line := aws.ToString(m.Key) + " marker " + aws.ToString(m.VersionId)
		if aws.ToBool(m.IsLatest) {
			line += " latest"
		}
		all = append(all, entry{aws.ToString(m.Key), line, true})
	}
	for _, v := range page.Versions {
		line := aws.ToString(v.Key) + " version " + aws.ToString(v.VersionId)
		if aws.ToBool(v.IsLatest) {
			line += " latest"
		}
		all = append(all, entry{aws.ToString(v.Key), line, false})
	}
	// Stable merge: by key, a key's marker (its newest entry) first.
	out := make([]string, 0, len(all))
	for len(all) > 0 {
		best := 0
		for i, e := range all {
			if e.key < all[best].key || e.key == all[best].key && e.marker && !all[best].marker {
				best = i
			}
		}
		out = append(out, all[best].line)
		all = append(all[:best], all[best+1:]...)
	}
	return out
}

// The cleanup ceph/s3-tests runs around every test (nuke_prefixed_buckets):
// list every bucket, page through each one's versions and delete markers,
// delete them with DeleteObjects in batches of up to 1000 naming each
// VersionId, then delete the bucket. It must leave no bucket behind.
func TestVersioning_S3TestsCleanup_EmptiesAndDeletesEveryBucket(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer) {
		ctx := context.Background()
		c := ts.Client
		s3test.MustCreateBucket(t, c, "plain")
		s3test.MustPutObject(t, c, "plain", "a", "x")
		s3test.MustCreateBucket(t, c, "versioned")
		enableVersioning(t, c, "versioned", types.BucketVersioningStatusEnabled)
		for i := range 1100 { // more than one DeleteObjects batch
			s3test.MustPutObject(t, c, "versioned", fmt.Sprintf("k%02d", i%40), "v")
		}
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("versioned"), Key: aws.String("k00")})
		require.NoError(t, err)
		s3test.MustCreateBucket(t, c, "suspended")
		enableVersioning(t, c, "suspended", types.BucketVersioningStatusEnabled)
		s3test.MustPutObject(t, c, "suspended", "k", "v")
		enableVersioning(t, c, "suspended", types.BucketVersioningStatusSuspended)
		s3test.MustPutObject(t, c, "suspended", "k", "null")

		buckets, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		require.NoError(t, err)
		require.Len(t, buckets.Buckets, 3)
		for _, bkt := range buckets.Buckets {
			var batch []types.ObjectIdentifier
			flush := func() {
				if len(batch) == 0 {
					return
				}
				out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bkt.Name,
					Delete: &types.Delete{Objects: batch, Quiet: aws.Bool(true)}})
				require.NoError(t, err)
				require.Empty(t, out.Errors)
				batch = nil
			}
			p := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: bkt.Name})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				require.NoError(t, err)
				for _, v := range page.Versions {
					batch = append(batch, types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
				}
				for _, m := range page.DeleteMarkers {
					batch = append(batch, types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
				}
				if len(batch) >= 1000 {
					rest := batch[1000:]
					batch = batch[:1000]
					flush()
					batch = rest
				}
			}
			flush()
			_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bkt.Name})
			require.NoError(t, err, aws.ToString(bkt.Name))
		}
		buckets, err = c.ListBuckets(ctx, &s3.ListBucketsInput{})
		require.NoError(t, err)
		assert.Empty(t, buckets.Buckets)
	})
}

func TestVersioning_SDK_DeleteObjectsReportsVersionsAndMarkers(t *testing.T) {
	_, c := versionedServer(t)
	ctx := context.Background()
	v1 := s3test.MustPutObject(t, c, "ver", "a", "x")
	s3test.MustPutObject(t, c, "ver", "b", "x")
	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("ver"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("a"), VersionId: v1.VersionId},
		{Key: aws.String("b")},
	}}})
	require.NoError(t, err)
	require.Len(t, out.Deleted, 2)
	assert.Equal(t, aws.ToString(v1.VersionId), aws.ToString(out.Deleted[0].VersionId))
	assert.False(t, aws.ToBool(out.Deleted[0].DeleteMarker))
	assert.True(t, aws.ToBool(out.Deleted[1].DeleteMarker), "no VersionId: a marker is created")
	marker := aws.ToString(out.Deleted[1].DeleteMarkerVersionId)
	require.NotEmpty(t, marker)

	out, err = c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("ver"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("b"), VersionId: aws.String(marker)},
	}}})
	require.NoError(t, err)
	require.Len(t, out.Deleted, 1)
	assert.True(t, aws.ToBool(out.Deleted[0].DeleteMarker), "the marker removed is reported as one")
	assert.Equal(t, marker, aws.ToString(out.Deleted[0].DeleteMarkerVersionId))
	assert.Equal(t, "x", s3test.MustGetBody(t, c, "ver", "b"))
}

// A URL pre-signed for a versionId reaches that version, for GET, HEAD
// and DELETE.
func TestVersioning_PresignedURLsWithVersionID(t *testing.T) {
	ts, c := versionedServer(t)
	ctx := context.Background()
	v1 := s3test.MustPutObject(t, c, "ver", "k", "one")
	s3test.MustPutObject(t, c, "ver", "k", "two")
	pc := s3.NewPresignClient(c)

	get, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ver"), Key: aws.String("k"), VersionId: v1.VersionId})
	require.NoError(t, err)
	resp, body := do(t, ts, mustRequest(t, get.Method, get.URL))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "one", string(body))
	assert.Equal(t, aws.ToString(v1.VersionId), resp.Header.Get("X-Amz-Version-Id"))

	head, err := pc.PresignHeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("ver"), Key: aws.String("k"), VersionId: v1.VersionId})
	require.NoError(t, err)
	resp, _ = do(t, ts, mustRequest(t, head.Method, head.URL))
	assert.Equal(t, "3", resp.Header.Get("Content-Length"))

	del, err := pc.PresignDeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("ver"), Key: aws.String("k"), VersionId: v1.VersionId})
	require.NoError(t, err)
	resp, body = do(t, ts, mustRequest(t, del.Method, del.URL))
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(body))
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ver"), Key: aws.String("k"), VersionId: v1.VersionId})
	apiErr(t, err, "NoSuchVersion", http.StatusNotFound)
	assert.Equal(t, "two", s3test.MustGetBody(t, c, "ver", "k"))
}
