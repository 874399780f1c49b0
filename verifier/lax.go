package verifier

import (
	"net/http"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// Warn-only mode: a server that reports what S3 would refuse but serves the
// request anyway, as a lax emulator would. These two hooks let it do so
// without skipping any check: Authenticate and Body still run and still
// find every failure; the caller decides to go on.

// LaxResult is the Result to serve r with after Authenticate refused it:
// the identity r claims (its access key's record when the key is known,
// else a record with no policy, which may do everything, as the owner may),
// the payload mode its x-amz-content-sha256 declares, and a pre-signed
// URL's x-amz-* parameters as headers. Chunk and trailer signatures of an
// aws-chunked body are read but not checked: with authentication waived
// there is no trusted key to check them with. A request that claims no
// credentials is anonymous.
func (v *Verifier) LaxResult(r *http.Request) *Result {
	_, rawQuery := rawTarget(r)
	ps := parseRawQuery(rawQuery)
	res := &Result{Identity: Identity{Auth: claimedAuth(r, ps)}, Payload: Payload{Mode: PayloadUnsigned}}
	if res.Identity.Anonymous() {
		return res
	}
	id := ClaimedAccessKeyID(r)
	res.Identity.AccessKeyID, res.Identity.Credential = id, v.laxCredential(id)
	switch res.Identity.Auth {
	case AuthSigV4Header:
		if p, ok := payloadFor(r.Header.Get("X-Amz-Content-Sha256")); ok {
			p.unverified = true
			res.Payload = p
		}
	case AuthSigV4Query:
		res.QueryHeaders = queryHeaders(ps)
	}
	return res
}

// ClaimedAuth returns the scheme r tries to authenticate with, in
// Authenticate's order of dispatch, without checking anything (like
// ClaimedAccessKeyID, for saying what a refused request was): anonymous
// when r carries no credentials S3 recognises.
func ClaimedAuth(r *http.Request) AuthType {
	_, rawQuery := rawTarget(r)
	return claimedAuth(r, parseRawQuery(rawQuery))
}

// claimedAuth is the scheme r tries, in Authenticate's order of dispatch.
func claimedAuth(r *http.Request, ps []queryParam) AuthType {
	if hasV4QueryAuth(ps) {
		return AuthSigV4Query
	}
	for _, p := range ps {
		if p.name == "AWSAccessKeyId" || p.name == "Signature" || p.name == "Expires" {
			return AuthSigV2Query
		}
	}
	switch authz := r.Header.Get("Authorization"); {
	case strings.HasPrefix(authz, sigV4Algorithm):
		return AuthSigV4Header
	case strings.HasPrefix(authz, "AWS "):
		return AuthSigV2Header
	}
	return AuthAnonymous
}

// WarnOnly makes Body hand integrity failures to report and carry on, the
// data read as sent: an x-amz-content-sha256, Content-MD5 or
// x-amz-checksum-* value that does not match the body, and chunk or trailer
// signatures that do not match. Failures of framing it cannot parse, of
// lengths and of header syntax still fail the read.
func WarnOnly(report func(*s3err.Error)) BodyOption {
	return func(o *bodyOptions) { o.report = report }
}

// tolerate hands err to report under WarnOnly and returns nil, else err.
func (b *Body) tolerate(err *s3err.Error) error {
	if b.opts.report == nil {
		return err
	}
	b.opts.report(err)
	return nil
}

// PostOption adjusts ReadPost.
type PostOption func(*postOptions)

type postOptions struct {
	report func(*s3err.Error)
}

// PostWarnOnly makes ReadPost hand the failures warn-only mode serves
// despite to report and carry on: the signature over the policy (the
// upload is then the claimed key's, as LaxResult decides), a policy that
// does not parse (then ignored), has expired or whose conditions fail, and
// a file outside content-length-range (reported at the file's end). A form
// it cannot read, a missing key field, missing signature fields and a
// missing file still fail.
func PostWarnOnly(report func(*s3err.Error)) PostOption {
	return func(o *postOptions) { o.report = report }
}

// tolerate hands a client error to report under PostWarnOnly and returns
// nil; otherwise, and for server errors, it returns err.
func (o postOptions) tolerate(err error) error {
	if o.report == nil || err == nil {
		return err
	}
	e, ok := s3err.As(err)
	if !ok || e.Status >= http.StatusInternalServerError {
		return err
	}
	o.report(e)
	return nil
}

// laxPostIdentity is the identity a POST form claims, found as LaxResult
// finds a request's.
func (v *Verifier) laxPostIdentity(f PostFields, scheme postScheme) Identity {
	id := Identity{Auth: AuthSigV4Post}
	id.AccessKeyID, _, _ = strings.Cut(f.Get("x-amz-credential"), "/")
	if scheme == postSigV2 {
		id.Auth, id.AccessKeyID = AuthSigV2Post, f.Get("awsaccesskeyid")
	}
	id.Credential = v.laxCredential(id.AccessKeyID)
	return id
}

// laxCredential is accessKeyID's record, or one with no policy for a key
// the server does not know.
func (v *Verifier) laxCredential(accessKeyID string) Credential {
	if cred, ok := v.creds.Lookup(accessKeyID); ok {
		return cred
	}
	return Credential{AccessKeyID: accessKeyID}
}
