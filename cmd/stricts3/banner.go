package main

import (
	"fmt"
	"io"
	"net"
	"strings"
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

// printStartupNotes prints the start-up buckets, where the control API is,
// and the one client trap that sends requests to real AWS.
func printStartupNotes(w io.Writer, c *serveConfig, endpoint string) {
	if names := c.startup.names(); len(names) > 0 {
		corsNote := ""
		if c.startup.corsFile != "" {
			corsNote = " (CORS from " + c.startup.corsFile + ")"
		}
		fmt.Fprintf(w, "buckets: %s%s\n", strings.Join(names, ", "), corsNote)
	}
	fmt.Fprintf(w, "control: %s%shealth; stricts3 health|clock|reset --endpoint %s\n", endpoint, controlPrefix, endpoint)
	fmt.Fprintf(w, "aws CLI v2 before 2.13 ignores AWS_ENDPOINT_URL and goes to real AWS: pass --endpoint-url %s\n", endpoint)
}
