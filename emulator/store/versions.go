package store

import (
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Bucket versioning states, as S3's VersioningConfiguration Status names
// them. A bucket never versioned has "" and can never return to it.
const (
	VersioningEnabled   = "Enabled"
	VersioningSuspended = "Suspended"
)

// NullVersionID is the id S3 gives the version written while a bucket was
// unversioned or suspended. Stores keep it as "" in ObjectInfo.VersionID and
// accept both "" and "null" where a version is named.
const NullVersionID = "null"

var (
	// ErrNoSuchVersion is returned when a named version does not exist.
	ErrNoSuchVersion = errors.New("store: no such version")
	// ErrNotImplemented is returned by stores that cannot keep versions
	// (the gofakes3 adapter) for every versioning operation.
	ErrNotImplemented = errors.New("store: not implemented by this store")
	// ErrInvalidVersioning is returned by SetBucketVersioning for a status
	// other than Enabled or Suspended.
	ErrInvalidVersioning = errors.New("store: invalid versioning status")
)

// DeleteMarkerError is returned when the version asked for is a delete
// marker. Current reports a read of the key's current version (the key
// reads as absent: it unwraps to ErrNoSuchKey); otherwise the marker was
// named by its version id (it unwraps to ErrMethodNotAllowed), as S3
// answers 405 to a GET of a marker by id.
type DeleteMarkerError struct {
	Marker  ObjectInfo
	Current bool
}

// ErrMethodNotAllowed is what a DeleteMarkerError for a marker named by
// its version id unwraps to.
var ErrMethodNotAllowed = errors.New("store: the version is a delete marker")

func (e *DeleteMarkerError) Error() string {
	return fmt.Sprintf("store: %s version %q is a delete marker", e.Marker.Key, e.Marker.VersionID)
}

func (e *DeleteMarkerError) Unwrap() error {
	if e.Current {
		return ErrNoSuchKey
	}
	return ErrMethodNotAllowed
}

// DeleteResult says what DeleteObjectVersion did.
type DeleteResult struct {
	// VersionID is the version removed, or the delete marker created ("" for
	// the null version).
	VersionID string
	// DeleteMarker reports that the version removed or created is a marker.
	DeleteMarker bool
}

// versionAlphabet is the characters of a version id (S3's: letters,
// digits, '.' and '_') in byte order, so ids compare as their numbers do.
const versionAlphabet = ".0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

// newVersionID returns an opaque 32-character version id, never "null":
// 11 characters encoding seq, so a key's ids sort in the order of their
// writes, then 21 random ones. The order lets ListObjectVersions resume
// after a version-id-marker that was deleted meanwhile, as S3 does.
func newVersionID(seq uint64) string {
	var b [32]byte
	for i := 10; i >= 0; i-- {
		b[i] = versionAlphabet[seq%64]
		seq /= 64
	}
	_, _ = rand.Read(b[11:])
	for i := 11; i < len(b); i++ {
		b[i] = versionAlphabet[b[i]%64]
	}
	return string(b[:])
}

// versionSeq decodes the write order from a version id; 0 for others.
func versionSeq(id string) uint64 {
	if len(id) != 32 {
		return 0
	}
	var seq uint64
	for i := 0; i < 11; i++ {
		seq = seq*64 + uint64(strings.IndexByte(versionAlphabet, id[i]))
	}
	return seq
}

// IsVersionID reports whether id can name a version: "null" or an id this
// package makes. S3 answers a malformed id with 400 InvalidArgument.
func IsVersionID(id string) bool {
	if id == NullVersionID {
		return true
	}
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// storedVersionID maps a requested version id to the stored one.
func storedVersionID(id string) string {
	if id == NullVersionID {
		return ""
	}
	return id
}

// chain is a key's versions, newest first; the first one is the current
// version (which may be a delete marker). Both stores keep one per key and
// change it only through these functions, so they agree on S3's rules.
type chain[V any] struct {
	versions []V
	info     func(V) *ObjectInfo
}

// current returns the key's current object, or the error S3 gives for it.
func (c chain[V]) current() (V, error) {
	var zero V
	if len(c.versions) == 0 {
		return zero, ErrNoSuchKey
	}
	v := c.versions[0]
	if info := c.info(v); info.IsDeleteMarker {
		return zero, &DeleteMarkerError{Marker: cloneInfo(*info), Current: true}
	}
	return v, nil
}

// currentInfo is the current object's info for a PutCondition, nil when the
// key has none (absent, or its current version is a delete marker).
func (c chain[V]) currentInfo() *ObjectInfo {
	v, err := c.current()
	if err != nil {
		return nil
	}
	return c.info(v)
}

// find returns the version named id ("null" or "" for the null version).
func (c chain[V]) find(id string) (int, V, error) {
	id = storedVersionID(id)
	for i, v := range c.versions {
		if c.info(v).VersionID == id {
			return i, v, nil
		}
	}
	var zero V
	return -1, zero, ErrNoSuchVersion
}

// open returns the version named id for a read; a marker is a
// DeleteMarkerError.
func (c chain[V]) open(id string) (V, error) {
	_, v, err := c.find(id)
	if err != nil {
		return v, err
	}
	if info := c.info(v); info.IsDeleteMarker {
		var zero V
		return zero, &DeleteMarkerError{Marker: cloneInfo(*info)}
	}
	return v, nil
}

// add makes v the current version under the bucket's versioning status:
// unversioned, it replaces the current version; suspended, it replaces the
// null version wherever it is; enabled, it gets a fresh id and pushes the
// others down. It returns the versions that are gone.
func (c *chain[V]) add(v V, status string) (dropped []V) {
	info := c.info(v)
	info.VersionID = ""
	switch status {
	case VersioningEnabled:
		// Newer than every version of the key, whatever the clock did: ids
		// grow along the chain, so the newest one with an id is the
		// largest.
		seq := uint64(max(info.LastModified.UnixNano(), 0))
		for _, old := range c.versions {
			if id := c.info(old).VersionID; id != "" {
				seq = max(seq, versionSeq(id)+1)
				break
			}
		}
		info.VersionID = newVersionID(seq)
	case VersioningSuspended:
		if i, old, err := c.find(""); err == nil {
			dropped = append(dropped, old)
			c.versions = append(c.versions[:i:i], c.versions[i+1:]...)
		}
	default:
		if len(c.versions) > 0 {
			dropped = append(dropped, c.versions[0])
			c.versions = c.versions[1:]
		}
	}
	c.versions = append([]V{v}, c.versions...)
	return dropped
}

// allowRemove asks check whether the version named id may be removed; an
// absent version and a delete marker are not asked about.
func (c chain[V]) allowRemove(id string, check func(ObjectInfo) error) error {
	if check == nil {
		return nil
	}
	_, v, err := c.find(id)
	if err != nil {
		return nil
	}
	if info := c.info(v); !info.IsDeleteMarker {
		return check(cloneInfo(*info))
	}
	return nil
}

// remove deletes the version named id; an absent version is no error, as
// S3 answers 204 to it.
func (c *chain[V]) remove(id string) (DeleteResult, []V) {
	i, v, err := c.find(id)
	if err != nil {
		return DeleteResult{VersionID: storedVersionID(id)}, nil
	}
	info := c.info(v)
	c.versions = append(c.versions[:i:i], c.versions[i+1:]...)
	return DeleteResult{VersionID: info.VersionID, DeleteMarker: info.IsDeleteMarker}, []V{v}
}

// deleteCurrent is a DELETE without a version id: on a versioned bucket a
// delete marker (made by newMarker) becomes the current version, even for a
// key that has none; otherwise the current version is removed.
func (c *chain[V]) deleteCurrent(status string, newMarker func() V) (DeleteResult, []V) {
	if status == "" {
		if len(c.versions) == 0 {
			return DeleteResult{}, nil
		}
		return c.remove(c.info(c.versions[0]).VersionID)
	}
	m := newMarker()
	c.info(m).IsDeleteMarker = true
	dropped := c.add(m, status)
	return DeleteResult{VersionID: c.info(m).VersionID, DeleteMarker: true}, dropped
}

// setVersions stores key's versions in a store's index (objects, with its
// sorted keys) after a change, dropping a key left without any.
func setVersions[V any](objects map[string][]V, keys *[]string, key string, versions []V) {
	_, had := objects[key]
	switch {
	case len(versions) == 0 && had:
		delete(objects, key)
		if i, found := slices.BinarySearch(*keys, key); found {
			*keys = slices.Delete(*keys, i, i+1)
		}
	case len(versions) > 0:
		if !had {
			i, _ := slices.BinarySearch(*keys, key)
			*keys = slices.Insert(*keys, i, key)
		}
		objects[key] = versions
	}
}
