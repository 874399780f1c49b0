package main

import (
	"fmt"
	"net"
)

// listenDescription says where the server listens: the endpoint itself for
// a specific address, and for a wildcard bind (--addr 0.0.0.0:9000, :9000,
// [::]:9000) that it is every interface, with the loopback endpoint this
// machine can use. The host is the one asked for: Go reports a 0.0.0.0
// listener as [::].
func listenDescription(configured string, addr net.Addr, endpoint string) string {
	host, _, err := net.SplitHostPort(configured)
	if err != nil {
		return endpoint
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		_, port, _ := net.SplitHostPort(addr.String())
		if host == "" {
			host = "0.0.0.0"
		}
		return fmt.Sprintf("%s (every interface), endpoint %s", net.JoinHostPort(host, port), endpoint)
	}
	return endpoint
}

// addressingNote says how buckets are addressed. <bucket>.localhost is
// resolved by curl and browsers but not by the resolvers SDKs use, so with
// the default domain the banner points at path-style instead of
// advertising a name that fails in boto3 or the Go SDK.
func addressingNote(scheme, domain, port, endpoint string) string {
	if domain == defaultDomain {
		return fmt.Sprintf("buckets are addressed path-style (%s/<bucket>/<key>); %s://<bucket>.localhost:%s resolves in curl and browsers only, "+
			"SDKs need --domain with a name whose subdomains resolve to this server", endpoint, scheme, port)
	}
	return fmt.Sprintf("virtual-hosted buckets: %s://<bucket>.%s (the name must resolve to this server); path-style: %s/<bucket>/<key>",
		scheme, net.JoinHostPort(domain, port), endpoint)
}
