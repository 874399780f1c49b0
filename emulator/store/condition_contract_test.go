package store

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// conditionContract is the part of the store contract about conditional
// writes (S3's If-None-Match: * and If-Match); runStoreContract runs it.
var conditionContract = []struct {
	name string
	fn   func(*testing.T, storeFactory)
}{
	{"Conditions_PutObject_JudgedOnTheCurrentObject", testPutConditions},
	{"Conditions_CompleteUpload_FailureKeepsUploadAndObject", testCompleteConditions},
	{"Multipart_PartReplacedSinceChecked_IsNoSuchPart", testCompleteStalePartETag},
	{"Concurrency_IfNoneMatch_ExactlyOneCreates", testConcurrentIfNoneMatch},
	{"Concurrency_IfMatchChain_ExactlyOneSwapsPerRound", testConcurrentIfMatchChain},
	{"Concurrency_CompleteIfNoneMatch_ExactlyOneCreates", testConcurrentCompleteIfNoneMatch},
}

func testPutConditions(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	existing := put(t, s, "present", "v1", ObjectMeta{})
	bare := strings.Trim(existing.ETag, `"`)
	tests := []struct {
		name string
		key  string
		cond PutCondition
		want error // nil: the write succeeds
	}{
		{"no condition on a present key", "present", PutCondition{}, nil},
		{"If-None-Match on an absent key", "absent", PutCondition{IfNoneMatch: true}, nil},
		{"If-None-Match on a present key", "present", PutCondition{IfNoneMatch: true}, ErrPreconditionFailed},
		{"If-Match with its quoted ETag", "present", PutCondition{IfMatch: existing.ETag}, nil},
		{"If-Match with its bare ETag", "present", PutCondition{IfMatch: bare}, nil},
		{"If-Match with a list naming it", "present", PutCondition{IfMatch: `"0000", ` + existing.ETag}, nil},
		{"If-Match star on a present key", "present", PutCondition{IfMatch: "*"}, nil},
		{"If-Match with another ETag", "present", PutCondition{IfMatch: `"0123456789abcdef0123456789abcdef"`}, ErrPreconditionFailed},
		{"If-Match on an absent key", "absent", PutCondition{IfMatch: existing.ETag}, ErrNoSuchKey},
		{"If-Match star on an absent key", "absent", PutCondition{IfMatch: "*"}, ErrNoSuchKey},
		{"both on a present key: If-None-Match fails first", "present", PutCondition{IfNoneMatch: true, IfMatch: existing.ETag}, ErrPreconditionFailed},
		{"both on an absent key: If-Match finds nothing", "absent", PutCondition{IfNoneMatch: true, IfMatch: existing.ETag}, ErrNoSuchKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each case starts from "present" holding v1 and "absent" absent.
			if info, err := s.HeadObject(ctx, "bkt", "present"); err != nil || info.ETag != existing.ETag {
				existing = put(t, s, "present", "v1", ObjectMeta{})
			}
			require.NoError(t, s.DeleteObject(ctx, "bkt", "absent"))

			info, err := s.PutObject(ctx, "bkt", tt.key, ObjectMeta{}, tt.cond, strings.NewReader("v2"))
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, md5ETag([]byte("v2")), info.ETag)
				_, body := get(t, s, tt.key, nil)
				assert.Equal(t, "v2", body)
				return
			}
			require.ErrorIs(t, err, tt.want)
			if tt.key == "present" {
				_, body := get(t, s, "present", nil)
				assert.Equal(t, "v1", body, "a failed condition leaves the object as it was")
			} else {
				_, err := s.HeadObject(ctx, "bkt", "absent")
				assert.ErrorIs(t, err, ErrNoSuchKey, "a failed condition creates nothing")
			}
		})
	}
}

