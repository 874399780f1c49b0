package emulator

import (
	"net/url"
	"strings"
)

// Session tokens never leave the server: not in the inspector, not in a
// report. A request carries its token as the x-amz-security-token header
// or the X-Amz-Security-Token query parameter (SigV2 too), and SigV4 signs
// either one into the canonical request, so both places are redacted.

const (
	securityTokenName = "x-amz-security-token"
	redacted          = "<redacted>"
)

// redactQuery returns the raw query string with every security token
// value replaced.
func redactQuery(raw string) string {
	if !hasTokenParam(raw) {
		return raw
	}
	params := strings.Split(raw, "&")
	for i, p := range params {
		name, _, hasValue := strings.Cut(p, "=")
		if hasValue && isTokenParamName(name) {
			params[i] = name + "=" + redacted
		}
	}
	return strings.Join(params, "&")
}

// redactCanonicalRequest redacts the token in a SigV4 canonical request:
// its query line (the third) and its x-amz-security-token header line.
func redactCanonicalRequest(canonical string) string {
	if !containsFold(canonical, securityTokenName) {
		return canonical
	}
	lines := strings.Split(canonical, "\n")
	for i, l := range lines {
		switch {
		case i == 2:
			lines[i] = redactQuery(l)
		case len(l) > len(securityTokenName) && strings.EqualFold(l[:len(securityTokenName)+1], securityTokenName+":"):
			lines[i] = l[:len(securityTokenName)+1] + redacted
		}
	}
	return strings.Join(lines, "\n")
}

// hasTokenParam reports whether the raw query has a session token
// parameter with a value: what redactQuery replaces. It runs on every
// recorded request, so it allocates nothing unless a name is escaped.
func hasTokenParam(raw string) bool {
	for rest := raw; rest != ""; {
		var p string
		p, rest, _ = strings.Cut(rest, "&")
		if n, _, ok := strings.Cut(p, "="); ok && isTokenParamName(n) {
			return true
		}
	}
	return false
}

// isTokenParamName reports whether a raw query parameter name is the
// session token's once decoded, as the verifier decodes it: a client may
// escape any byte of it ("X-Amz-Security%2DToken").
func isTokenParamName(raw string) bool {
	if strings.ContainsAny(raw, "%+") {
		decoded, err := url.QueryUnescape(raw)
		if err != nil {
			return false // a malformed escape is kept as sent: never the name
		}
		raw = decoded
	}
	return strings.EqualFold(raw, securityTokenName)
}

// containsFold reports whether s contains the lower-case ASCII substr in
// any letter case. It allocates nothing, and compares only where the first
// byte matches.
func containsFold(s, substr string) bool {
	if substr == "" {
		return true
	}
	first, upper := substr[0], substr[0]
	if 'a' <= first && first <= 'z' {
		upper -= 'a' - 'A'
	}
	for i := 0; i+len(substr) <= len(s); i++ {
		if c := s[i]; (c == first || c == upper) && strings.EqualFold(s[i:i+len(substr)], substr) {
			return true
		}
	}
	return false
}
