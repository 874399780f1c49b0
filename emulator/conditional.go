package emulator

import (
	"net/http"
	"strings"
	"time"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// condHeaders names the four conditional headers of a GET/HEAD, or the
// x-amz-copy-source-if-* family of a copy.
type condHeaders struct {
	ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince string
}

var getConds = condHeaders{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"}

var copyConds = condHeaders{
	"X-Amz-Copy-Source-If-Match", "X-Amz-Copy-Source-If-None-Match",
	"X-Amz-Copy-Source-If-Modified-Since", "X-Amz-Copy-Source-If-Unmodified-Since",
}

// conditionName is how S3 names a failed condition in <Condition>.
func conditionName(h string) string {
	if rest, ok := strings.CutPrefix(h, "X-Amz-Copy-Source-"); ok {
		return "x-amz-copy-source-" + rest
	}
	return h
}

// evalConditions applies RFC 7232's order the way S3 does: If-Match, then
// If-Unmodified-Since (ignored when If-Match is present), then
// If-None-Match, then If-Modified-Since (ignored when If-None-Match is
// present). A failed If-Match or If-Unmodified-Since is 412; a matching
// If-None-Match or an unmodified If-Modified-Since is 304 for GET/HEAD and
// 412 for a copy source (copy == true).
func evalConditions(h http.Header, names condHeaders, info store.ObjectInfo, copy bool) error {
	lastMod := info.LastModified.UTC().Truncate(time.Second)
	failed := func(header string) error {
		return s3err.New(s3err.PreconditionFailed).With("Condition", conditionName(header))
	}
	notModified := func(header string) error {
		if copy {
			return failed(header)
		}
		return s3err.New(s3err.NotModified).WithDiagnosis("%s: the object has not changed", header)
	}
	if v := h.Get(names.ifMatch); v != "" {
		if !etagListMatches(v, info.ETag) {
			return failed(names.ifMatch)
		}
	} else if v := h.Get(names.ifUnmodifiedSince); v != "" {
		if t, err := http.ParseTime(v); err == nil && lastMod.After(t) {
			return failed(names.ifUnmodifiedSince)
		}
	}
	if v := h.Get(names.ifNoneMatch); v != "" {
		if etagListMatches(v, info.ETag) {
			return notModified(names.ifNoneMatch)
		}
	} else if v := h.Get(names.ifModifiedSince); v != "" {
		if t, err := http.ParseTime(v); err == nil && !lastMod.After(t) {
			return notModified(names.ifModifiedSince)
		}
	}
	return nil
}

// etagListMatches reports whether a comma-separated If-Match/If-None-Match
// list names etag or is "*". Quotes and W/ are ignored, as S3 compares the
// opaque value.
func etagListMatches(list, etag string) bool {
	want := strings.Trim(etag, `"`)
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		item = strings.TrimPrefix(item, "W/")
		if item == "*" || strings.Trim(item, `"`) == want {
			return true
		}
	}
	return false
}
