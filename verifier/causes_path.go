package verifier

import (
	"fmt"
	"net/http"
	"strings"
)

// pathVariant is a canonical URI the signer plausibly signed instead of
// the one S3 computes, and the cause naming the difference.
type pathVariant struct {
	uri   string
	cause Cause
}

// reservedUnencoded keeps RFC 3986's sub-delimiters and ':' '@' literal,
// as signers that escape with a URL library's path escaper do.
var reservedUnencoded = strings.NewReplacer(
	"%21", "!", "%24", "$", "%26", "&", "%27", "'", "%28", "(", "%29", ")", "%2A", "*",
	"%2B", "+", "%2C", ",", "%3B", ";", "%3D", "=", "%3A", ":", "%40", "@")

// pathVariants lists the canonical URIs a signer plausibly used for a
// request whose canonical URI is uri; blame goes to the signer or to what
// changed the URL after signing, whichever the variant proves.
func pathVariants(v *Verifier, r *http.Request, uri string) []pathVariant {
	raw, _ := rawTarget(r)
	var out []pathVariant
	add := func(p, why string, kv ...string) {
		if p == uri {
			return
		}
		for _, o := range out {
			if o.uri == p {
				return
			}
		}
		ev := append([]string{"signed_path", p, "sent_path", raw}, kv...)
		out = append(out, pathVariant{p, cause(CauseKeyEncoding, matchPrefix+why, ev...)})
	}
	if raw != "" {
		add(raw, fmt.Sprintf("the path exactly as sent (%s): the signer did not normalise the path the way S3 does (decode once, re-encode every byte but unreserved and '/')", raw))
	}
	once := uriEncode(uri, true)
	add(once, fmt.Sprintf("the path encoded once more (%s): the signer escaped an already escaped path", once), "blame", "signer")
	if dec := percentDecode(uri, false); dec != uri {
		if strings.Contains(raw, "%25") {
			add(dec, fmt.Sprintf("the path decoded once (%s): the URL was percent-encoded again after signing ('%%25' on the wire is an encoded '%%'), the signer is not at fault", dec), "blame", "re-encoded after signing")
		} else {
			add(dec, fmt.Sprintf("the path decoded (%s): the signer did not URI-encode the path", dec), "blame", "signer")
		}
	}
	if strings.Contains(uri, "%2B") {
		p := strings.ReplaceAll(uri, "%2B", "%20")
		add(p, fmt.Sprintf("a space where the path has '+' (%s): the key's space was sent as '+', which S3 reads as a literal plus in a path", p), "signed", "%20", "sent", "+")
		p = strings.ReplaceAll(uri, "%2B", "+")
		add(p, fmt.Sprintf("'+' left unencoded (%s): the signer form-encoded the path", p), "signed", "+", "sent", "%2B")
	}
	if strings.Contains(uri, "%20") {
		p := strings.ReplaceAll(uri, "%20", "%2B")
		add(p, fmt.Sprintf("'+' where the path has a space (%s): the key holds '+' and the URL sent '%%20'", p), "signed", "%2B", "sent", "%20")
	}
	if strings.Contains(uri, "//") {
		p := uri
		for strings.Contains(p, "//") {
			p = strings.ReplaceAll(p, "//", "/")
		}
		add(p, fmt.Sprintf("the path with '//' collapsed (%s): the signer normalised the path, S3 keeps every '/'", p))
	}
	if p := reservedUnencoded.Replace(uri); p != uri {
		add(p, fmt.Sprintf("reserved characters left unencoded (%s): the signer did not escape RFC 3986 reserved characters, S3 escapes every byte but A-Z a-z 0-9 - _ . ~ and '/'", p))
	}
	forms, spelled := otherUnicodeForms(percentDecode(uri, false))
	for i, form := range forms {
		p := uriEncode(spelled[i], true)
		add(p, fmt.Sprintf("the key in Unicode %s (%s): the signer and the request spell accented letters differently (precomposed, or letter + combining mark, as macOS file names are); S3 compares bytes", form, p),
			"signed_form", form)
	}
	if b := v.virtualBucket(r.Host); b != "" {
		p := "/" + b + uri
		out = append(out, pathVariant{p, cause(CauseAddressingStyle,
			matchPrefix+fmt.Sprintf("path %s: the request was signed for path-style addressing and sent virtual-hosted", p),
			"signed_path", p, "sent_path", uri, "sent_host", r.Host)})
	} else if i := strings.Index(strings.TrimPrefix(uri, "/"), "/"); i >= 0 {
		p := uri[i+1:]
		out = append(out, pathVariant{p, cause(CauseAddressingStyle,
			matchPrefix+fmt.Sprintf("path %s: the request was signed for virtual-hosted addressing (bucket in Host) and sent path-style", p),
			"signed_path", p, "sent_path", uri)})
	}
	return out
}
