package emulator

import "net/http"

// headerGet is h.Get(name) for a name already in canonical form, as every
// name this package asks for is (TestHeaderGet_NamesAreCanonical checks
// each call). Header.Get canonicalizes its argument on every call, which
// costs more than the lookup itself, and a request asks for dozens of
// headers on its way through the pipeline.
func headerGet(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}
