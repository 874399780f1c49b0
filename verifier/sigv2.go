package verifier

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stricts3/stricts3/internal/s3err"
)

// SigV2 (HMAC-SHA1) as S3 still accepts it in the regions that predate
// SigV4, for the Authorization header ("AWS AKID:signature") and for
// pre-signed URLs (AWSAccessKeyId, Expires, Signature). boto3 and the aws
// CLI v1 pre-sign with it by default in us-east-1 (spec §12).

// sigV2Regions are the regions that accept SigV2; any region launched
// since 2014 answers SigV2 with InvalidRequest.
var sigV2Regions = map[string]bool{
	"us-east-1": true, "us-west-1": true, "us-west-2": true, "eu-west-1": true,
	"ap-northeast-1": true, "ap-southeast-1": true, "ap-southeast-2": true,
	"sa-east-1": true, "us-gov-west-1": true,
}

// v2SubResources are the query parameters the SigV2 canonical resource
// includes (the list S3's SigV2 signers use).
var v2SubResources = map[string]bool{
	"accelerate": true, "acl": true, "analytics": true, "cors": true, "defaultObjectAcl": true,
	"delete": true, "inventory": true, "lifecycle": true, "location": true, "logging": true,
	"metrics": true, "notification": true, "object-lock": true, "partNumber": true, "policy": true,
	"replication": true, "requestPayment": true, "restore": true, "select": true, "select-type": true,
	"storageClass": true, "tagging": true, "torrent": true, "uploadId": true, "uploads": true,
	"versionId": true, "versioning": true, "versions": true, "website": true,
	"response-cache-control": true, "response-content-disposition": true, "response-content-encoding": true,
	"response-content-language": true, "response-content-type": true, "response-expires": true,
}

// acceptsSigV2 reports whether the server's region takes SigV2; a server
// configured without a region takes it too.
func (v *Verifier) acceptsSigV2() bool { return v.region == "" || sigV2Regions[v.region] }

func sigV2NotSupported() *s3err.Error {
	return s3err.Newf(s3err.InvalidRequest, "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.").
		WithCauses(cause(CauseSigV2Used, "the request is signed with SigV2, which this region does not accept: sign with SigV4 (boto3: Config(signature_version='s3v4'); aws CLI: aws configure set default.s3.signature_version s3v4)",
			"signature_version", "2"))
}

// v2Request is what a SigV2 signature covers.
type v2Request struct {
	method, contentMD5, contentType, date, amzHeaders, resource string
}

func (q *v2Request) stringToSign() string {
	return q.method + "\n" + q.contentMD5 + "\n" + q.contentType + "\n" + q.date + "\n" + q.amzHeaders + q.resource
}

