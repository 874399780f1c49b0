package verifier

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

type v2Variant struct {
	cause  Cause
	q      v2Request
	sig    string // when set, compare against this instead of the provided signature
	secret string // when set, sign with this instead of the key's secret
}

// v2Diag is what a SigV2 diagnosis needs beyond the request.
type v2Diag struct {
	r        *http.Request
	q        *v2Request
	cred     Credential
	provided string
	path     string
	query    []queryParam
	// expires is the Expires parameter of a pre-signed URL ("" for header auth).
	expires string
	// tr, when set, receives the string to sign that matched.
	tr *Explanation
}

// diagnoseV2 names why provided does not sign q.
func (v *Verifier) diagnoseV2(d v2Diag) []Cause {
	if c, bad := malformedV2Signature(d.provided); bad {
		return []Cause{c}
	}
	vs := v.v2Variants(d)
	for _, g := range v.secretGuesses(d.cred) {
		vs = append(vs, v2Variant{cause: g.cause, q: *d.q, secret: g.secret})
	}
	for _, vr := range vs {
		want, secret := d.provided, d.cred.SecretAccessKey
		if vr.sig != "" {
			want = vr.sig
		}
		if vr.secret != "" {
			secret = vr.secret
		}
		if sts := vr.q.stringToSign(); signatureEqual(signV2(secret, sts), want) {
			d.tr.setMatched("", sts)
			return []Cause{vr.cause}
		}
	}
	var out []Cause
	if c, ok := v.implausibleExpires(d.expires); ok {
		out = append(out, c)
	}
	return append(out, noMatchCause(d.cred.AccessKeyID, len(vs), ""))
}

func (v *Verifier) v2Variants(d v2Diag) []v2Variant {
	q, r, provided := d.q, d.r, d.provided
	var vs []v2Variant
	add := func(c Cause, change func(c *v2Request)) {
		cp := *q
		change(&cp)
		vs = append(vs, v2Variant{cause: c, q: cp})
	}
	for _, m := range diagnoseMethods {
		if m != q.method {
			add(cause(CauseMethodMismatch, matchPrefix+fmt.Sprintf("method %s: it was signed for %s and sent as %s", m, m, q.method), "signed", m, "sent", q.method),
				func(c *v2Request) { c.method = m })
		}
	}
	if d.expires != "" {
		for _, e := range digitEdits(d.expires, 0, len(d.expires)) {
			add(editedCause("Expires", e, d.expires), func(c *v2Request) { c.date = e })
		}
	}
	if q.contentType != "" {
		add(cause(CauseSignedHeaderChanged, matchPrefix+fmt.Sprintf("no Content-Type: Content-Type '%s' was added after signing (SigV2 signs it)", q.contentType),
			"header", "content-type", "signed", "", "sent", q.contentType), func(c *v2Request) { c.contentType = "" })
	}
	for _, ct := range contentTypeCandidates(q.contentType) {
		why := contentTypeWhy(ct, q.contentType)
		id := CauseSignedHeaderChanged
		if q.contentType == "" {
			id, why = CauseSignedHeaderMissing, fmt.Sprintf("Content-Type '%s': it was signed and the request sent none", ct)
		}
		add(cause(id, matchPrefix+why, "header", "content-type", "signed", ct, "sent", q.contentType),
			func(c *v2Request) { c.contentType = ct })
	}
	if q.contentMD5 != "" {
		add(cause(CauseSignedHeaderChanged, matchPrefix+"no Content-MD5: it was added after signing", "header", "content-md5", "signed", "", "sent", q.contentMD5),
			func(c *v2Request) { c.contentMD5 = "" })
	}
	sub := v2SubResourceString(d.query)
	for _, p := range d.query {
		if !v2SubResources[p.name] {
			continue
		}
		rest := v2SubResourceString(withoutParam(d.query, p.name))
		add(cause(CauseQueryParamAdded, matchPrefix+fmt.Sprintf("query parameter '%s' removed: it was added after signing (SigV2 signs it as a sub-resource)", p.name),
			"param", p.name, "value", p.value), func(c *v2Request) { c.resource = strings.TrimSuffix(q.resource, sub) + rest })
	}
	if b := v.virtualBucket(r.Host); b != "" {
		add(cause(CauseAddressingStyle, matchPrefix+"resource "+d.path+sub+": the signer left the bucket out of the resource of a virtual-hosted request",
			"signed_resource", d.path+sub, "sent_host", r.Host), func(c *v2Request) { c.resource = d.path + sub })
	}
	res := strings.TrimSuffix(q.resource, sub)
	if strings.HasSuffix(res, "/") && strings.Count(res, "/") == 2 {
		add(cause(CauseKeyEncoding, matchPrefix+"resource "+strings.TrimSuffix(res, "/")+sub+": the signer left out the '/' S3 puts after a bucket name",
			"signed_resource", strings.TrimSuffix(res, "/")+sub), func(c *v2Request) { c.resource = strings.TrimSuffix(res, "/") + sub })
	}
	for _, pv := range v2ResourceVariants(res) {
		add(pv.cause, func(c *v2Request) { c.resource = pv.uri + sub })
	}
	lines := strings.SplitAfter(q.amzHeaders, "\n")
	for i, l := range lines {
		if l == "" || i >= maxHeaderVariants {
			continue
		}
		name, _, _ := strings.Cut(l, ":")
		rest := strings.Join(append(append([]string(nil), lines[:i]...), lines[i+1:]...), "")
		add(cause(CauseUnsignedAmzHeader, matchPrefix+fmt.Sprintf("no %s: that x-amz-* header was added after signing (SigV2 signs every x-amz-* header)", name),
			"header", name), func(c *v2Request) { c.amzHeaders = rest })
	}
	if dh := r.Header.Get("Date"); dh != "" && q.date == "" {
		add(cause(CauseSignedHeaderChanged, matchPrefix+"the Date header in the date line: the signer ignored x-amz-date", "header", "date", "signed", dh),
			func(c *v2Request) { c.date = dh })
	}
	if strings.Contains(provided, " ") {
		vs = append(vs, v2Variant{cause: cause(CauseKeyEncoding, matchPrefix+"its spaces read as '+': the Signature parameter was not URL-encoded, so '+' arrived as a space",
			"where", "Signature parameter"), q: *q, sig: strings.ReplaceAll(provided, " ", "+")})
	}
	return vs
}

