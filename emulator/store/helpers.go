package store

import (
	"cmp"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// checkKey rejects keys no store can hold faithfully: the empty key and keys
// that are not UTF-8 (S3 keys are UTF-8, and listing order is defined on it).
func checkKey(key string) error {
	if key == "" || !utf8.ValidString(key) {
		return ErrInvalidKey
	}
	return nil
}

// etagHasher computes the MD5 of a body for its ETag, unless the body is a
// HashedBody, which hashes itself.
type etagHasher struct {
	self HashedBody
	h    hash.Hash
}

func newETagHasher(body io.Reader) etagHasher {
	if hb, ok := body.(HashedBody); ok {
		return etagHasher{self: hb}
	}
	return etagHasher{h: md5.New()}
}

// reader returns body, teed into the hash when the store must hash it.
func (e etagHasher) reader(body io.Reader) io.Reader {
	if e.h == nil {
		return body
	}
	return io.TeeReader(body, e.h)
}

// write hashes p when the store must hash the body itself.
func (e etagHasher) write(p []byte) {
	if e.h != nil {
		e.h.Write(p)
	}
}

// sum is the digest; valid once body has returned io.EOF.
func (e etagHasher) sum() []byte {
	if e.self != nil {
		return e.self.MD5()
	}
	return e.h.Sum(nil)
}

// quotedETag formats a digest the way S3 sends an ETag.
func quotedETag(sum []byte) string {
	return `"` + hex.EncodeToString(sum) + `"`
}

// cloneMeta copies meta so neither the caller nor the store can change the
// other's copy later; an empty User map becomes nil so stores agree.
func cloneMeta(m ObjectMeta) ObjectMeta {
	if len(m.User) == 0 {
		m.User = nil
	} else {
		m.User = maps.Clone(m.User)
	}
	m.Checksum = cloneChecksum(m.Checksum)
	if m.Lock != nil {
		l := *m.Lock
		m.Lock = &l
	}
	return m
}

func cloneChecksum(c *Checksum) *Checksum {
	if c == nil {
		return nil
	}
	cc := *c
	return &cc
}

func cloneInfo(o ObjectInfo) ObjectInfo {
	o.Meta = cloneMeta(o.Meta)
	o.PartSizes = slices.Clone(o.PartSizes)
	o.PartChecksums = slices.Clone(o.PartChecksums)
	return o
}

// newUploadID returns an opaque, unguessable upload id that is also safe
// as a file name.
func newUploadID() string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// sortUploads orders uploads as ListMultipartUploads does: by key, then by
// initiation time.
func sortUploads(ups []UploadInfo) {
	slices.SortFunc(ups, func(a, b UploadInfo) int {
		if c := cmp.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		if c := a.Initiated.Compare(b.Initiated); c != 0 {
			return c
		}
		return cmp.Compare(a.UploadID, b.UploadID)
	})
}

// clampRange fits rng inside an object of size bytes; a range starting at or
// past the end becomes empty. The emulator resolves ranges against a HEAD,
// and the object may have changed since.
func clampRange(rng *Range, size int64) Range {
	if rng == nil {
		return Range{0, size}
	}
	r := *rng
	if r.Start < 0 {
		r.Start = 0
	}
	if r.Start > size {
		r.Start = size
	}
	if r.Length < 0 || r.Start+r.Length > size {
		r.Length = size - r.Start
	}
	return r
}

// listedParts copies an upload's parts, whatever a store keeps beside each,
// in part-number order, as ListParts answers them.
func listedParts[P any](parts map[int]P, info func(P) PartInfo) []PartInfo {
	out := make([]PartInfo, 0, len(parts))
	for _, n := range slices.Sorted(maps.Keys(parts)) {
		out = append(out, partCopy(info(parts[n])))
	}
	return out
}

// listedUploads copies a bucket's uploads in ListMultipartUploads' order.
func listedUploads[U any](uploads map[string]U, info func(U) UploadInfo) []UploadInfo {
	out := make([]UploadInfo, 0, len(uploads))
	for _, u := range uploads {
		out = append(out, uploadCopy(info(u)))
	}
	sortUploads(out)
	return out
}

func uploadCopy(u UploadInfo) UploadInfo {
	u.Meta = cloneMeta(u.Meta)
	return u
}

func partCopy(p PartInfo) PartInfo {
	p.Checksum = cloneChecksum(p.Checksum)
	return p
}

// partChecksums lists the parts' checksum values, nil when none has one.
func partChecksums(parts []CompletePart) []string {
	var out []string
	for i, p := range parts {
		if p.Checksum == "" {
			continue
		}
		if out == nil {
			out = make([]string, len(parts))
		}
		out[i] = p.Checksum
	}
	return out
}

// partMissing is the error for a CompletePart naming no stored part.
func partMissing(n int) error { return fmt.Errorf("%w: part %d", ErrNoSuchPart, n) }

// partMatches reports whether a stored part is the one a CompletePart
// names; the error says which part did not, for the emulator's diagnosis.
func partMatches(cp CompletePart, stored PartInfo) error {
	if strings.Trim(cp.ETag, `"`) != strings.Trim(stored.ETag, `"`) {
		return fmt.Errorf("%w: part %d has ETag %s, not %s", ErrNoSuchPart, cp.PartNumber, stored.ETag, cp.ETag)
	}
	return nil
}

// updatedLock applies update to cur (nil for none) and returns the state
// to store: nil once it holds nothing, so an unlocked version keeps no
// Lock field.
func updatedLock(cur *ObjectLock, update func(ObjectLock) (ObjectLock, error)) (*ObjectLock, error) {
	var in ObjectLock
	if cur != nil {
		in = *cur
	}
	out, err := update(in)
	if err != nil || out.IsZero() {
		return nil, err
	}
	return &out, nil
}
