package main

import (
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/stricts3/stricts3/verifier"
)

// printExplanation prints the request as the verifier saw it and each
// signing step, so a user can diff them against their client's own debug
// output (botocore and the SDKs log the same canonical request and string
// to sign).
func printExplanation(w io.Writer, r *http.Request, ex verifier.Explanation) {
	fmt.Fprintln(w, "== Request (as the server receives it)")
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
	fmt.Fprintln(w)
	fmt.Fprintf(w, "== Authentication: %s\n", orNone(string(ex.AuthType)))
	if ex.AccessKeyID != "" {
		fmt.Fprintf(w, "Access key: %s\n", ex.AccessKeyID)
	}
	if ex.CanonicalRequest != "" {
		fmt.Fprintf(w, "\n== CanonicalRequest\n%s\n", ex.CanonicalRequest)
	}
	if ex.StringToSign != "" {
		fmt.Fprintf(w, "\n== StringToSign\n%s\n", ex.StringToSign)
	}
	if ex.Expected != "" || ex.Provided != "" {
		fmt.Fprintln(w, "\n== Signatures")
		fmt.Fprintf(w, "Expected: %s\n", orNone(ex.Expected))
		fmt.Fprintf(w, "Provided: %s\n", orNone(ex.Provided))
		switch {
		case ex.Expected == "":
			fmt.Fprintln(w, "(no signature computed: the check stopped earlier)")
		case ex.Expected == ex.Provided:
			fmt.Fprintln(w, "Signatures match.")
		default:
			fmt.Fprintln(w, "Signatures differ.")
		}
	}
	fmt.Fprintln(w)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
