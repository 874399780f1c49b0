package store

import (
	"iter"
	"strings"
)

// listPage builds one page of a listing. keys must yield a bucket's keys in
// ascending byte order (UTF-8 binary order, as S3 sorts); it may start
// anywhere at or before opts.After. object looks a key up and reports false
// when it vanished since keys was taken.
//
// As in S3, a common prefix counts toward MaxKeys like a key, and the page is
// truncated only when one more key or common prefix would follow. A common
// prefix <= After is skipped, so paging with NextAfter set to a common prefix
// resumes after every key it rolled up.
func listPage(opts ListOptions, keys iter.Seq[string], object func(key string) (ObjectInfo, bool)) ListResult {
	var res ListResult
	if opts.MaxKeys <= 0 {
		return res
	}
	count := 0
	lastPrefix := ""
	for key := range keys {
		if key <= opts.After {
			continue
		}
		if !strings.HasPrefix(key, opts.Prefix) {
			if key > opts.Prefix {
				break // sorted: no later key can carry the prefix
			}
			continue
		}
		entry, rolledUp := key, false
		if opts.Delimiter != "" {
			rest := key[len(opts.Prefix):]
			if i := strings.Index(rest, opts.Delimiter); i >= 0 {
				entry = key[:len(opts.Prefix)+i+len(opts.Delimiter)]
				rolledUp = true
				if entry == lastPrefix || entry <= opts.After {
					continue
				}
			}
		}
		var info ObjectInfo
		if !rolledUp {
			var ok bool
			if info, ok = object(key); !ok {
				continue
			}
		}
		if count == opts.MaxKeys {
			res.IsTruncated = true
			break
		}
		if rolledUp {
			res.CommonPrefixes = append(res.CommonPrefixes, entry)
			lastPrefix = entry
		} else {
			res.Objects = append(res.Objects, info)
		}
		res.NextAfter = entry
		count++
	}
	return res
}
