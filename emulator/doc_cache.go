package emulator

import "sync"

// maxCachedDocs bounds each parsed-document cache: past it the cache is
// emptied and refilled by the requests that follow, so creating and
// deleting buckets forever cannot grow it.
const maxCachedDocs = 1024

// docCache keeps each bucket's parsed configuration document (its bucket
// policy, its Block Public Access setting) with the document it came from.
// Authorization reads them on every request, and parsing a 20 KB policy or
// unmarshalling XML there would cost more than the request. A document that
// differs from the cached one (a Put…, or a store changed behind the
// server) is parsed again; a document that fails to parse is never cached.
type docCache[T any] struct {
	mu      sync.Mutex
	entries map[string]cachedDoc[T]
}

type cachedDoc[T any] struct {
	doc    string
	parsed T
}

func (dc *docCache[T]) parse(bucket string, doc []byte, parse func([]byte) (T, error)) (T, error) {
	dc.mu.Lock()
	e, ok := dc.entries[bucket]
	dc.mu.Unlock()
	if ok && e.doc == string(doc) {
		return e.parsed, nil
	}
	v, err := parse(doc)
	if err != nil {
		return v, err
	}
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if dc.entries == nil || len(dc.entries) >= maxCachedDocs {
		dc.entries = map[string]cachedDoc[T]{}
	}
	dc.entries[bucket] = cachedDoc[T]{doc: string(doc), parsed: v}
	return v, nil
}
