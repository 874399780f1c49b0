package verifier

import (
	"slices"
	"strings"
)

// commonContentTypes are the types SDKs, browsers and curl send most; a
// pre-signed PUT signed with one of them and sent with another fails.
var commonContentTypes = [...]string{
	"application/octet-stream", "binary/octet-stream", "text/plain", "text/plain;charset=UTF-8",
	"text/plain; charset=utf-8", "application/json", "application/xml", "text/html", "text/csv",
	"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "application/zip",
	"video/mp4", "application/x-www-form-urlencoded", "multipart/form-data",
}

// contentTypeCandidates are Content-Type values the signer plausibly signed
// instead of sent: sent without its parameters or with a charset, then
// the common types.
func contentTypeCandidates(sent string) []string {
	var out []string
	add := func(ct string) {
		if ct != sent && !slices.Contains(out, ct) {
			out = append(out, ct)
		}
	}
	base, _, hasParams := strings.Cut(sent, ";")
	base = strings.TrimSpace(base)
	if hasParams {
		add(base)
	} else if base != "" {
		add(base + ";charset=UTF-8")
		add(base + "; charset=utf-8")
	}
	for _, ct := range commonContentTypes {
		add(ct)
	}
	return out
}
