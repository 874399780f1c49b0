package verifier

import (
	"net"
	"slices"
	"strings"
)

// commonPorts are the ports S3 emulators and proxies listen on most: a
// signer's endpoint often named one of them while a proxy dropped or
// changed it.
var commonPorts = [...]string{"", "80", "443", "9000", "4566", "8080", "8000"}

// hostCandidates are Host values a signer plausibly signed instead of got:
// the same host with its port dropped, added or changed, the other
// spellings of loopback, and X-Forwarded-Host.
func hostCandidates(got, forwarded string) []string {
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

func joinHostPort(host, port string) string {
	if port == "" {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return net.JoinHostPort(host, port)
}
