package verifier

import (
	"fmt"
	"slices"
	"strings"
)

// maxOtherKeys bounds how many other known keys a diagnosis tries.
const maxOtherKeys = 16

// CredentialLister is implemented by credential stores that can list their
// keys. A diagnosis uses it to say "signed with the secret of key X" when a
// request names one key and was signed with another's secret.
type CredentialLister interface {
	List() []Credential
}

// List implements CredentialLister, in access key order.
func (s *StaticCredentials) List() []Credential {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Credential, 0, len(s.keys))
	for _, c := range s.keys {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Credential) int { return strings.Compare(a.AccessKeyID, b.AccessKeyID) })
	return out
}

// secretGuess is a secret the signer plausibly used, and the cause that
// names it. Neither the secret nor anything computed from it leaves the
// diagnosis.
type secretGuess struct {
	secret string
	cause  Cause
}

// secretGuesses are the near misses of cred's secret (stray whitespace,
// as a secret read from a file or pasted carries) and the other known keys'
// secrets.
func (v *Verifier) secretGuesses(cred Credential) []secretGuess {
	var out []secretGuess
	s := cred.SecretAccessKey
	near := func(secret, how string) {
		if secret != s && secret != "" {
			out = append(out, secretGuess{secret, cause(CauseWrongSecret,
				fmt.Sprintf("the request was signed with the secret of %s %s", cred.AccessKeyID, how),
				"access_key", cred.AccessKeyID, "secret_differs_by", how)})
		}
	}
	near(s+"\n", "followed by a newline (a secret read from a file or an environment variable set with $(cat …) keeps it)")
	near(s+"\r\n", "followed by CR LF")
	near(s+" ", "followed by a space")
	near(strings.TrimSpace(s), "without the whitespace around the server's copy")
	lister, ok := v.creds.(CredentialLister)
	if !ok {
		return out
	}
	n := 0
	for _, c := range lister.List() {
		if c.AccessKeyID == cred.AccessKeyID || c.SecretAccessKey == s || n >= maxOtherKeys {
			continue
		}
		n++
		out = append(out, secretGuess{c.SecretAccessKey, cause(CauseWrongSecret,
			fmt.Sprintf("the request names key %s but was signed with the secret of key %s", cred.AccessKeyID, c.AccessKeyID),
			"access_key", cred.AccessKeyID, "signed_with_secret_of", c.AccessKeyID)})
	}
	return out
}

// secretVariantsV4 are the request as received, signed with each guess.
func (v *Verifier) secretVariantsV4(d v4Diag) []v4Variant {
	guesses := v.secretGuesses(d.cred)
	out := make([]v4Variant, len(guesses))
	for i, g := range guesses {
		out[i] = v4Variant{cause: known(g.cause), q: d.q, key: deriveSigningKey(g.secret, d.scope.day, d.scope.region, d.scope.service)}
	}
	return out
}

// malformedV4Signature reports a SigV4 signature that cannot be one: 64
// lower-case hex digits. A truncated URL is the usual reason.
func malformedV4Signature(sig string) (Cause, bool) {
	if len(sig) == 64 && isHex(sig) && strings.ToLower(sig) == sig {
		return Cause{}, false
	}
	why := "it is not hexadecimal"
	switch {
	case len(sig) < 64:
		why = fmt.Sprintf("it is %d characters long, not 64: the URL or header was truncated", len(sig))
	case len(sig) > 64:
		why = fmt.Sprintf("it is %d characters long, not 64: something was appended to it", len(sig))
	case isHex(sig):
		why = "it has upper-case hex digits; SigV4 signatures are lower-case"
	}
	return cause(CauseSignatureMalformed, "the signature is malformed: "+why,
		"length", fmt.Sprint(len(sig)), "expected", "64 lower-case hex digits"), true
}

// malformedV2Signature reports a SigV2 signature that is not the base64
// of a 20-byte HMAC-SHA1 (28 characters ending in '=').
func malformedV2Signature(sig string) (Cause, bool) {
	if len(sig) == 28 && strings.HasSuffix(sig, "=") {
		return Cause{}, false
	}
	if strings.Contains(sig, " ") && len(sig) == 28 {
		return Cause{}, false // '+' read as a space: the variants say so
	}
	return cause(CauseSignatureMalformed,
		fmt.Sprintf("the signature is malformed: it is %d characters long, a SigV2 signature is 28 (base64 of 20 bytes): the URL or header was truncated or edited", len(sig)),
		"length", fmt.Sprint(len(sig)), "expected", "28 base64 characters"), true
}

// unknownKeyCause names an access key the server does not know, and the
// known key it differs from only by letter case or surrounding whitespace
// (a key pasted with a space, or lower-cased by a config tool).
func (v *Verifier) unknownKeyCause(akid string) Cause {
	c := cause(CauseUnknownAccessKey, fmt.Sprintf("access key %q is not one of the emulator's credentials", akid), "access_key", akid)
	lister, ok := v.creds.(CredentialLister)
	if !ok {
		return c
	}
	for _, k := range lister.List() {
		if strings.EqualFold(strings.TrimSpace(akid), k.AccessKeyID) {
			c.Message += fmt.Sprintf("; the server knows %q, which differs only in case or whitespace", k.AccessKeyID)
			c.Evidence["similar_known_key"] = k.AccessKeyID
			break
		}
	}
	return c
}
