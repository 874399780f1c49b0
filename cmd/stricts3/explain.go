package main

import (
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// printExplanation prints the request as the verifier saw it and each
// signing step, so a user can compare them with their client's own.
func printExplanation(w io.Writer, v *verifier.Verifier, r *http.Request, authErr error) {
	fmt.Fprintln(w, "== Request")
	fmt.Fprintf(w, "%s %s\n", r.Method, r.RequestURI)
	fmt.Fprintf(w, "Host: %s\n", r.Host)
	names := make([]string, 0, len(r.Header))
	for n := range r.Header {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, val := range r.Header[n] {
			fmt.Fprintf(w, "%s: %s\n", n, val)
		}
	}
	e, ok := s3err.As(authErr)
	if !ok {
		fmt.Fprintln(w)
		return
	}
	for _, step := range []string{"CanonicalRequest", "StringToSign", "SignatureProvided"} {
		if val, found := e.Get(step); found {
			fmt.Fprintf(w, "== %s\n%s\n", step, val)
		}
	}
	fmt.Fprintln(w)
}
