package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// parseRaw reads a raw HTTP/1.1 request: request line, headers, blank line,
// optional body, as proxies log it and `curl -v` prints it ("> " prefixes
// and bare LF line ends are accepted). A request line in absolute form
// (GET http://host/path HTTP/1.1) is read as a proxy would.
func parseRaw(data []byte, label string) (*http.Request, error) {
	data = normalizeRaw(data)
	br := bufio.NewReader(bytes.NewReader(data))
	r, err := http.ReadRequest(br)
	if err != nil {
		return nil, usageErrorf("%s: not an HTTP/1.1 request: %v", label, err)
	}
	var body []byte
	if r.ContentLength > 0 || len(r.TransferEncoding) > 0 {
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, usageErrorf("%s: the body is shorter than the request declares: %v", label, err)
		}
	} else if body, _ = io.ReadAll(br); len(body) > 0 {
		// A log that dropped Content-Length still shows the body.
		r.ContentLength = int64(len(body))
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if len(body) == 0 {
		r.Body = http.NoBody
	}
	if r.Host == "" {
		return nil, usageErrorf("%s: the request has no Host header", label)
	}
	r.RemoteAddr = "127.0.0.1:0"
	return r, nil
}

// normalizeRaw undoes what logs and terminals do to a request: `curl -v`'s
// "> " prefixes and "* " info lines, leading blank lines, LF line ends in
// the head. The body is kept byte for byte.
func normalizeRaw(data []byte) []byte {
	text := string(data)
	head, body, found := cutHead(text)
	var lines []string
	for _, l := range strings.Split(head, "\n") {
		l = strings.TrimSuffix(l, "\r")
		switch {
		case strings.HasPrefix(l, "> "):
			l = l[2:]
		case l == ">":
			l = ""
		case strings.HasPrefix(l, "* "), strings.HasPrefix(l, "< "):
			continue
		}
		if len(lines) == 0 && strings.TrimSpace(l) == "" {
			continue
		}
		lines = append(lines, l)
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	out := strings.Join(lines, "\r\n") + "\r\n\r\n"
	if found {
		out += body
	}
	return []byte(out)
}

// cutHead splits a message at its first blank line (CRLF or LF form),
// skipping blank lines before the request line.
func cutHead(s string) (head, body string, found bool) {
	start := len(s) - len(strings.TrimLeft(s, "\r\n"))
	for i := start; i < len(s); i++ {
		if s[i] != '\n' {
			continue
		}
		j := i + 1
		if j < len(s) && s[j] == '\r' {
			j++
		}
		if j < len(s) && s[j] == '\n' {
			return s[:i], s[j+1:], true
		}
		if j >= len(s) {
			break
		}
	}
	return s, "", false
}

// describeRaw labels the n-th request of a raw input for the output.
func describeRaw(name string) string {
	if name == "-" {
		return "raw request (stdin)"
	}
	return fmt.Sprintf("raw request %s", name)
}
