package emulator

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// DefaultMaxCompletedUploads is how many completed multipart uploads a
// Server remembers when Options.MaxCompletedUploads is 0.
const DefaultMaxCompletedUploads = 10000

// completedUpload is what a Server remembers of a multipart upload it
// completed: enough to answer a repeated CompleteMultipartUpload exactly as
// the first, and to tell whether the repeat names the same parts and the
// object is still the one the upload made. The part list is kept as a
// digest so a record has a fixed size whatever the number of parts.
type completedUpload struct {
	bucket, key string
	parts       [sha256.Size]byte
	etag        string
	checksum    *store.Checksum
	// versionID is the version the completion made ("" for the null one).
	versionID string
}

// completedUploads is a bounded record of completed uploads by upload id;
// the oldest is forgotten first. It lives in the Server, not the store: it
// is an answer cache, and a forgotten record only turns a repeat into the
// NoSuchUpload S3 documents for a completed upload.
type completedUploads struct {
	mu    sync.Mutex
	max   int
	byID  map[string]completedUpload
	order []string
}

// newCompletedUploads keeps up to max records; max < 0 keeps none.
func newCompletedUploads(max int) *completedUploads {
	if max == 0 {
		max = DefaultMaxCompletedUploads
	}
	return &completedUploads{max: max, byID: map[string]completedUpload{}}
}

func (r *completedUploads) add(id string, u completedUpload) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.max <= 0 {
		return
	}
	if _, ok := r.byID[id]; !ok {
		for len(r.order) >= r.max {
			delete(r.byID, r.order[0])
			r.order = r.order[1:]
		}
		r.order = append(r.order, id)
	}
	r.byID[id] = u
}

func (r *completedUploads) get(id string) (completedUpload, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	u, ok := r.byID[id]
	return u, ok
}

// partsDigest digests a CompleteMultipartUpload part list: numbers and
// ETags in order, quotes ignored as S3 ignores them when matching parts.
func partsDigest(parts []completeRequestPart) [sha256.Size]byte {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d %s\n", p.PartNumber, strings.Trim(p.ETag, `"`))
	}
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return d
}

// completeAgain answers a CompleteMultipartUpload for an upload id the
// store no longer has. S3 answers a repeat of a successful completion with
// 200 and the same result (recorded by S3 users against AWS; minio and
// S3Mock were reported for answering NoSuchUpload instead). When the repeat
// names other parts, or the object has since been overwritten or deleted,
// no recorded S3 answer was found: strictS3 answers NoSuchUpload, S3's
// documented answer for an upload that was completed. Conditions
// (If-None-Match) are not judged again: nothing is written.
func (s *Server) completeAgain(c *call, parts []completeRequestPart) error {
	id := uploadID(c)
	noSuchUpload := s3err.New(s3err.NoSuchUpload).With("UploadId", id)
	rec, ok := s.completed.get(id)
	if !ok || rec.bucket != c.bucket || rec.key != c.key {
		return noSuchUpload
	}
	if partsDigest(parts) != rec.parts {
		return noSuchUpload.WithDiagnosis("upload %s was completed with another part list", id)
	}
	info, err := s.store.HeadObject(c.r.Context(), c.bucket, c.key)
	switch {
	case errors.Is(err, store.ErrNoSuchKey):
		return noSuchUpload.WithDiagnosis("upload %s was completed, but its object has since been deleted", id)
	case err != nil:
		return storeErr(c, err)
	case info.ETag != rec.etag:
		return noSuchUpload.WithDiagnosis("upload %s was completed, but its object has since been overwritten", id)
	}
	s.setVersionHeader(c, "X-Amz-Version-Id", rec.versionID)
	return writeCompleteResult(c, rec)
}

// writeCompleteResult writes CompleteMultipartUpload's answer for rec, the
// same for the first completion and any repeat.
func writeCompleteResult(c *call, rec completedUpload) error {
	return writeXML(c, completeMultipartUploadResult{
		NS: s3NS, Location: objectLocation(c, rec.key), Bucket: rec.bucket, Key: rec.key, ETag: rec.etag,
		checksumElems: newChecksumElems(rec.checksum, true),
	})
}
