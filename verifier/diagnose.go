package verifier

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Saying why a signature does not match. S3 only answers
// SignatureDoesNotMatch; strictS3 recomputes the signature under plausible
// changes to the request (method, host and port, path encoding, a query
// parameter added or edited, a payload hash, a signed header's value, the
// secret) and names the change that makes it match as a Cause. This runs
// only on the failure path and tries a bounded number of variants (each
// costs one SHA-256 and one HMAC; see TestDiagnosis_TriesABoundedNumber).
//
// A diagnosis travels in a response header and the request log, so it
// compares computed signatures with the one the client sent and names the
// variant that matches; it never shows a computed signature, which would
// be a valid signature for a request the client may not be able to sign.

var diagnoseMethods = [...]string{http.MethodGet, http.MethodPut, http.MethodHead, http.MethodPost, http.MethodDelete}

const (
	maxQueryVariants   = 8
	maxHeaderVariants  = 8
	noVariationMatches = "the secret key differs from the signer's, or the request changed in a way strictS3 did not try (no variation matches)"
	matchPrefix        = "the signature matches this request with "
)

// v4Variant is the request as the signer may have seen it, and the cause
// that names the difference, built only for the variant that matches (most
// never do, and a message costs more than a signature). key, when set,
// replaces the signing key.
type v4Variant struct {
	cause func() Cause
	q     v4Request
	key   []byte
}

// known is a cause already built.
func known(c Cause) func() Cause { return func() Cause { return c } }

// v4Diag is what a SigV4 diagnosis needs beyond the request.
type v4Diag struct {
	r *http.Request
	// q is a copy: a pointer here would move every request's v4Request to
	// the heap, on the success path too.
	q         v4Request
	cred      Credential
	scope     v4Credential
	provided  string
	presigned bool
	// tr, when set, receives the canonical request that matched.
	tr *Explanation
}

// diagnoseV4 names why provided does not sign q.
func (v *Verifier) diagnoseV4(d v4Diag) []Cause {
	if c, bad := malformedV4Signature(d.provided); bad {
		return []Cause{c}
	}
	key := v.keys.get(d.cred.SecretAccessKey, d.scope.day, d.scope.region).raw
	vs := v4Variants(v, d.r, &d.q, d.presigned)
	vs = append(vs, v.secretVariantsV4(d)...)
	for _, vr := range vs {
		k := key
		if vr.key != nil {
			k = vr.key
		}
		canonical, sts, sig := vr.q.sign(k)
		if signatureEqual(sig, d.provided) {
			d.tr.setMatched(canonical, sts)
			return []Cause{vr.cause()}
		}
	}
	if missing := missingSignedHeaders(d.r, &d.q); len(missing) > 0 {
		return missing
	}
	return []Cause{noMatchCause(d.scope.accessKey, len(vs), v4SentValues(&d.q))}
}

// v4Variants lists the request-side variants of q, most likely first.
func v4Variants(v *Verifier, r *http.Request, q *v4Request, presigned bool) []v4Variant {
	var out []v4Variant
	add := func(c func() Cause, change func(c *v4Request)) {
		cp := *q
		cp.values = append([]string(nil), q.values...)
		change(&cp)
		out = append(out, v4Variant{cause: c, q: cp})
	}
	for _, m := range diagnoseMethods {
		if m == q.method {
			continue
		}
		add(func() Cause {
			why := fmt.Sprintf("method %s: the request was signed for %s and sent as %s", m, m, q.method)
			if presigned {
				why = fmt.Sprintf("method %s: the URL was signed for %s and used with %s", m, m, q.method)
			}
			return cause(CauseMethodMismatch, matchPrefix+why, "signed", m, "sent", q.method)
		}, func(c *v4Request) { c.method = m })
	}
	if hi := slices.Index(q.signed, "host"); hi >= 0 {
		got := q.values[hi]
		for _, h := range hostCandidates(got, r.Header.Get("X-Forwarded-Host"), serverPort(r)) {
			add(func() Cause { return cause(CauseHostMismatch, matchPrefix+hostWhy(h, got), "signed", h, "sent", got) },
				func(c *v4Request) { c.values[hi] = h })
		}
	}
	for _, pv := range pathVariants(v, r, q.uri) {
		add(known(pv.cause), func(c *v4Request) { c.uri = pv.uri })
	}
	n := 0
	for i, p := range q.query {
		if p.name == q.skipQuery || n >= maxQueryVariants {
			continue
		}
		n++
		idx := i
		add(func() Cause { return paramAddedCause(p) }, func(c *v4Request) {
			c.query = append(append([]queryParam(nil), q.query[:idx]...), q.query[idx+1:]...)
		})
	}
	if hasPlus(q.query) {
		add(known(cause(CauseKeyEncoding, matchPrefix+"'+' in the query read as a literal plus: the signer did not form-decode '+' as a space",
			"where", "query", "signed", "'+' as '+'", "sent", "'+' (S3 reads a space)")), func(c *v4Request) {
			c.query = make([]queryParam, len(q.query))
			for i, p := range q.query {
				p.name, p.value = percentDecode(p.rawName, false), percentDecode(p.rawValue, false)
				c.query[i] = p
			}
		})
	}
	if presigned {
		out = append(out, presignedParamVariants(q)...)
		out = append(out, checksumParamVariants(q)...)
		if sha := r.Header.Get("X-Amz-Content-Sha256"); sha != "" && sha != q.payload {
			add(known(cause(CausePayloadHashMismatch, matchPrefix+fmt.Sprintf("payload hash %s from the x-amz-content-sha256 header: pre-signed URLs sign UNSIGNED-PAYLOAD unless X-Amz-Content-Sha256 is in the query", sha),
				"signed", sha, "sent", q.payload)), func(c *v4Request) { c.payload = sha })
		}
	} else {
		for _, pl := range []string{unsignedPayload, emptySHA256} {
			if pl != q.payload {
				add(known(cause(CausePayloadHashMismatch, matchPrefix+fmt.Sprintf("payload hash %s: the x-amz-content-sha256 header was changed after signing", pl),
					"signed", pl, "sent", q.payload)), func(c *v4Request) {
					c.payload = pl
					if i := slices.Index(c.signed, "x-amz-content-sha256"); i >= 0 {
						c.values[i] = pl
					}
				})
			}
		}
	}
	if ci := slices.Index(q.signed, "content-type"); ci >= 0 {
		sent := q.values[ci]
		for _, ct := range contentTypeCandidates(sent) {
			add(func() Cause {
				id, why := CauseSignedHeaderChanged, contentTypeWhy(ct, sent)
				if sent == "" {
					id, why = CauseSignedHeaderMissing, fmt.Sprintf("Content-Type '%s': it was signed and the request sent none", ct)
				}
				return cause(id, matchPrefix+why, "header", "content-type", "signed", ct, "sent", sent)
			}, func(c *v4Request) { c.values[ci] = ct })
		}
	}
	return out
}

