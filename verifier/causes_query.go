package verifier

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// commonExpires are the X-Amz-Expires values signers produce most: the SDK
// and CLI defaults and round minutes, hours and days up to S3's week.
var commonExpires = [...]int{60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 259200, 604800}

// digitEdits are the values one keystroke away from s: one character
// deleted, or one digit replaced at the positions from..to-1. They recover
// a parameter edited by hand ("Expires=1" prefixed to the original, a digit
// changed) in at most 10*len(s) tries.
func digitEdits(s string, from, to int) []string {
	var out []string
	add := func(e string) {
		if e != s && e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	for i := range len(s) {
		add(s[:i] + s[i+1:])
	}
	for i := from; i < min(to, len(s)); i++ {
		if s[i] < '0' || s[i] > '9' {
			continue
		}
		for d := byte('0'); d <= '9'; d++ {
			add(s[:i] + string(d) + s[i+1:])
		}
	}
	return out
}

// presignedParamVariants are q with X-Amz-Expires or the time of X-Amz-Date
// as the signer plausibly signed them, when the URL was edited after
// signing. The day of X-Amz-Date is pinned by the credential scope.
func presignedParamVariants(q *v4Request) []v4Variant {
	var out []v4Variant
	idx := func(name string) int {
		return slices.IndexFunc(q.query, func(p queryParam) bool { return p.name == name })
	}
	withParam := func(i int, val string) v4Request {
		c := *q
		c.query = slices.Clone(q.query)
		c.query[i].value, c.query[i].rawValue = val, val
		return c
	}
	if i := idx(qExpires); i >= 0 {
		sent := q.query[i].value
		var cands []string
		for _, e := range commonExpires {
			cands = append(cands, strconv.Itoa(e))
		}
		if len(sent) <= 7 {
			// Deletions only: a changed digit is rarer than a prefix, and
			// each try costs as much as a signature.
			cands = append(cands, digitEdits(sent, 0, 0)...)
		}
		seen := map[string]bool{sent: true}
		for _, c := range cands {
			if seen[c] {
				continue
			}
			seen[c] = true
			out = append(out, v4Variant{q: withParam(i, c), cause: func() Cause { return editedCause(qExpires, c, sent) }})
		}
	}
	if i := idx(qDate); i >= 0 && len(q.query[i].value) == len(amzDateLayout) {
		sent := q.query[i].value
		// The hour and minute digits (yyyyMMddTHHmm): the credential pins
		// the day, and an edit that extends a URL changes hours or minutes.
		for _, c := range digitEdits(sent, 9, 13) {
			if len(c) != len(sent) || c[:9] != sent[:9] {
				continue
			}
			if _, ok := parseAmzDate(c); !ok {
				continue
			}
			vq := withParam(i, c)
			vq.amzDate = c
			out = append(out, v4Variant{q: vq, cause: func() Cause { return editedCause(qDate, c, sent) }})
		}
	}
	return out
}

func editedCause(param, signed, sent string) Cause {
	return cause(CauseQueryParamEdited,
		matchPrefix+fmt.Sprintf("%s=%s: the URL was signed with %s and the parameter was edited to %s afterwards", param, signed, signed, sent),
		"param", param, "signed", signed, "sent", sent)
}

// emptyBodyChecksums are the checksums of an empty body, which presigners
// (the JS SDK v3's getSignedUrl) put into pre-signed PUT URLs.
var emptyBodyChecksums = map[string]string{
	"x-amz-checksum-crc32":     "AAAAAA==",
	"x-amz-checksum-crc32c":    "AAAAAA==",
	"x-amz-checksum-crc64nvme": "AAAAAAAAAAA=",
	"x-amz-checksum-sha1":      "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
	"x-amz-checksum-sha256":    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
}

func isChecksumParam(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "x-amz-checksum-") || n == "x-amz-sdk-checksum-algorithm"
}

// checksumParamVariants are q with a checksum parameter of the URL at the
// empty-body value the presigner put there, for a URL whose checksum was
// replaced after signing (by a client computing the body's own).
func checksumParamVariants(q *v4Request) []v4Variant {
	var out []v4Variant
	for i, p := range q.query {
		want, ok := emptyBodyChecksums[strings.ToLower(p.name)]
		if !ok || p.value == want {
			continue
		}
		c := *q
		c.query = slices.Clone(q.query)
		c.query[i].value, c.query[i].rawValue = want, want
		out = append(out, v4Variant{q: c, cause: known(cause(CauseChecksumParamInURL,
			matchPrefix+fmt.Sprintf("%s=%s: the URL was signed with the empty body's checksum and the parameter was changed afterwards; a checksum in a pre-signed URL is signed, so send the body's checksum as a header instead or pre-sign without it (JS SDK: requestChecksumCalculation: 'WHEN_REQUIRED')", p.name, want),
			"param", p.name, "signed", want, "sent", p.value))})
	}
	return out
}
