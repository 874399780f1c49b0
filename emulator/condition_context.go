package emulator

import (
	"net"
	"strconv"
	"time"

	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/verifier"
)

// conditionContext is the request as bucket policy conditions see it:
// the values of the condition keys strictS3 provides, by lower-cased key.
// A key the request does not carry is absent, which IAM's operators treat
// differently from an empty value.
func (s *Server) conditionContext(c *call, pr access.Principal) map[string][]string {
	now := s.clock.Now().UTC()
	ctx := map[string][]string{
		access.KeySecureTransport: {strconv.FormatBool(c.r.TLS != nil)},
		access.KeyCurrentTime:     {now.Format(time.RFC3339)},
		access.KeyEpochTime:       {strconv.FormatInt(now.Unix(), 10)},
	}
	if host, _, err := net.SplitHostPort(c.r.RemoteAddr); err == nil {
		ctx[access.KeySourceIP] = []string{host}
	}
	if !pr.Anonymous {
		ctx[access.KeyPrincipalAccount] = []string{pr.Account}
		ctx[access.KeyPrincipalARN] = []string{pr.ARN}
	}
	for key, header := range map[string]string{
		access.KeyReferer: "Referer", access.KeyUserAgent: "User-Agent", access.KeyACL: "X-Amz-Acl",
		access.KeySSE: "X-Amz-Server-Side-Encryption", access.KeyStorageClass: "X-Amz-Storage-Class",
		access.KeyContentSHA256: "X-Amz-Content-Sha256",
	} {
		if vs, ok := c.r.Header[header]; ok {
			ctx[key] = vs
		}
	}
	for key, field := range map[string]string{access.KeyACL: "acl", access.KeySSE: "x-amz-server-side-encryption", access.KeyStorageClass: "x-amz-storage-class"} {
		if v, ok := c.postFields[field]; ok {
			ctx[key] = []string{v}
		}
	}
	for key, param := range map[string]string{access.KeyPrefix: "prefix", access.KeyDelimiter: "delimiter", access.KeyMaxKeys: "max-keys"} {
		if c.query.Has(param) {
			ctx[key] = []string{c.query.Get(param)}
		}
	}
	if authType, version := authTypeOf(c.auth.Identity.Auth); authType != "" {
		ctx[access.KeyAuthType] = []string{authType}
		ctx[access.KeySignatureVersion] = []string{version}
	}
	return ctx
}

// authTypeOf spells how a request authenticated as S3's s3:authType and
// s3:signatureversion condition keys do.
func authTypeOf(a verifier.AuthType) (authType, version string) {
	switch a {
	case verifier.AuthSigV4Header:
		return "REST-HEADER", "AWS4-HMAC-SHA256"
	case verifier.AuthSigV2Header:
		return "REST-HEADER", "AWS"
	case verifier.AuthSigV4Query:
		return "REST-QUERY-STRING", "AWS4-HMAC-SHA256"
	case verifier.AuthSigV2Query:
		return "REST-QUERY-STRING", "AWS"
	case verifier.AuthSigV4Post:
		return "POST", "AWS4-HMAC-SHA256"
	case verifier.AuthSigV2Post:
		return "POST", "AWS"
	}
	return "", ""
}
