package emulator

import (
	"errors"
	"net/http"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// writeCondition reads the If-None-Match and If-Match of a conditional
// write (PutObject, CopyObject, CompleteMultipartUpload). S3 supports only
// If-None-Match: * on writes.
func writeCondition(h http.Header) (store.PutCondition, error) {
	inm := headerGet(h, "If-None-Match")
	if inm != "" && inm != "*" {
		return store.PutCondition{}, s3err.New(s3err.NotImplemented).
			WithDiagnosis("S3 supports only If-None-Match: * on writes, got %q", inm)
	}
	return store.PutCondition{IfNoneMatch: inm == "*", IfMatch: headerGet(h, "If-Match")}, nil
}

// checkWriteCondition judges cond on the key's object before a body is
// read that is bound to fail. It is only a shortcut: the store judges cond
// again when it commits, under the lock that makes the write visible, and
// that is what makes a conditional write hold against concurrent writes
// (the loser sees the winner's object: 412, as on S3 when the winner has
// committed first).
func (s *Server) checkWriteCondition(c *call, cond store.PutCondition) error {
	if cond == (store.PutCondition{}) {
		return nil
	}
	info, err := s.store.HeadObject(c.r.Context(), c.bucket, c.key)
	var cur *store.ObjectInfo
	switch {
	case err == nil:
		cur = &info
	case !errors.Is(err, store.ErrNoSuchKey):
		return storeErr(c, err)
	}
	return writeConditionErr(c, cond, cond.Check(cur))
}

// writeConditionErr maps the store's answer to a conditional write: a
// failed condition is 412 naming its header (If-None-Match is judged
// first, see store.PutCondition.Check); If-Match on an absent key is
// NoSuchKey; anything else goes to storeErr.
func writeConditionErr(c *call, cond store.PutCondition, err error) error {
	if !errors.Is(err, store.ErrPreconditionFailed) {
		return storeErr(c, err)
	}
	header := "If-Match"
	if cond.IfNoneMatch {
		header = "If-None-Match"
	}
	return s3err.New(s3err.PreconditionFailed).With("Condition", header)
}
