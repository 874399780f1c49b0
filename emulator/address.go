package emulator

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// target is the bucket and key a request addresses.
type target struct {
	bucket, key string
	query       url.Values
	sub         subresources // the sub-resources query names
}

type targetKey struct{}

// withTarget stores a pointer, so the context holds no boxed copy: the
// target lives in its call.
func withTarget(ctx context.Context, t *target) context.Context {
	return context.WithValue(ctx, targetKey{}, t)
}

func targetOf(r *http.Request) target {
	if t, ok := r.Context().Value(targetKey{}).(*target); ok {
		return *t
	}
	return target{}
}

// address finds the bucket and key of r. Virtual-hosted style is
// <bucket>.<base> or <bucket>.s3.<base> (any port); every other host,
// including <base>, s3.<base> and IP addresses, is path-style /bucket/key.
// The key is the decoded path, as S3 decodes it once.
func (s *Server) address(r *http.Request) (bucket, key string, virtual bool) {
	host := hostOnly(r.Host)
	path := r.URL.Path
	if b, ok := s.hostBucket(host); ok {
		return b, strings.TrimPrefix(path, "/"), true
	}
	path = strings.TrimPrefix(path, "/")
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key, false
}

func (s *Server) hostBucket(host string) (string, bool) {
	rest, ok := strings.CutSuffix(host, "."+s.baseDomain)
	if !ok || rest == "" || rest == "s3" {
		return "", false
	}
	rest = strings.TrimSuffix(rest, ".s3")
	return rest, rest != ""
}

// checkHost refuses a Host that strictS3 cannot address. Path-style is
// taken from IP addresses, single-label names (localhost, a compose service
// name) and the base domain itself; <bucket>.<base> is virtual-hosted. Any
// other dotted name is what a client sends when its endpoint is not under
// the base domain and it addresses virtual-hosted (boto3's default against
// http://s3.test:9000 sends Host demo.s3.test): read as path-style, a PUT of
// key x would create bucket x. S3 reads a Host that is not one of its
// endpoints as a bucket name (CNAME addressing), so the answer is S3's for
// a bucket that does not exist, with a diagnosis naming the base domain.
func (s *Server) checkHost(c *call) error {
	if c.virtualHost {
		return nil
	}
	host := hostOnly(c.r.Host)
	if host == "" || !strings.Contains(host, ".") || host == s.baseDomain || host == "s3."+s.baseDomain {
		return nil
	}
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return nil
	}
	return s3err.New(s3err.NoSuchBucket).With("BucketName", host).
		WithDiagnosis("Host %q is outside the base domain %q (stricts3 serve --domain, Options.BaseDomain): S3 reads such a Host as a bucket name. "+
			"Use an endpoint under %s, an IP address or a single-label name, or start the server with --domain set to the domain of your endpoint",
			host, s.baseDomain, s.baseDomain)
}

// hostOnly is the lower-case host of a Host header, without port and
// trailing dot.
func hostOnly(hostport string) string {
	host := strings.ToLower(hostport)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(host, ".")
}
