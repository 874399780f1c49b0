package verifier

import (
	"net/http"
	"net/url"
)

// ParseQuery reads a raw query string the way S3 does, and the way the
// verifier reads it to build the canonical query: pairs are split on '&'
// only, then on the first '='; empty pieces are skipped; names and values
// are percent-decoded with '+' as a space, and a malformed escape is kept
// literally. It never fails and never drops a parameter.
//
// Use it instead of url.ParseQuery (and URL.Query) wherever a request's
// query decides something: since Go 1.17 the standard parser silently
// drops any pair containing ';' or a bad escape, so "?uploadId=a;b" would
// route as a plain PutObject while the signature covers "uploadId".
// Repeated names keep every value, in order.
func ParseQuery(raw string) url.Values {
	// The parameters only pass through: every string they hold goes into
	// the map, so they can live on the stack.
	var buf [stackQueryParamsParsed]queryParam
	ps := appendRawQuery(buf[:0], raw)
	q := make(url.Values, len(ps))
	// One array holds the first value of every name, each slice capped at
	// one so that a repeated name's append copies instead of overwriting
	// the next name's value: two allocations, not one per parameter.
	firsts := make([]string, len(ps))
	for i, p := range ps {
		if vs, ok := q[p.name]; ok {
			q[p.name] = append(vs, p.value)
			continue
		}
		firsts[i] = p.value
		q[p.name] = firsts[i : i+1 : i+1]
	}
	return q
}

// RequestQuery is ParseQuery of r's query as sent on the wire (from
// RequestURI when the request came from a server), the same string
// Authenticate signs.
func RequestQuery(r *http.Request) url.Values {
	_, raw := rawTarget(r)
	return ParseQuery(raw)
}
