package emulator

import "net/url"

// subresources is the set of sub-resource query keys a request names, one
// bit per name of implementedSubresources and unimplementedSubresources.
// Routing asks about it for every route it tries, so it is computed once
// per request (a walk over the request's few query keys) and every
// question after that is a mask test.
type subresources uint64

// subresourceBits maps each sub-resource name to its bit. It is built once
// and never written after.
var subresourceBits = func() map[string]subresources {
	names := append(append([]string(nil), implementedSubresources...), unimplementedSubresources...)
	if len(names) > 64 {
		panic("more sub-resources than bits in subresources")
	}
	m := make(map[string]subresources, len(names))
	for i, n := range names {
		m[n] = 1 << i
	}
	return m
}()

// anyUnimplemented is the bits of unimplementedSubresources.
var anyUnimplemented = subresourcesOf(unimplementedSubresources...)

// subresourcesOf is the set holding names, which must all be sub-resources.
func subresourcesOf(names ...string) subresources {
	var s subresources
	for _, n := range names {
		bit, ok := subresourceBits[n]
		if !ok {
			panic("not a sub-resource: " + n)
		}
		s |= bit
	}
	return s
}

// subresourcesIn is the set of sub-resources q names. Keys match exactly,
// as on S3: "ACL" is no sub-resource.
func subresourcesIn(q url.Values) subresources {
	var s subresources
	for k := range q {
		s |= subresourceBits[k]
	}
	return s
}
