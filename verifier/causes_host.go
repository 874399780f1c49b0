package verifier

import (
	"net"
	"net/http"
	"slices"
	"strings"
)

// commonPorts are the ports S3 emulators and proxies listen on most: a
// signer's endpoint often named one of them while a proxy dropped or
// changed it.
var commonPorts = [...]string{"", "80", "443", "9000", "4566", "8080", "8000"}

// hostCandidates are Host values a signer plausibly signed instead of got:
// the same host with its port dropped, added or changed (to the server's
// own port, when known, or a common one), the other spellings of
// loopback, and X-Forwarded-Host.
func hostCandidates(got, forwarded, serverPort string) []string {
	host, port := splitHostPort(got)
	hosts := []string{host}
	switch host {
	case "localhost":
		hosts = append(hosts, "127.0.0.1", "::1")
	case "127.0.0.1", "::1":
		hosts = append(hosts, "localhost")
	default:
		// A proxy that rewrote Host to its upstream's name hides the
		// signer's; loopback is the one it most often was.
		hosts = append(hosts, "localhost", "127.0.0.1")
	}
	var out []string
	add := func(h string) {
		if h != got && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	if forwarded != "" {
		add(forwarded)
	}
	for _, h := range hosts {
		add(joinHostPort(h, port))
		if serverPort != "" {
			add(joinHostPort(h, serverPort))
		}
		for _, p := range commonPorts {
			add(joinHostPort(h, p))
		}
	}
	return out
}

// splitHostPort splits "host:port", "[::1]:port" or a bare host.
func splitHostPort(hp string) (host, port string) {
	h, p, err := net.SplitHostPort(hp)
	if err != nil {
		return strings.TrimSuffix(strings.TrimPrefix(hp, "["), "]"), ""
	}
	return h, p
}

// serverPort is the port the request arrived on, when a net/http server
// received it: behind a proxy that rewrote Host, the signer often named
// the server directly.
func serverPort(r *http.Request) string {
	a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return ""
	}
	_, p, err := net.SplitHostPort(a.String())
	if err != nil {
		return ""
	}
	return p
}

func joinHostPort(host, port string) string {
	if port == "" {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return net.JoinHostPort(host, port)
}