func signV2(secret, sts string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// v2AmzHeaders renders the x-amz-* headers: lower-case names, sorted,
// values trimmed, repeated values joined by ','. For pre-signed URLs the
// x-amz-* query parameters count too (signers move headers there), unless
// a header of the same name was sent.
func v2AmzHeaders(r *http.Request, query []queryParam) string {
	vals := map[string][]string{}
	for k, vs := range r.Header {
		if isAmzName(k) {
			n := strings.ToLower(k)
			vals[n] = append(vals[n], vs...)
		}
	}
	seenInHeader := map[string]bool{}
	for n := range vals {
		seenInHeader[n] = true
	}
	for _, p := range query {
		if !isAmzName(p.name) {
			continue
		}
		if n := strings.ToLower(p.name); !seenInHeader[n] {
			vals[n] = append(vals[n], p.value)
		}
	}
	names := make([]string, 0, len(vals))
	for n := range vals {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		vs := vals[n]
		for i := range vs {
			vs[i] = strings.TrimSpace(vs[i])
		}
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(strings.Join(vs, ","))
		b.WriteByte('\n')
	}
	return b.String()
}

// virtualBucket returns the bucket named by a virtual-hosted Host, or "".
// Virtual-hosted is "<bucket>.<base>" or "<bucket>.s3.<base>" (any port);
// "<base>", "s3.<base>" and every other host are path-style. This is the
// emulator's addressing rule, so both agree on the bucket.
func (v *Verifier) virtualBucket(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	rest, ok := strings.CutSuffix(host, "."+v.baseDomain)
	if !ok || rest == "" || rest == "s3" {
		return ""
	}
	return strings.TrimSuffix(rest, ".s3")
}

// v2Resource is the canonical resource: "/bucket" for virtual-hosted
// requests, then the path as sent ("/bucket/" for a bucket), then the
// sub-resources sorted by name with decoded values.
func (v *Verifier) v2Resource(host, path string, query []queryParam) string {
	if path == "" {
		path = "/"
	}
	res := path
	if b := v.virtualBucket(host); b != "" {
		res = "/" + b + path
	} else if strings.Count(path, "/") == 1 && len(path) > 1 {
		// S3 rebuilds the resource as "/bucket/key": a bucket request sent
		// as "/bucket" is signed as "/bucket/" (botocore relies on this).
		res = path + "/"
	}
	return res + v2SubResourceString(query)
}

func v2SubResourceString(query []queryParam) string {
	var subs []queryParam
	for _, p := range query {
		if v2SubResources[p.name] {
			subs = append(subs, p)
		}
	}
	if len(subs) == 0 {
		return ""
	}
	sort.SliceStable(subs, func(i, j int) bool { return subs[i].name < subs[j].name })
	var b strings.Builder
	for i, p := range subs {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		if p.hasEq {
			b.WriteByte('=')
			b.WriteString(p.value)
		}
	}
	return b.String()
}

// headerOrQuery is a header value, or for pre-signed URLs the same-named
// lower-case query parameter some signers move it to.
func headerOrQuery(r *http.Request, name string, query []queryParam) string {
	if vs, ok := r.Header[http.CanonicalHeaderKey(name)]; ok && len(vs) > 0 {
		return vs[0]
	}
	for _, p := range query {
		if strings.EqualFold(p.name, name) {
			return p.value
		}
	}
	return ""
}

// v2SignatureMismatch is S3's SignatureDoesNotMatch body without a
// canonical request: SigV2, and every POST form, SigV4 included (spec §1).
func v2SignatureMismatch(akid, sts, provided string) *s3err.Error {
	return s3err.New(s3err.SignatureDoesNotMatch).
		With("AWSAccessKeyId", akid).
		With("StringToSign", sts).
		With("SignatureProvided", provided).
		With("StringToSignBytes", s3err.HexBytes(sts))
}

// authV2Query verifies AWSAccessKeyId/Expires/Signature: presence, region,
// access key, expiry, signature, token.
func (v *Verifier) authV2Query(r *http.Request, ps []queryParam, path string, tr *Explanation) (*Result, *s3err.Error) {
	tr.setAuth(AuthSigV2Query)
	akid, ok1 := firstParam(ps, "AWSAccessKeyId")
	sig, ok2 := firstParam(ps, "Signature")
	exp, ok3 := firstParam(ps, "Expires")
	if !ok1 || !ok2 || !ok3 {
		return nil, s3err.Newf(s3err.AccessDenied, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters")
	}
	tr.setKey(akid, sig)
	if !v.acceptsSigV2() {
		return nil, sigV2NotSupported()
	}
	expSec, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return nil, s3err.Newf(s3err.AccessDenied, "Invalid date (should be seconds since epoch): %s", exp)
	}
	token, tokenSent := firstParam(ps, "x-amz-security-token")
	if !tokenSent {
		token, tokenSent = headerToken(r)
	}
	cred, kerr := v.lookupKey(akid, tokenSent)
	if kerr != nil {
		return nil, kerr
	}
	q := &v2Request{
		method:      r.Method,
		contentMD5:  headerOrQuery(r, "content-md5", ps),
		contentType: headerOrQuery(r, "content-type", ps),
		date:        exp,
		amzHeaders:  v2AmzHeaders(r, ps),
		resource:    v.v2Resource(r.Host, path, ps),
	}
	sts := q.stringToSign()
	want := signV2(cred.SecretAccessKey, sts)
	tr.setSigned("", sts, want)
	now := v.clock.Now()
	expiresAt := time.Unix(expSec, 0).UTC()
	if now.After(expiresAt) {
		return nil, s3err.Newf(s3err.AccessDenied, "Request has expired").
			With("Expires", isoSecond(expiresAt)).
			With("ServerTime", isoSecond(now)).
			WithCauses(expiredCause(expiresAt, now))
	}
	if !signatureEqual(want, sig) {
		return nil, v2SignatureMismatch(akid, sts, sig).WithCauses(v.diagnoseV2(v2Diag{r: r, q: q, cred: cred, provided: sig, path: path, query: slices.Clone(ps), expires: exp, tr: tr})...)
	}
	if err := v.checkToken(cred, token, tokenSent); err != nil {
		return nil, err
	}
	return &Result{
		Identity:     Identity{Auth: AuthSigV2Query, AccessKeyID: akid, Credential: cred},
		Payload:      Payload{Mode: PayloadUnsigned},
		QueryHeaders: queryHeaders(ps),
	}, nil
}

// authV2Header verifies "Authorization: AWS AKID:signature".
func (v *Verifier) authV2Header(r *http.Request, h string, ps []queryParam, path string, tr *Explanation) (*Result, *s3err.Error) {
	tr.setAuth(AuthSigV2Header)
	akid, sig, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(h), "AWS ")), ":")
	if !ok || akid == "" || sig == "" {
		return nil, s3err.Newf(s3err.InvalidArgument, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature").
			With("ArgumentName", "Authorization").With("ArgumentValue", h)
	}
	tr.setKey(akid, sig)
	if !v.acceptsSigV2() {
		return nil, sigV2NotSupported()
	}
	var raw, dateLine string
	var t time.Time
	if xd := r.Header.Get("X-Amz-Date"); xd != "" {
		raw = xd
		t, ok = parseHTTPDate(xd)
		if !ok {
			t, ok = parseAmzDate(xd)
		}
	} else if d := r.Header.Get("Date"); d != "" {
		raw, dateLine = d, d
		t, ok = parseHTTPDate(d)
	} else {
		ok = false
	}
	if !ok {
		return nil, noValidDate()
	}
	now := v.clock.Now()
	if absDuration(now.Sub(t)) > v.maxSkew {
		return nil, s3err.New(s3err.RequestTimeTooSkewed).
			With("RequestTime", raw).
			With("ServerTime", isoSecond(now)).
			With("MaxAllowedSkewMilliseconds", strconv.FormatInt(v.maxSkew.Milliseconds(), 10)).
			WithCauses(v.skewCause(t, now))
	}
	token, tokenSent := headerToken(r)
	cred, kerr := v.lookupKey(akid, tokenSent)
	if kerr != nil {
		return nil, kerr
	}
	q := &v2Request{
		method:      r.Method,
		contentMD5:  r.Header.Get("Content-Md5"),
		contentType: r.Header.Get("Content-Type"),
		date:        dateLine,
		amzHeaders:  v2AmzHeaders(r, nil),
		resource:    v.v2Resource(r.Host, path, ps),
	}
	sts := q.stringToSign()
	want := signV2(cred.SecretAccessKey, sts)
	tr.setSigned("", sts, want)
	if !signatureEqual(want, sig) {
		return nil, v2SignatureMismatch(akid, sts, sig).WithCauses(v.diagnoseV2(v2Diag{r: r, q: q, cred: cred, provided: sig, path: path, query: slices.Clone(ps), tr: tr})...)
	}
	if err := v.checkToken(cred, token, tokenSent); err != nil {
		return nil, err
	}
	return &Result{
		Identity: Identity{Auth: AuthSigV2Header, AccessKeyID: akid, Credential: cred},
		Payload:  Payload{Mode: PayloadUnsigned},
	}, nil
}