// v2ResourceVariants are the path encodings a SigV2 signer plausibly used;
// the resource is the path as sent, so the variants are the SigV4 ones
// applied to it.
func v2ResourceVariants(res string) []pathVariant {
	var out []pathVariant
	add := func(p, why, blame string) {
		if p != res {
			out = append(out, pathVariant{p, cause(CauseKeyEncoding, matchPrefix+why, "signed_resource", p, "sent_resource", res, "blame", blame)})
		}
	}
	if dec := percentDecode(res, false); dec != res {
		if strings.Contains(res, "%25") {
			add(dec, "the resource decoded once ("+dec+"): the URL was percent-encoded again after signing ('%25' on the wire is an encoded '%'), the signer is not at fault", "re-encoded after signing")
		} else {
			add(dec, "the resource decoded ("+dec+"): the signer did not URI-encode the path", "signer")
		}
	}
	add(uriEncode(res, true), "the resource encoded ("+uriEncode(res, true)+"): the signer escaped the path once more", "signer")
	if strings.Contains(res, "+") {
		p := strings.ReplaceAll(res, "+", "%20")
		add(p, "a space where the path has '+' ("+p+"): the key's space was sent as '+', which S3 reads as a literal plus in a path", "sent as '+'")
	}
	return out
}

func withoutParam(ps []queryParam, name string) []queryParam {
	var out []queryParam
	for _, p := range ps {
		if p.name != name {
			out = append(out, p)
		}
	}
	return out
}

// implausibleExpires flags a SigV2 Expires no signer produces: more than a
// week ahead of the server clock (the aws CLI, boto3 and the SDKs cap
// pre-signing at a week). The original value is then unknown, but the edit
// is certain enough to name.
func (v *Verifier) implausibleExpires(expires string) (Cause, bool) {
	n, err := strconv.ParseInt(expires, 10, 64)
	if expires == "" || err != nil {
		return Cause{}, false
	}
	ahead := time.Unix(n, 0).Sub(v.clock.Now())
	if ahead <= 7*24*time.Hour {
		return Cause{}, false
	}
	return cause(CauseQueryParamEdited,
		fmt.Sprintf("Expires=%s is %s ahead of the server clock, further than any signer pre-signs (a week): the parameter was most likely edited after signing, and the signed value cannot be recovered", expires, ahead.Round(time.Hour)),
		"param", "Expires", "sent", expires, "signed", "(unknown)"), true
}
