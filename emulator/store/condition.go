package store

import (
	"errors"
	"strings"
)

// ErrPreconditionFailed is returned by PutObject and CompleteUpload when
// their PutCondition does not hold at the moment of the commit; nothing is
// written and an upload stays in progress.
var ErrPreconditionFailed = errors.New("store: precondition failed")

// PutCondition makes a write conditional on the key's current object, as
// S3's If-None-Match: * and If-Match do on PutObject, CopyObject and
// CompleteMultipartUpload. A store judges it under the same lock as the
// commit that makes the write visible, so it holds for the object the
// write replaces: of concurrent writes with If-None-Match, exactly one
// creates the object and the others fail; of concurrent If-Match writes
// naming the same ETag, exactly one replaces it. The zero value is no
// condition.
type PutCondition struct {
	// IfNoneMatch requires that the key has no object (If-None-Match: *).
	IfNoneMatch bool
	// IfMatch, when not empty, requires that the key has an object whose
	// ETag it names: an If-Match value, one ETag or a comma-separated list,
	// quoted or not, or "*" for any object.
	IfMatch string
}

// Check judges cur, the key's current object (nil when there is none).
// IfNoneMatch is judged first: an object exists is ErrPreconditionFailed.
// Then IfMatch: no object is ErrNoSuchKey, as S3 answers a conditional
// write to an absent key, and an ETag it does not name is
// ErrPreconditionFailed. So ErrPreconditionFailed names If-None-Match when
// IfNoneMatch is set, else If-Match.
func (c PutCondition) Check(cur *ObjectInfo) error {
	if c.IfNoneMatch && cur != nil {
		return ErrPreconditionFailed
	}
	if c.IfMatch == "" {
		return nil
	}
	if cur == nil {
		return ErrNoSuchKey
	}
	if !c.names(cur.ETag) {
		return ErrPreconditionFailed
	}
	return nil
}

// names compares ETags as opaque values: quotes and a weak W/ prefix are
// ignored.
func (c PutCondition) names(etag string) bool {
	want := strings.Trim(etag, `"`)
	for item := range strings.SplitSeq(c.IfMatch, ",") {
		item = strings.Trim(strings.TrimPrefix(strings.TrimSpace(item), "W/"), `"`)
		if item == "*" || item == want {
			return true
		}
	}
	return false
}
