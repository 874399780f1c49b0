package emulator

import "net/http"

// headerSet sets response headers whose values share one array: Header.Set
// allocates a one-value slice per header, and a GET answers with about ten.
type headerSet struct {
	h    http.Header
	vals []string
}

// newHeaderSet prepares room for n values; past n, set falls back to
// Header.Set.
func newHeaderSet(h http.Header, n int) headerSet {
	return headerSet{h: h, vals: make([]string, 0, n)}
}

// set is Header.Set. Each value's slice is capped at one, so an Add to one
// header copies instead of overwriting the next header's value.
func (s *headerSet) set(name, value string) {
	if len(s.vals) == cap(s.vals) {
		s.h.Set(name, value)
		return
	}
	s.vals = append(s.vals, value)
	i := len(s.vals) - 1
	s.h[http.CanonicalHeaderKey(name)] = s.vals[i : i+1 : i+1]
}

// setIf sets the header only when value is not empty.
func (s *headerSet) setIf(name, value string) {
	if value != "" {
		s.set(name, value)
	}
}
