package cors

import "strings"

// wildcardMatch reports whether s matches pattern, where each '*' stands for
// any run of characters, the empty run included, and the pattern is anchored
// at both ends. Parse allows one '*' per pattern; the general form keeps a
// hand-built Configuration safe.
func wildcardMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	first, last := parts[0], parts[len(parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	// The middle parts must appear in order between the fixed ends.
	rest := s[len(first) : len(s)-len(last)]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return true
}

// matchesOrigin reports whether the rule allows origin. Case-sensitive:
// browsers serialise origins in lower case, and S3 compares what it gets.
func (r *Rule) matchesOrigin(origin string) bool {
	for _, p := range r.AllowedOrigins {
		if wildcardMatch(p, origin) {
			return true
		}
	}
	return false
}

// allowsAnyOrigin reports whether the rule lists the bare "*" origin, in
// which case S3 answers Access-Control-Allow-Origin: * instead of echoing
// the origin, and sends no Access-Control-Allow-Credentials.
func (r *Rule) allowsAnyOrigin() bool {
	for _, p := range r.AllowedOrigins {
		if p == "*" {
			return true
		}
	}
	return false
}

func (r *Rule) matchesMethod(method string) bool {
	for _, m := range r.AllowedMethods {
		if m == method {
			return true
		}
	}
	return false
}

// matchesHeaders reports whether every requested header (already lower
// case) matches some AllowedHeader, compared without regard to case. A rule
// without AllowedHeader allows no requested header at all.
func (r *Rule) matchesHeaders(requested []string) bool {
	for _, h := range requested {
		ok := false
		for _, p := range r.AllowedHeaders {
			if wildcardMatch(strings.ToLower(p), h) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
