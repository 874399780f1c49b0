package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// harFile is the part of a HAR 1.2 export strictS3 reads.
type harFile struct {
	Log struct {
		Entries []struct {
			Request harRequest `json:"request"`
		} `json:"entries"`
	} `json:"log"`
}

type harRequest struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	HTTPVersion string `json:"httpVersion"`
	Headers     []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
	PostData *struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
		Encoding string `json:"encoding"` // "base64" in some exporters
	} `json:"postData"`
}

// parseHAR reads the requests of a HAR export. entry, when > 0, selects one
// (1 is the first); otherwise every entry that carries S3 authentication
// (a signature in the query or Authorization header, or a POST form
// upload) is returned and the others are noted as skipped.
func parseHAR(data []byte, entry int) ([]*capturedRequest, []string, error) {
	var h harFile
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, nil, usageErrorf("--har: not a HAR file: %v", err)
	}
	n := len(h.Log.Entries)
	if n == 0 {
		return nil, nil, usageErrorf("--har: the file has no entries")
	}
	if entry > n {
		return nil, nil, usageErrorf("--entry %d: the HAR has %d entries", entry, n)
	}
	var out []*capturedRequest
	skipped := 0
	for i, e := range h.Log.Entries {
		if entry > 0 && i+1 != entry {
			continue
		}
		c, err := harCaptured(e.Request, fmt.Sprintf("HAR entry %d", i+1))
		if err != nil {
			return nil, nil, err
		}
		if entry == 0 && !looksS3Authenticated(c) {
			skipped++
			continue
		}
		out = append(out, c)
	}
	var notes []string
	if skipped > 0 {
		notes = append(notes, fmt.Sprintf("HAR: %d of %d entries carry no S3 authentication and were skipped (select one with --entry N)", skipped, n))
	}
	return out, notes, nil
}

// harCaptured turns one HAR request into a capturedRequest. HTTP/2 entries
// name the authority and path in pseudo-headers; they are what was sent.
func harCaptured(r harRequest, label string) (*capturedRequest, error) {
	c := &capturedRequest{label: label, method: r.Method, url: r.URL}
	var authority, path, scheme string
	for _, hd := range r.Headers {
		switch strings.ToLower(hd.Name) {
		case ":authority":
			authority = hd.Value
		case ":path":
			path = hd.Value
		case ":scheme":
			scheme = hd.Value
		case ":method":
		default:
			c.header = append(c.header, hd.Name+": "+hd.Value)
		}
	}
	if path != "" && authority != "" {
		if scheme == "" {
			scheme, _, _ = strings.Cut(r.URL, "://")
		}
		c.url = scheme + "://" + authority + path
	}
	if r.PostData != nil {
		c.body = []byte(r.PostData.Text)
		if r.PostData.Encoding == "base64" {
			b, err := base64.StdEncoding.DecodeString(r.PostData.Text)
			if err != nil {
				return nil, usageErrorf("%s: postData.text is not base64: %v", label, err)
			}
			c.body = b
		}
	}
	if len(c.body) == 0 {
		// A HAR often omits bodies (binary uploads); without one, a
		// Content-Length would promise bytes that never come.
		kept := c.header[:0]
		for _, h := range c.header {
			if name, v, _ := strings.Cut(h, ":"); strings.EqualFold(strings.TrimSpace(name), "Content-Length") && strings.TrimSpace(v) != "0" {
				c.notes = append(c.notes, label+": the body was not recorded; body checks skipped")
				continue
			}
			kept = append(kept, h)
		}
		c.header = kept
	}
	return c, nil
}

// looksS3Authenticated reports a request that tries to authenticate to S3.
func looksS3Authenticated(c *capturedRequest) bool {
	_, query, _ := strings.Cut(c.url, "?")
	for _, p := range []string{"X-Amz-Signature=", "X-Amz-Credential=", "Signature=", "AWSAccessKeyId="} {
		if strings.Contains(query, p) {
			return true
		}
	}
	for _, h := range c.header {
		name, v, _ := strings.Cut(h, ":")
		name, v = strings.TrimSpace(name), strings.TrimSpace(v)
		if strings.EqualFold(name, "Authorization") && (strings.HasPrefix(v, "AWS4-") || strings.HasPrefix(v, "AWS ")) {
			return true
		}
		if strings.EqualFold(name, "Content-Type") && strings.HasPrefix(v, "multipart/form-data") && strings.EqualFold(c.method, "POST") &&
			strings.Contains(string(c.body), `name="policy"`) {
			return true
		}
	}
	return false
}