// paramAddedCause names a query parameter added after signing.
func paramAddedCause(p queryParam) Cause {
	if isChecksumParam(p.name) {
		return cause(CauseChecksumParamInURL, matchPrefix+fmt.Sprintf("checksum parameter '%s' removed: it was added to the URL after signing; a checksum in a pre-signed URL is signed and cannot change", p.name),
			"param", p.name, "value", p.value)
	}
	return cause(CauseQueryParamAdded, matchPrefix+fmt.Sprintf("query parameter '%s' removed: it was added after signing", p.name),
		"param", p.name, "value", p.value)
}

func hostWhy(signed, sent string) string {
	sh, sp := splitHostPort(signed)
	gh, gp := splitHostPort(sent)
	switch {
	case sh == gh && sp != "" && gp == "":
		return fmt.Sprintf("Host '%s' (signed) instead of '%s': the port was dropped after signing (a proxy, or a client that omits default ports)", signed, sent)
	case sh == gh && sp == "" && gp != "":
		return fmt.Sprintf("Host '%s' (signed) instead of '%s': the signer left the port out, the request carries it", signed, sent)
	case sh == gh:
		return fmt.Sprintf("Host '%s' (signed) instead of '%s': the port differs", signed, sent)
	}
	return fmt.Sprintf("Host '%s' (signed) instead of '%s': the client signed one host name and connected to another, or a proxy rewrote Host (without X-Forwarded-Host)", signed, sent)
}

func contentTypeWhy(signed, sent string) string {
	if base, _, ok := strings.Cut(sent, ";"); ok && strings.TrimSpace(base) == signed {
		return fmt.Sprintf("Content-Type '%s' (signed) instead of '%s': a parameter was appended after signing", signed, sent)
	}
	return fmt.Sprintf("Content-Type '%s' (signed) instead of '%s': the request was sent with another Content-Type than the signed one", signed, sent)
}

// missingSignedHeaders names the signed headers the request lacks.
func missingSignedHeaders(r *http.Request, q *v4Request) []Cause {
	var out []Cause
	for i, n := range q.signed {
		if _, ok := headerValues(r, n); !ok && q.values[i] == "" {
			out = append(out, cause(CauseSignedHeaderMissing,
				fmt.Sprintf("header %s is signed but absent from the request", n), "header", n))
		}
	}
	return out
}

// v4SentValues lists the values used for the signed headers proxies and
// clients most often change, for the user to compare with the signer's.
func v4SentValues(q *v4Request) string {
	var shown []string
	for i, n := range q.signed {
		if n == "content-type" || n == "content-length" || n == "content-encoding" || n == "content-md5" || n == "host" ||
			strings.HasPrefix(n, "x-amz-meta-") || strings.HasPrefix(n, "x-amz-checksum-") {
			shown = append(shown, fmt.Sprintf("%s=%q", n, q.values[i]))
		}
		if len(shown) >= maxHeaderVariants {
			break
		}
	}
	return strings.Join(shown, ", ")
}

// noMatchCause is the verdict when no variant matches.
func noMatchCause(akid string, tried int, sent string) Cause {
	c := cause(CauseWrongSecret, noVariationMatches, "access_key", akid, "variations_tried", fmt.Sprint(tried))
	if sent != "" {
		c.Evidence["signed_header_values_as_received"] = sent
		c.Message += "; signed header values as received (compare with the signer's): " + sent
	}
	return c
}

func hasPlus(ps []queryParam) bool {
	for _, p := range ps {
		if strings.Contains(p.rawName, "+") || strings.Contains(p.rawValue, "+") {
			return true
		}
	}
	return false
}