// uploadOf starts an upload of key with one part and returns it with the
// CompletePart naming that part.
func uploadOf(t *testing.T, s Store, key, body string) (UploadInfo, []CompletePart) {
	t.Helper()
	ctx := context.Background()
	up, err := s.CreateUpload(ctx, "bkt", key, ObjectMeta{})
	require.NoError(t, err)
	part, err := s.UploadPart(ctx, "bkt", key, up.UploadID, 1, nil, strings.NewReader(body))
	require.NoError(t, err)
	return up, []CompletePart{{PartNumber: 1, ETag: part.ETag}}
}

func testCompleteConditions(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	existing := put(t, s, "k", "old", ObjectMeta{})
	up, parts := uploadOf(t, s, "k", "new")

	for _, tc := range []struct {
		cond PutCondition
		want error
	}{
		{PutCondition{IfNoneMatch: true}, ErrPreconditionFailed},
		{PutCondition{IfMatch: `"0123456789abcdef0123456789abcdef"`}, ErrPreconditionFailed},
	} {
		_, err := s.CompleteUpload(ctx, "bkt", "k", up.UploadID, parts, `"e-1"`, ObjectMeta{}, tc.cond)
		require.ErrorIs(t, err, tc.want, "%+v", tc.cond)
		_, body := get(t, s, "k", nil)
		assert.Equal(t, "old", body, "a failed condition leaves the object as it was")
		_, err = s.GetUpload(ctx, "bkt", "k", up.UploadID)
		assert.NoError(t, err, "a failed condition keeps the upload, so it can be completed later")
	}

	info, err := s.CompleteUpload(ctx, "bkt", "k", up.UploadID, parts, `"e-1"`, ObjectMeta{}, PutCondition{IfMatch: existing.ETag})
	require.NoError(t, err)
	assert.Equal(t, `"e-1"`, info.ETag)
	_, body := get(t, s, "k", nil)
	assert.Equal(t, "new", body)

	up, parts = uploadOf(t, s, "fresh", "created")
	_, err = s.CompleteUpload(ctx, "bkt", "fresh", up.UploadID, parts, `"e-1"`, ObjectMeta{}, PutCondition{IfMatch: "*"})
	require.ErrorIs(t, err, ErrNoSuchKey, "If-Match on an absent key")
	_, err = s.CompleteUpload(ctx, "bkt", "fresh", up.UploadID, parts, `"e-1"`, ObjectMeta{}, PutCondition{IfNoneMatch: true})
	require.NoError(t, err)
	_, body = get(t, s, "fresh", nil)
	assert.Equal(t, "created", body)
}

// The emulator checks the parts' ETags, then the store assembles them: a
// part uploaded again in between must not be assembled under the old ETag.
func testCompleteStalePartETag(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	up, parts := uploadOf(t, s, "mp", "checked")
	_, err := s.UploadPart(ctx, "bkt", "mp", up.UploadID, 1, nil, strings.NewReader("replaced"))
	require.NoError(t, err)

	_, err = s.CompleteUpload(ctx, "bkt", "mp", up.UploadID, parts, `"e-1"`, ObjectMeta{}, PutCondition{})
	require.ErrorIs(t, err, ErrNoSuchPart)
	_, err = s.HeadObject(ctx, "bkt", "mp")
	assert.ErrorIs(t, err, ErrNoSuchKey, "nothing is written")
	_, err = s.GetUpload(ctx, "bkt", "mp", up.UploadID)
	assert.NoError(t, err, "the upload stays")

	parts[0].ETag = md5ETag([]byte("replaced"))
	_, err = s.CompleteUpload(ctx, "bkt", "mp", up.UploadID, parts, `"e-1"`, ObjectMeta{}, PutCondition{})
	require.NoError(t, err)
	_, body := get(t, s, "mp", nil)
	assert.Equal(t, "replaced", body)
}

// barrierBody holds its first Read until every writer of its round has
// started reading its body, so all of them are inside PutObject, past any
// early look at the key, before any can commit.
type barrierBody struct {
	r       io.Reader
	once    sync.Once
	started *sync.WaitGroup
}

