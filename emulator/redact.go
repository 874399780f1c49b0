package emulator

import "strings"

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
	if !containsFold(raw, securityTokenName) {
		return raw
	}
	params := strings.Split(raw, "&")
	for i, p := range params {
		name, _, hasValue := strings.Cut(p, "=")
		if hasValue && strings.EqualFold(name, securityTokenName) {
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

// containsFold reports whether s contains the lower-case ASCII substr in
// any letter case. It allocates nothing: it runs on every recorded request.
func containsFold(s, substr string) bool {
	for i := 0; i+len(substr) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(substr)], substr) {
			return true
		}
	}
	return false
}
