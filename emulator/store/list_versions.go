package store

import (
	"iter"
	"strings"
)

// VersionListOptions are ListObjectVersions parameters, already validated.
type VersionListOptions struct {
	Prefix    string
	Delimiter string
	// KeyMarker and VersionIDMarker say where the previous page ended: with
	// no VersionIDMarker every version of keys <= KeyMarker is skipped;
	// with one, the listing resumes after that version of KeyMarker.
	KeyMarker       string
	VersionIDMarker string
	MaxKeys         int
}

// VersionListResult is one page of ListObjectVersions: versions and delete
// markers by key in UTF-8 binary order, each key's newest first.
type VersionListResult struct {
	// Versions holds versions and markers (IsDeleteMarker), IsLatest set on
	// each key's current one.
	Versions       []ObjectInfo
	CommonPrefixes []string
	IsTruncated    bool
	// NextKeyMarker and NextVersionIDMarker name the last entry returned
	// (a common prefix has no version id; the null version's is "null").
	NextKeyMarker       string
	NextVersionIDMarker string
}

// listVersionsPage builds one page of ListObjectVersions. keys yields the
// keys having any version, ascending, starting anywhere at or before
// opts.KeyMarker; versions returns a key's versions newest first.
//
// Every version, marker and common prefix counts toward MaxKeys, and the
// page is truncated only when one more would follow, as listPage does.
// A VersionIDMarker that names no version of KeyMarker any more (deleted
// since the previous page, as a cleanup that deletes while it lists does)
// resumes where that version was, by the write order ids encode.
func listVersionsPage(opts VersionListOptions, keys iter.Seq[string], versions func(key string) []ObjectInfo) VersionListResult {
	var res VersionListResult
	if opts.MaxKeys <= 0 {
		return res
	}
	count := 0
	lastPrefix := ""
	full := func() bool {
		if count == opts.MaxKeys {
			res.IsTruncated = true
			return true
		}
		count++
		return false
	}
	for key := range keys {
		if key < opts.KeyMarker || key == opts.KeyMarker && opts.VersionIDMarker == "" {
			continue
		}
		if !strings.HasPrefix(key, opts.Prefix) {
			if key > opts.Prefix {
				break
			}
			continue
		}
		if opts.Delimiter != "" {
			rest := key[len(opts.Prefix):]
			if i := strings.Index(rest, opts.Delimiter); i >= 0 {
				entry := key[:len(opts.Prefix)+i+len(opts.Delimiter)]
				if entry == lastPrefix || entry <= opts.KeyMarker {
					continue
				}
				if full() {
					break
				}
				res.CommonPrefixes = append(res.CommonPrefixes, entry)
				res.NextKeyMarker, res.NextVersionIDMarker = entry, ""
				lastPrefix = entry
				continue
			}
		}
		vs := versions(key)
		if key == opts.KeyMarker {
			vs = afterVersion(vs, opts.VersionIDMarker)
		}
		for _, v := range vs {
			if full() {
				return res
			}
			res.Versions = append(res.Versions, v)
			res.NextKeyMarker, res.NextVersionIDMarker = key, ShownVersionID(v.VersionID)
		}
		if res.IsTruncated {
			break
		}
	}
	return res
}

// afterVersion returns the versions (newest first) following the one named
// id. When id names none, they are those written before it: the first
// version with a smaller id on, with the null versions just before that
// one, whose place relative to the vanished version is unknown (listing
// one twice is harmless, skipping one is not). A vanished null marker
// skips the key.
func afterVersion(vs []ObjectInfo, id string) []ObjectInfo {
	id = storedVersionID(id)
	for i, v := range vs {
		if v.VersionID == id {
			return vs[i+1:]
		}
	}
	if id == "" {
		return nil
	}
	i := len(vs)
	for j, v := range vs {
		if v.VersionID != "" && v.VersionID < id {
			i = j
			break
		}
	}
	for i > 0 && vs[i-1].VersionID == "" {
		i--
	}
	return vs[i:]
}

// ShownVersionID is a stored version id as S3 shows it: "" is "null".
func ShownVersionID(id string) string {
	if id == "" {
		return NullVersionID
	}
	return id
}

// chainInfos lists a chain's versions for ListObjectVersions.
func chainInfos[V any](c chain[V]) []ObjectInfo {
	out := make([]ObjectInfo, len(c.versions))
	for i, v := range c.versions {
		out[i] = cloneInfo(*c.info(v))
		out[i].IsLatest = i == 0
	}
	return out
}
