package emulator

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// target is the bucket and key a request addresses.
type target struct {
	bucket, key string
	query       url.Values
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
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(host, ".")
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
