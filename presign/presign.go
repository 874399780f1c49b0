// Package presign makes pre-signed S3 URLs and browser POST upload forms
// with aws-sdk-go-v2, the mirror image of package verifier: what this
// package signs, the verifier accepts byte for byte, and the tests prove it
// operation by operation.
//
// A pre-signed URL carries its signature in the query string. Some request
// headers may still be part of it (Content-Type, Content-MD5, a fixed
// Content-Length, and x-amz-meta-* when asked): Request.Header lists them,
// and the client must send them with exactly those values or S3 answers
// SignatureDoesNotMatch. That is the trap most users hit, so it is a field
// of the result rather than a detail of the URL.
//
// Signing normally uses the current time; WithSigningTime fixes it, so the
// same inputs always give the same URL (reproducible tests and docs).
package presign

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Signer pre-signs requests for one S3 client (its endpoint, region,
// credentials and addressing style). It is safe for concurrent use.
type Signer struct {
	client *s3.Client
	pc     *s3.PresignClient
	at     time.Time
}

// Option configures a Signer.
type Option func(*Signer)

// WithSigningTime signs as if the time were t instead of now: X-Amz-Date,
// the credential scope day, the expiry and a POST policy's expiration all
// derive from t.
func WithSigningTime(t time.Time) Option {
	return func(s *Signer) { s.at = t.UTC() }
}

// New returns a Signer for client.
func New(client *s3.Client, opts ...Option) *Signer {
	s := &Signer{client: client, pc: s3.NewPresignClient(client)}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Request is a pre-signed request: send Method to URL with Header (the
// signed headers, values included) and, for uploads, the body.
type Request struct {
	URL    string
	Method string
	// Header holds the headers the signature covers besides Host; sending
	// any of them with another value breaks the signature.
	Header http.Header
}

// signingTime is the fixed time, or now.
func (s *Signer) signingTime() time.Time {
	if s.at.IsZero() {
		return time.Now().UTC()
	}
	return s.at
}

// presignOptions applies the expiry, the signing time and the header
// hoisting choice to one PresignClient call.
func (s *Signer) presignOptions(expires time.Duration, hoistMeta bool) func(*s3.PresignOptions) {
	return func(o *s3.PresignOptions) {
		o.Expires = expires
		o.Presigner = &presigner{inner: o.Presigner, at: s.at, hoistMeta: hoistMeta}
	}
}

// presigner wraps the SDK's SigV4 presigner to fix the signing time and,
// when asked, move x-amz-meta-* headers into the query before signing (the
// SDK always keeps them as signed headers).
type presigner struct {
	inner     s3.HTTPPresignerV4
	at        time.Time
	hoistMeta bool
}

// PresignHTTP implements s3.HTTPPresignerV4: the SDK's presigner, after
// fixing the signing time and hoisting metadata as configured.
func (p *presigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	signingTime time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	if !p.at.IsZero() {
		signingTime = p.at
	}
	if p.hoistMeta {
		hoistHeaders(r, func(name string) bool { return strings.HasPrefix(strings.ToLower(name), "x-amz-meta-") })
	}
	return p.inner.PresignHTTP(ctx, creds, r, payloadHash, service, region, signingTime, optFns...)
}

// hoistHeaders moves the headers move selects into r's query string, under
// lower-case names, where the presigner signs them as query parameters.
func hoistHeaders(r *http.Request, move func(name string) bool) {
	q := r.URL.Query()
	for name, vals := range r.Header {
		if !move(name) {
			continue
		}
		for _, v := range vals {
			q.Add(strings.ToLower(name), v)
		}
		r.Header.Del(name)
	}
	r.URL.RawQuery = q.Encode()
}

func toRequest(p *v4.PresignedHTTPRequest) *Request {
	h := p.SignedHeader.Clone()
	if h == nil {
		h = http.Header{}
	}
	// net/http takes Host from the URL; a Host entry here would be ignored
	// and only mislead.
	h.Del("Host")
	return &Request{URL: p.URL, Method: p.Method, Header: h}
}
