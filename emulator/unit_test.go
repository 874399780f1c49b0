package emulator

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

func TestParseRange_SingleRangesAsS3ResolvesThem(t *testing.T) {
	tests := []struct {
		name     string
		header   string
		size     int64
		want     *store.Range
		wantCode s3err.Code
	}{
		{"first and last", "bytes=0-9", 100, &store.Range{Start: 0, Length: 10}, ""},
		{"open ended", "bytes=90-", 100, &store.Range{Start: 90, Length: 10}, ""},
		{"last past end is clamped", "bytes=90-500", 100, &store.Range{Start: 90, Length: 10}, ""},
		{"suffix", "bytes=-5", 100, &store.Range{Start: 95, Length: 5}, ""},
		{"suffix larger than object", "bytes=-500", 100, &store.Range{Start: 0, Length: 100}, ""},
		{"start past end is unsatisfiable", "bytes=100-", 100, nil, s3err.InvalidRange},
		{"any range of an empty object is unsatisfiable", "bytes=0-", 0, nil, s3err.InvalidRange},
		{"zero suffix is unsatisfiable", "bytes=-0", 100, nil, s3err.InvalidRange},
		{"multiple ranges are ignored", "bytes=0-1,5-6", 100, nil, ""},
		{"unparsable header is ignored", "bytes=abc", 100, nil, ""},
		{"other unit is ignored", "items=0-1", 100, nil, ""},
		{"reversed range is ignored", "bytes=9-1", 100, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseRange(tc.header, tc.size)
			if tc.wantCode != "" {
				e, ok := s3err.As(err)
				require.True(t, ok, "want an S3 error, got %v", err)
				assert.Equal(t, tc.wantCode, e.Code)
				v, _ := e.Get("RangeRequested")
				assert.Equal(t, tc.header, v)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestEvalConditions_FollowRFC7232AsS3Does(t *testing.T) {
	mod := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	info := store.ObjectInfo{ETag: `"abc"`, LastModified: mod}
	before := mod.Add(-time.Hour).Format(http.TimeFormat)
	after := mod.Add(time.Hour).Format(http.TimeFormat)
	tests := []struct {
		name      string
		hdr       map[string]string
		wantCode  s3err.Code
		condition string
	}{
		{"no conditions", nil, "", ""},
		{"If-Match matches", map[string]string{"If-Match": `"abc"`}, "", ""},
		{"If-Match star", map[string]string{"If-Match": `*`}, "", ""},
		{"If-Match mismatch is 412", map[string]string{"If-Match": `"zzz"`}, s3err.PreconditionFailed, "If-Match"},
		{"If-Unmodified-Since failed is 412", map[string]string{"If-Unmodified-Since": before}, s3err.PreconditionFailed, "If-Unmodified-Since"},
		{"If-Unmodified-Since held", map[string]string{"If-Unmodified-Since": after}, "", ""},
		{"If-Match true wins over If-Unmodified-Since false", map[string]string{"If-Match": `"abc"`, "If-Unmodified-Since": before}, "", ""},
		{"If-None-Match match is 304", map[string]string{"If-None-Match": `"abc"`}, s3err.NotModified, ""},
		{"If-None-Match other is 200", map[string]string{"If-None-Match": `"zzz"`}, "", ""},
		{"If-Modified-Since not modified is 304", map[string]string{"If-Modified-Since": after}, s3err.NotModified, ""},
		{"If-Modified-Since same second is 304", map[string]string{"If-Modified-Since": mod.Format(http.TimeFormat)}, s3err.NotModified, ""},
		{"If-Modified-Since modified is 200", map[string]string{"If-Modified-Since": before}, "", ""},
		{"If-None-Match false and If-Modified-Since true is 200", map[string]string{"If-None-Match": `"zzz"`, "If-Modified-Since": after}, "", ""},
		{"If-None-Match true and If-Modified-Since modified is 304", map[string]string{"If-None-Match": `"abc"`, "If-Modified-Since": before}, s3err.NotModified, ""},
		{"412 wins over 304", map[string]string{"If-Match": `"zzz"`, "If-None-Match": `"abc"`}, s3err.PreconditionFailed, "If-Match"},
		{"unparsable date is ignored", map[string]string{"If-Modified-Since": "yesterday"}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.hdr {
				h.Set(k, v)
			}
			err := evalConditions(h, getConds, info, false)
			if tc.wantCode == "" {
				assert.NoError(t, err)
				return
			}
			e, ok := s3err.As(err)
			require.True(t, ok, "want %s, got %v", tc.wantCode, err)
			assert.Equal(t, tc.wantCode, e.Code)
			if tc.condition != "" {
				v, _ := e.Get("Condition")
				assert.Equal(t, tc.condition, v)
			}
		})
	}
}

func TestEvalConditions_CopySourceNotModifiedIs412(t *testing.T) {
	info := store.ObjectInfo{ETag: `"abc"`, LastModified: time.Now()}
	h := http.Header{}
	h.Set("X-Amz-Copy-Source-If-None-Match", `"abc"`)
	e, ok := s3err.As(evalConditions(h, copyConds, info, true))
	require.True(t, ok)
	assert.Equal(t, s3err.PreconditionFailed, e.Code)
	v, _ := e.Get("Condition")
	assert.Equal(t, "x-amz-copy-source-If-None-Match", v)
}

func TestValidBucketName_AppliesS3NamingRules(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"my-bucket", true}, {"a.b.c", true}, {"abc", true}, {"123", true},
		{"ab", false}, {string(make([]byte, 64)), false}, {"My-Bucket", false}, {"under_score", false},
		{"-start", false}, {"end-", false}, {"a..b", false}, {"a.-b", false}, {"192.168.5.4", false},
		{"xn--bucket", false}, {"sthree-bucket", false}, {"bucket-s3alias", false}, {"bucket--ol-s3", false},
	}
	for _, tc := range tests {
		ok, why := validBucketName(tc.name)
		assert.Equal(t, tc.ok, ok, "%q: %s", tc.name, why)
	}
}

func TestCopySource_ParsesEncodedBucketKeyAndVersion(t *testing.T) {
	tests := []struct {
		header, bucket, key string
		wantErr             bool
	}{
		{"/src/dir/a%20b.txt", "src", "dir/a b.txt", false},
		{"src/k", "src", "k", false},
		{"src/k?versionId=null", "src", "k", false},
		{"src/k?versionId=abc", "", "", true},
		{"src", "", "", true},
		{"/src/", "", "", true},
	}
	for _, tc := range tests {
		b, k, _, err := copySource(tc.header)
		if tc.wantErr {
			assert.Error(t, err, tc.header)
			continue
		}
		require.NoError(t, err, tc.header)
		assert.Equal(t, tc.bucket, b)
		assert.Equal(t, tc.key, k)
	}
}

func TestAddress_PathStyleAndVirtualHosted(t *testing.T) {
	s := &Server{baseDomain: "localhost"}
	tests := []struct {
		host, path, bucket, key string
		virtual                 bool
	}{
		{"127.0.0.1:9000", "/b/k/x", "b", "k/x", false},
		{"localhost:9000", "/b", "b", "", false},
		{"localhost", "/", "", "", false},
		{"s3.localhost", "/b/k", "b", "k", false},
		{"b.localhost:9000", "/k/x", "b", "k/x", true},
		{"my.dotted.bucket.localhost", "/", "my.dotted.bucket", "", true},
		{"b.s3.localhost", "/k", "b", "k", true},
		{"B.LOCALHOST", "/k", "b", "k", true},
		{"127.0.0.1", "/b//double", "b", "/double", false},
	}
	for _, tc := range tests {
		r, err := http.NewRequest(http.MethodGet, "http://"+tc.host+tc.path, nil)
		require.NoError(t, err)
		b, k, v := s.address(r)
		assert.Equal(t, []any{tc.bucket, tc.key, tc.virtual}, []any{b, k, v}, "%s%s", tc.host, tc.path)
	}
}

func TestRequestIDs_UniquePerServerAndAcrossServers(t *testing.T) {
	a, b := newRequestIDs(), newRequestIDs()
	seen := map[string]bool{}
	for range 100 {
		for _, g := range []*requestIDs{a, b} {
			id, host := g.next()
			assert.Len(t, id, 16)
			assert.NotEmpty(t, host)
			assert.False(t, seen[id], "duplicate id %s", id)
			seen[id] = true
		}
	}
}

func TestManualClock_AdvanceAndSet(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewManualClock(start)
	c.Advance(time.Hour)
	assert.Equal(t, start.Add(time.Hour), c.Now())
	c.Set(start)
	assert.Equal(t, start, c.Now())
}
