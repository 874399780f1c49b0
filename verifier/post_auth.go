package verifier

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/stricts3/stricts3/internal/s3err"
)

// postScheme is how a POST form is signed.
type postScheme int

const (
	postSigV4 postScheme = iota + 1
	postSigV2
)

// Field names each scheme needs, in the order S3 reports the first missing
// one (X-Amz-Signature before X-Amz-Algorithm is recorded from AWS).
var (
	postSigV4Fields = []string{"X-Amz-Signature", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date"}
	postSigV2Fields = []string{"Signature", "AWSAccessKeyId"}
)

// postAuthScheme picks the scheme from the fields present and requires the
// rest of that scheme's fields and the policy. A form with no signature
// field at all is anonymous, which strictS3 (no public buckets) denies.
func postAuthScheme(f PostFields) (postScheme, error) {
	for _, s := range []struct {
		scheme postScheme
		names  []string
	}{{postSigV4, postSigV4Fields}, {postSigV2, postSigV2Fields}} {
		present := false
		for _, n := range s.names {
			present = present || f.Has(n)
		}
		if !present {
			continue
		}
		for _, n := range s.names {
			if !f.Has(n) {
				return 0, missingPostField(n)
			}
		}
		if !f.Has("policy") {
			return 0, missingPostField("Policy")
		}
		return s.scheme, nil
	}
	return 0, s3err.New(s3err.AccessDenied).WithCauses(cause(CauseAnonymous,
		"the form has no signature fields (X-Amz-Signature/X-Amz-Credential/... or Signature/AWSAccessKeyId), so it is anonymous; strictS3 has no public buckets"))
}

// checkPostSignature finds the signer's credential and checks the signature
// over the policy string exactly as submitted, before the policy is decoded.
// The key and the session token follow the same rules as header and query
// auth: a temporary key without a token is unknown (before the signature,
// as S3 orders it), the token itself is checked after it.
func (v *Verifier) checkPostSignature(f PostFields, scheme postScheme) (Identity, error) {
	policy := f.Get("policy")
	token, tokenSent := f.Get("x-amz-security-token"), f.Has("x-amz-security-token")
	var (
		cred     Credential
		akid     string
		provided string
		sent     string
		want     string
		how      string
		id       Identity
		// signWith signs the policy as this scheme does, for the
		// diagnosis's guesses at the secret.
		signWith func(secret string) string
		otherDay string
	)
	switch scheme {
	case postSigV4:
		if alg := f.Get("x-amz-algorithm"); alg != sigV4Algorithm {
			return id, s3err.Newf(s3err.InvalidArgument, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"").
				With("ArgumentName", "X-Amz-Algorithm").With("ArgumentValue", alg)
		}
		sc, err := v.parsePostCredential(f.Get("x-amz-credential"))
		if err != nil {
			return id, err
		}
		akid = sc.accessKeyID
		c, kerr := v.lookupKey(akid, tokenSent)
		if kerr != nil {
			return id, kerr
		}
		cred = c
		sent = f.Get("x-amz-signature")
		provided = strings.ToLower(sent)
		key := v.keys.get(cred.SecretAccessKey, sc.day, sc.region).raw // sc.service is "s3"
		want = hex.EncodeToString(hmacSHA256(key, policy))
		how = "hex HMAC-SHA256 of the policy field with the SigV4 key derived for " + sc.day + "/" + sc.region + "/" + sc.service
		if !signatureEqual(provided, want) {
			if d, ok := v.signedOnOtherDay(cred.SecretAccessKey, sc, policy, provided); ok {
				how += "; the signature matches a key derived for day " + d + ", not the day X-Amz-Credential states"
				otherDay = d
			}
		}
		signWith = func(secret string) string {
			return hex.EncodeToString(hmacSHA256(deriveSigningKey(secret, sc.day, sc.region, sc.service), policy))
		}
		id = Identity{Auth: AuthSigV4Post, AccessKeyID: akid, Credential: cred}
	case postSigV2:
		if !v.acceptsSigV2() {
			return id, sigV2NotSupported().WithDiagnosis("region %s accepts only SigV4 POST forms (X-Amz-Signature over the policy)", v.region)
		}
		akid = f.Get("awsaccesskeyid")
		c, kerr := v.lookupKey(akid, tokenSent)
		if kerr != nil {
			return id, kerr
		}
		cred = c
		sent = f.Get("signature")
		provided = sent
		want = signV2(cred.SecretAccessKey, policy)
		how = "base64 HMAC-SHA1 of the policy field with the secret key"
		signWith = func(secret string) string { return signV2(secret, policy) }
		id = Identity{Auth: AuthSigV2Post, AccessKeyID: akid, Credential: cred}
	}
	if !signatureEqual(provided, want) {
		return Identity{}, v2SignatureMismatch(akid, policy, sent).WithDiagnosis("%s", postSignatureDiagnosis(policy, how)).
			WithCauses(v.postSignatureCause(cred, provided, otherDay, signWith))
	}
	if err := v.checkToken(cred, token, tokenSent); err != nil {
		return Identity{}, err
	}
	return id, nil
}

// postSignatureDiagnosis says what the signature covers and the likely
// reasons it differs. The policy string is signed as text, so any change to
// it after signing (re-encoding, line breaks, truncation) breaks it.
func postSignatureDiagnosis(policy, how string) string {
	var b strings.Builder
	b.WriteString("expected the " + how + " (the policy string as submitted, ")
	b.WriteString(strconv.Itoa(len(policy)) + " bytes). ")
	if _, err := base64.StdEncoding.DecodeString(policy); err != nil {
		b.WriteString("The policy field is not valid base64 (" + err.Error() + "): it was probably truncated or altered after signing. ")
	}
	b.WriteString("Likely causes: the policy field was modified after signing; the form was signed with a different secret key; " +
		"or (SigV4) it was signed for another date or region than X-Amz-Credential states.")
	return b.String()
}

// postSignatureCause names why a form's signature differs: a key derived
// for another day, a near miss of the secret or another key's secret, or,
// failing those, a policy changed after signing or an unknown secret.
func (v *Verifier) postSignatureCause(cred Credential, provided, otherDay string, signWith func(string) string) Cause {
	if otherDay != "" {
		return cause(CauseClockSkew, "the form was signed with a key derived for "+otherDay+", not the day its X-Amz-Credential states: the signer's clocks disagree",
			"signed_day", otherDay)
	}
	for _, g := range v.secretGuesses(cred) {
		if signatureEqual(signWith(g.secret), provided) {
			return g.cause
		}
	}
	return cause(CauseWrongSecret, "the signature is not the policy's under the key's secret: the policy field changed after signing, or the form was signed with another secret",
		"access_key", cred.AccessKeyID)
}

// postCredential is a parsed X-Amz-Credential field.
type postCredential struct {
	accessKeyID, day, region, service string
}

// parsePostCredential checks the credential scope. A wrong region in a POST
// form is answered as InvalidArgument naming X-Amz-Credential, with the
// expected Region (a full AWS body quoted in CulturalMe/meteor-slingshot#150).
func (v *Verifier) parsePostCredential(s string) (postCredential, error) {
	parts := strings.Split(s, "/")
	bad := func(msg string) *s3err.Error {
		return s3err.Newf(s3err.InvalidArgument, "%s", msg).
			With("ArgumentName", "X-Amz-Credential").With("ArgumentValue", s)
	}
	if len(parts) != 5 || parts[0] == "" || len(parts[1]) != len(dayLayout) || !allDigits(parts[1]) || parts[2] == "" || parts[4] != "aws4_request" {
		return postCredential{}, bad(`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`)
	}
	c := postCredential{accessKeyID: parts[0], day: parts[1], region: parts[2], service: parts[3]}
	if v.region != "" && c.region != v.region {
		return c, bad("the region '"+c.region+"' is wrong; expecting '"+v.region+"'").With("Region", v.region).
			WithCauses(cause(CauseRegionMismatch, "the form was signed for region "+c.region+"; this server answers for "+v.region,
				"signed", c.region, "server", v.region))
	}
	if c.service != "s3" {
		return c, bad(`Error parsing the X-Amz-Credential parameter; incorrect service "` + c.service + `". This endpoint belongs to "s3".`).
			WithCauses(cause(CauseServiceMismatch, "the form was signed for service "+c.service+", not s3", "signed", c.service, "server", serviceS3))
	}
	return c, nil
}

// signedOnOtherDay looks for the day a SigV4 POST signature was really
// computed for, among the credential's neighbouring days and today: a
// client that builds X-Amz-Credential and the signing key from two clocks
// fails this way around midnight UTC.
func (v *Verifier) signedOnOtherDay(secret string, sc postCredential, policy, provided string) (string, bool) {
	day, err := time.Parse(dayLayout, sc.day)
	if err != nil {
		return "", false
	}
	for _, d := range []time.Time{day.AddDate(0, 0, -1), day.AddDate(0, 0, 1), v.clock.Now().UTC()} {
		ds := d.Format(dayLayout)
		if ds == sc.day {
			continue
		}
		if signatureEqual(hex.EncodeToString(hmacSHA256(deriveSigningKey(secret, ds, sc.region, sc.service), policy)), provided) {
			return ds, true
		}
	}
	return "", false
}
