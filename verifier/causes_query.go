package verifier

import (
	"fmt"
	"slices"
	"strconv"
)

// commonExpires are the X-Amz-Expires values signers produce most: the SDK
// and CLI defaults and round minutes, hours and days up to S3's week.
var commonExpires = [...]int{60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 259200, 604800}

// digitEdits are the values one keystroke away from s: one character
// deleted, or one digit replaced. They recover a parameter edited by hand
// ("Expires=1" prefixed to the original, a digit changed) in at most
// 10*len(s) tries.
func digitEdits(s string) []string {
	var out []string
	add := func(e string) {
		if e != s && e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	for i := range len(s) {
		add(s[:i] + s[i+1:])
	}
	for i := range len(s) {
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
			cands = append(cands, digitEdits(sent)...)
		}
		seen := map[string]bool{sent: true}
		for _, c := range cands {
			if seen[c] {
				continue
			}
			seen[c] = true
			out = append(out, v4Variant{q: withParam(i, c), cause: editedCause(qExpires, c, sent)})
		}
	}
	if i := idx(qDate); i >= 0 && len(q.query[i].value) == len(amzDateLayout) {
		sent := q.query[i].value
		for _, c := range digitEdits(sent) {
			// Only the time of day may differ: the credential pins the day.
			if len(c) != len(sent) || c[:9] != sent[:9] {
				continue
			}
			if _, ok := parseAmzDate(c); !ok {
				continue
			}
			vq := withParam(i, c)
			vq.amzDate = c
			out = append(out, v4Variant{q: vq, cause: editedCause(qDate, c, sent)})
		}
	}
	return out
}

func editedCause(param, signed, sent string) Cause {
	return cause(CauseQueryParamEdited,
		matchPrefix+fmt.Sprintf("%s=%s: the URL was signed with %s and the parameter was edited to %s afterwards", param, signed, signed, sent),
		"param", param, "signed", signed, "sent", sent)
}
