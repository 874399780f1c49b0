package verifier

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
)

// Saying why a signature does not match. S3 only answers
// SignatureDoesNotMatch; strictS3 recomputes the signature under a few
// plausible changes to the request (method, host, path encoding, an added
// query parameter, a payload hash, a Content-Type parameter) and reports the
// change that makes it match. This runs only on the failure path and tries
// a bounded number of variants (each costs one SHA-256 and one HMAC).
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
)

type v4Variant struct {
	why string
	q   v4Request
}

// diagnoseV4 explains a SigV4 mismatch for q as received.
func (v *Verifier) diagnoseV4(r *http.Request, q *v4Request, key []byte, provided string, presigned bool) string {
	for _, vr := range v4Variants(v, r, q, presigned) {
		_, _, sig := vr.q.sign(key)
		if signatureEqual(sig, provided) {
			return "the signature matches this request with " + vr.why + v4Notes(r, q)
		}
	}
	return noVariationMatches + v4Notes(r, q)
}

func v4Variants(v *Verifier, r *http.Request, q *v4Request, presigned bool) []v4Variant {
	var out []v4Variant
	add := func(why string, change func(c *v4Request)) {
		c := *q
		c.values = append([]string(nil), q.values...)
		change(&c)
		out = append(out, v4Variant{why, c})
	}
	for _, m := range diagnoseMethods {
		if m == q.method {
			continue
		}
		why := fmt.Sprintf("method %s: the request was signed for %s and sent as %s", m, m, q.method)
		if presigned {
			why = fmt.Sprintf("method %s: the URL was signed for %s and used with %s", m, m, q.method)
		}
		add(why, func(c *v4Request) { c.method = m })
	}
	if hi := slices.Index(q.signed, "host"); hi >= 0 {
		got := q.values[hi]
		for _, h := range hostCandidates(got, r.Header.Get("X-Forwarded-Host")) {
			add(fmt.Sprintf("Host '%s' (signed) instead of '%s': the client signed one host name and connected to another, or a proxy rewrote Host", h, got),
				func(c *v4Request) { c.values[hi] = h })
		}
	}
	raw, _ := rawTarget(r)
	if raw != "" && raw != q.uri {
		add(fmt.Sprintf("the path exactly as sent (%s): the signer did not normalise the path the way S3 does (decode once, re-encode every byte but unreserved and '/')", raw),
			func(c *v4Request) { c.uri = raw })
	}
	if once := uriEncode(q.uri, true); once != q.uri {
		add(fmt.Sprintf("the path encoded once more (%s): the signer escaped an already escaped path", once),
			func(c *v4Request) { c.uri = once })
	}
	if dec := percentDecode(q.uri, false); dec != q.uri {
		add(fmt.Sprintf("the path decoded (%s): the signer did not URI-encode the path", dec),
			func(c *v4Request) { c.uri = dec })
	}
	if b := v.virtualBucket(r.Host); b != "" {
		p := "/" + b + q.uri
		add(fmt.Sprintf("path %s: the request was signed for path-style addressing and sent virtual-hosted", p),
			func(c *v4Request) { c.uri = p })
	} else if i := strings.Index(strings.TrimPrefix(q.uri, "/"), "/"); i >= 0 {
		p := q.uri[i+1:]
		add(fmt.Sprintf("path %s: the request was signed for virtual-hosted addressing (bucket in Host) and sent path-style", p),
			func(c *v4Request) { c.uri = p })
	}
	n := 0
	for i, p := range q.query {
		if p.name == q.skipQuery || n >= maxQueryVariants {
			continue
		}
		n++
		idx := i
		add(fmt.Sprintf("query parameter '%s' removed: it was added after signing", p.name), func(c *v4Request) {
			c.query = append(append([]queryParam(nil), q.query[:idx]...), q.query[idx+1:]...)
		})
	}
	if hasPlus(q.query) {
		add("'+' in the query read as a literal plus: the signer did not form-decode '+' as a space", func(c *v4Request) {
			c.query = make([]queryParam, len(q.query))
			for i, p := range q.query {
				p.name, p.value = percentDecode(p.rawName, false), percentDecode(p.rawValue, false)
				c.query[i] = p
			}
		})
	}
	if presigned {
		if sha := r.Header.Get("X-Amz-Content-Sha256"); sha != "" && sha != q.payload {
			add(fmt.Sprintf("payload hash %s from the x-amz-content-sha256 header: pre-signed URLs sign UNSIGNED-PAYLOAD unless X-Amz-Content-Sha256 is in the query", sha),
				func(c *v4Request) { c.payload = sha })
		}
	} else {
		for _, pl := range []string{unsignedPayload, emptySHA256} {
			if pl != q.payload {
				add(fmt.Sprintf("payload hash %s: the x-amz-content-sha256 header was changed after signing", pl),
					func(c *v4Request) {
						c.payload = pl
						if i := slices.Index(c.signed, "x-amz-content-sha256"); i >= 0 {
							c.values[i] = pl
						}
					})
			}
		}
	}
	if ci := slices.Index(q.signed, "content-type"); ci >= 0 {
		if base, _, ok := strings.Cut(q.values[ci], ";"); ok {
			base = strings.TrimSpace(base)
			add(fmt.Sprintf("Content-Type '%s' (signed) instead of '%s': a parameter was appended after signing", base, q.values[ci]),
				func(c *v4Request) { c.values[ci] = base })
		}
	}
	return out
}

