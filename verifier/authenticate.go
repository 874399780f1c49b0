package verifier

import (
	"net/http"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// Authenticate decides whether r is authentic, before its body is read. It
// recognises SigV4 and SigV2, in the Authorization header or the query
// string, and anonymous requests, and checks them in S3's order. The error,
// when not nil, is an *s3err.Error.
//
// Dispatch follows S3: any of the six X-Amz-* query parameters makes the
// request a SigV4 pre-signed URL; any of AWSAccessKeyId, Signature and
// Expires a SigV2 one; otherwise the Authorization header decides
// ("AWS4-HMAC-SHA256 …" or "AWS AKID:sig"). Query and header auth together
// are refused. With neither, the result is anonymous and err is nil.
//
// Authorization (may this identity do this?) is the caller's step, through
// Result.Allowed; the body is checked by Body.
func (v *Verifier) Authenticate(r *http.Request) (*Result, error) {
	return v.authenticate(r, nil)
}

func (v *Verifier) authenticate(r *http.Request, tr *Explanation) (*Result, error) {
	path, rawQuery := rawTarget(r)
	// The parameters live on the stack; whatever keeps them (a diagnosis,
	// Result.QueryHeaders) copies what it needs.
	var psBuf [stackQueryParamsParsed]queryParam
	ps := appendRawQuery(psBuf[:0], rawQuery)
	authz := firstHeader(r.Header, "Authorization")

	v4q := hasV4QueryAuth(ps)
	v2q := false
	if !v4q {
		for i := range ps {
			p := &ps[i]
			if p.name == "AWSAccessKeyId" || p.name == "Signature" || p.name == "Expires" {
				v2q = true
				break
			}
		}
	}
	if (v4q || v2q) && authz != "" {
		tr.setAuth(AuthAnonymous)
		return nil, s3err.Newf(s3err.InvalidArgument, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified").
			With("ArgumentName", "Authorization").With("ArgumentValue", authz)
	}
	switch {
	case v4q:
		return wrap(v.authV4Query(r, ps, path, tr))
	case v2q:
		return wrap(v.authV2Query(r, ps, path, tr))
	case authz == "":
		tr.setAuth(AuthAnonymous)
		return &Result{Identity: Identity{Auth: AuthAnonymous}, Payload: Payload{Mode: PayloadUnsigned}}, nil
	case strings.HasPrefix(authz, sigV4Algorithm+" ") || strings.TrimSpace(authz) == sigV4Algorithm:
		return wrap(v.authV4Header(r, authz, ps, path, tr))
	case strings.HasPrefix(authz, sigV4aAlgorithm):
		tr.setAuth(AuthSigV4Header)
		return nil, s3err.New(s3err.NotImplemented).WithDiagnosis("SigV4a (AWS4-ECDSA-P256-SHA256) is not supported by strictS3")
	case strings.HasPrefix(authz, "AWS "):
		return wrap(v.authV2Header(r, authz, ps, path, tr))
	default:
		tr.setAuth(AuthAnonymous)
		return nil, unsupportedAuthorization(authz)
	}
}

// wrap returns a check's verdict as Authenticate's. The checks return
// *s3err.Error so that only a non-nil one becomes an error: a nil pointer in
// an error interface would read as a failure.
func wrap(res *Result, err *s3err.Error) (*Result, error) {
	if err != nil {
		return nil, err
	}
	return res, nil
}
