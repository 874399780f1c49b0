package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// capturedRequest is one request as the user has it: a URL with flags, a
// curl command line, a raw HTTP message or a HAR entry. wire turns it into
// what a server receives.
type capturedRequest struct {
	// label names the request in the output ("curl", "HAR entry 3").
	label  string
	method string
	// url is absolute (http or https); its path and query are sent exactly
	// as written.
	url string
	// header holds "Name: value" lines, in the order given; a Host line
	// overrides the URL's host, as with curl.
	header []string
	body   []byte
	// notes are remarks on the input (curl flags ignored, entries skipped).
	notes []string
}

// wire writes the HTTP/1.1 message the client would send and reads it
// back with the server's parser, so path, query, Host and body arrive
// exactly as on the wire.
func (c *capturedRequest) wire() (*http.Request, error) {
	u, err := url.Parse(c.url)
	if err != nil {
		return nil, usageErrorf("%s: url: %v", c.label, err)
	}
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, usageErrorf("%s: url must be absolute http(s)://host/path, got %q", c.label, c.url)
	}
	method := strings.ToUpper(c.method)
	if method == "" {
		method = http.MethodGet
	}
	if strings.ContainsAny(method, " \r\n") {
		return nil, usageErrorf("%s: invalid method %q", c.label, method)
	}
	host := u.Host
	var lines strings.Builder
	hasLength := false
	for _, h := range c.header {
		name, value, _ := strings.Cut(h, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if strings.ContainsAny(name+value, "\r\n") {
			return nil, usageErrorf("%s: header %q: line break in header", c.label, name)
		}
		switch {
		case strings.EqualFold(name, "Host"):
			host = value
			continue
		case strings.EqualFold(name, "Content-Length"), strings.EqualFold(name, "Transfer-Encoding"):
			hasLength = true
		}
		fmt.Fprintf(&lines, "%s: %s\r\n", name, value)
	}
	if len(c.body) > 0 && !hasLength {
		fmt.Fprintf(&lines, "Content-Length: %s\r\n", strconv.Itoa(len(c.body)))
	}
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "%s %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", method, requestTarget(c.url), host, lines.String())
	msg.Write(c.body)
	r, err := http.ReadRequest(bufio.NewReader(&msg))
	if err != nil {
		return nil, usageErrorf("%s: cannot form a request: %v", c.label, err)
	}
	r.RemoteAddr = "127.0.0.1:0"
	return r, nil
}

// requestTarget is the path and query of rawURL exactly as written: the
// signature covers the bytes on the wire, so no re-encoding (url.URL would
// normalise some escapes) may happen between the user's URL and the check.
func requestTarget(rawURL string) string {
	_, rest, _ := strings.Cut(rawURL, "://")
	rest, _, _ = strings.Cut(rest, "#")
	i := strings.IndexAny(rest, "/?")
	if i < 0 {
		return "/"
	}
	if rest[i] == '?' {
		return "/" + rest[i:]
	}
	return rest[i:]
}