func newBarrierBodies(n int, body func(i int) []byte) []*barrierBody {
	started := new(sync.WaitGroup)
	started.Add(n)
	out := make([]*barrierBody, n)
	for i := range out {
		out[i] = &barrierBody{r: bytes.NewReader(body(i)), started: started}
	}
	return out
}

func (b *barrierBody) Read(p []byte) (int, error) {
	b.once.Do(func() {
		b.started.Done()
		b.started.Wait()
	})
	return b.r.Read(p)
}

// racePut runs one PutObject per body at once, with cond, and returns each
// writer's result.
func racePut(s Store, key string, cond PutCondition, bodies []*barrierBody) ([]ObjectInfo, []error) {
	infos := make([]ObjectInfo, len(bodies))
	errs := make([]error, len(bodies))
	var wg sync.WaitGroup
	for i, b := range bodies {
		wg.Go(func() {
			infos[i], errs[i] = s.PutObject(context.Background(), "bkt", key, ObjectMeta{}, cond, b)
		})
	}
	wg.Wait()
	return infos, errs
}

// winner asserts that exactly one writer succeeded and every other one got
// ErrPreconditionFailed, and returns the winner's index.
func winner(t *testing.T, errs []error) int {
	t.Helper()
	won := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, won, "writers %d and %d both succeeded", won, i)
			won = i
			continue
		}
		assert.ErrorIs(t, err, ErrPreconditionFailed, "writer %d", i)
	}
	require.NotEqual(t, -1, won, "no writer succeeded")
	return won
}

func testConcurrentIfNoneMatch(t *testing.T, newStore storeFactory) {
	s := newWithBucket(t, newStore, newManualClock())
	const writers = 16
	bodyOf := func(i int) []byte { return []byte(fmt.Sprintf("writer %d", i)) }
	infos, errs := racePut(s, "lock", PutCondition{IfNoneMatch: true}, newBarrierBodies(writers, bodyOf))
	won := winner(t, errs)
	info, body := get(t, s, "lock", nil)
	assert.Equal(t, string(bodyOf(won)), body, "the stored bytes are the winner's")
	assert.Equal(t, infos[won].ETag, info.ETag)
}

func testConcurrentIfMatchChain(t *testing.T, newStore storeFactory) {
	s := newWithBucket(t, newStore, newManualClock())
	const writers, rounds = 16, 4
	etag := put(t, s, "counter", "round 0", ObjectMeta{}).ETag
	for r := 1; r <= rounds; r++ {
		bodyOf := func(i int) []byte { return []byte(fmt.Sprintf("round %d writer %d", r, i)) }
		infos, errs := racePut(s, "counter", PutCondition{IfMatch: etag}, newBarrierBodies(writers, bodyOf))
		won := winner(t, errs)
		info, body := get(t, s, "counter", nil)
		require.Equal(t, string(bodyOf(won)), body, "round %d: the stored bytes are the winner's", r)
		require.Equal(t, infos[won].ETag, info.ETag)
		etag = info.ETag
	}
}

func testConcurrentCompleteIfNoneMatch(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newWithBucket(t, newStore, newManualClock())
	const writers = 8
	ups := make([]UploadInfo, writers)
	parts := make([][]CompletePart, writers)
	for i := range writers {
		ups[i], parts[i] = uploadOf(t, s, "lock", fmt.Sprintf("upload %d", i))
	}
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			_, errs[i] = s.CompleteUpload(ctx, "bkt", "lock", ups[i].UploadID, parts[i], fmt.Sprintf(`"e%d-1"`, i), ObjectMeta{}, PutCondition{IfNoneMatch: true})
		})
	}
	wg.Wait()
	won := winner(t, errs)
	info, body := get(t, s, "lock", nil)
	assert.Equal(t, fmt.Sprintf("upload %d", won), body)
	assert.Equal(t, fmt.Sprintf(`"e%d-1"`, won), info.ETag)
	left, err := s.ListUploads(ctx, "bkt")
	require.NoError(t, err)
	assert.Len(t, left, writers-1, "the losers' uploads stay in progress")
}