// v4Notes lists signed headers the request lacks and the values used for
// the signed headers proxies and clients most often change.
func v4Notes(r *http.Request, q *v4Request) string {
	var missing, shown []string
	for i, n := range q.signed {
		if _, ok := headerValues(r, n); !ok && q.values[i] == "" {
			missing = append(missing, n)
			continue
		}
		if n == "content-type" || n == "content-length" || n == "content-encoding" || n == "content-md5" || n == "host" ||
			strings.HasPrefix(n, "x-amz-meta-") || strings.HasPrefix(n, "x-amz-checksum-") {
			shown = append(shown, fmt.Sprintf("%s=%q", n, q.values[i]))
		}
		if len(shown) >= maxHeaderVariants {
			break
		}
	}
	var b strings.Builder
	if len(missing) > 0 {
		b.WriteString("; signed but absent from the request: " + strings.Join(missing, ", "))
	}
	if len(shown) > 0 {
		b.WriteString("; signed header values as received (compare with the signer's): " + strings.Join(shown, ", "))
	}
	return b.String()
}

func hasPlus(ps []queryParam) bool {
	for _, p := range ps {
		if strings.Contains(p.rawName, "+") || strings.Contains(p.rawValue, "+") {
			return true
		}
	}
	return false
}

// hostCandidates are host names a signer plausibly used instead of got.
func hostCandidates(got, forwarded string) []string {
	host, port, err := net.SplitHostPort(got)
	if err != nil {
		host, port = got, ""
	}
	withPort := func(h string) string {
		if port == "" {
			return h
		}
		return net.JoinHostPort(h, port)
	}
	var c []string
	switch host {
	case "localhost":
		c = append(c, withPort("127.0.0.1"), withPort("::1"))
	case "127.0.0.1", "::1":
		c = append(c, withPort("localhost"))
	}
	if port != "" {
		c = append(c, host)
	} else {
		c = append(c, host+":80", host+":443")
	}
	if forwarded != "" && forwarded != got {
		c = append(c, forwarded)
	}
	return c
}

type v2Variant struct {
	why string
	q   v2Request
	sig string // when set, compare against this instead of the provided signature
}

// diagnoseV2 explains a SigV2 mismatch for q as received.
func (v *Verifier) diagnoseV2(r *http.Request, q *v2Request, secret, provided, path string, ps []queryParam) string {
	var vs []v2Variant
	add := func(why string, change func(c *v2Request)) {
		c := *q
		change(&c)
		vs = append(vs, v2Variant{why: why, q: c})
	}
	for _, m := range diagnoseMethods {
		if m != q.method {
			add(fmt.Sprintf("method %s: it was signed for %s and sent as %s", m, m, q.method), func(c *v2Request) { c.method = m })
		}
	}
	if q.contentType != "" {
		add(fmt.Sprintf("no Content-Type: Content-Type '%s' was added after signing (SigV2 signs it)", q.contentType), func(c *v2Request) { c.contentType = "" })
		if base, _, ok := strings.Cut(q.contentType, ";"); ok {
			add(fmt.Sprintf("Content-Type '%s': a parameter was appended after signing", strings.TrimSpace(base)),
				func(c *v2Request) { c.contentType = strings.TrimSpace(base) })
		}
	}
	if q.contentMD5 != "" {
		add("no Content-MD5: it was added after signing", func(c *v2Request) { c.contentMD5 = "" })
	}
	sub := v2SubResourceString(ps)
	if b := v.virtualBucket(r.Host); b != "" {
		add("resource "+path+sub+": the signer left the bucket out of the resource of a virtual-hosted request",
			func(c *v2Request) { c.resource = path + sub })
	}
	res := strings.TrimSuffix(q.resource, sub)
	if strings.HasSuffix(res, "/") && strings.Count(res, "/") == 2 {
		add("resource "+strings.TrimSuffix(res, "/")+sub+": the signer left out the '/' S3 puts after a bucket name",
			func(c *v2Request) { c.resource = strings.TrimSuffix(res, "/") + sub })
	}
	if dec := percentDecode(res, false); dec != res {
		add("the resource decoded ("+dec+"): the signer did not URI-encode the path", func(c *v2Request) { c.resource = dec + sub })
	}
	if enc := uriEncode(res, true); enc != res {
		add("the resource encoded ("+enc+"): the signer escaped the path once more", func(c *v2Request) { c.resource = enc + sub })
	}
	lines := strings.SplitAfter(q.amzHeaders, "\n")
	for i, l := range lines {
		if l == "" || i >= maxHeaderVariants {
			continue
		}
		name, _, _ := strings.Cut(l, ":")
		rest := strings.Join(append(append([]string(nil), lines[:i]...), lines[i+1:]...), "")
		add(fmt.Sprintf("no %s: that x-amz-* header was added after signing (SigV2 signs every x-amz-* header)", name),
			func(c *v2Request) { c.amzHeaders = rest })
	}
	if d := r.Header.Get("Date"); d != "" && q.date == "" {
		add("the Date header in the date line: the signer ignored x-amz-date", func(c *v2Request) { c.date = d })
	}
	if strings.Contains(provided, " ") {
		vs = append(vs, v2Variant{why: "its spaces read as '+': the Signature parameter was not URL-encoded, so '+' arrived as a space",
			q: *q, sig: strings.ReplaceAll(provided, " ", "+")})
	}
	for _, vr := range vs {
		want := provided
		if vr.sig != "" {
			want = vr.sig
		}
		if signatureEqual(signV2(secret, vr.q.stringToSign()), want) {
			return "the signature matches this request with " + vr.why
		}
	}
	return noVariationMatches
}
