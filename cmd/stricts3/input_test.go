package main

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShellWords_SplitsAsBash(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{`curl 'http://h/b/k?a=1&b=2' -H 'X-Amz-Date: 1'`, []string{"curl", "http://h/b/k?a=1&b=2", "-H", "X-Amz-Date: 1"}},
		{`curl "http://h/\$x" -H "a: \"q\""`, []string{"curl", "http://h/$x", "-H", `a: "q"`}},
		{"curl 'http://h/' \\\n  -H 'a: b' \\\r\n  --compressed", []string{"curl", "http://h/", "-H", "a: b", "--compressed"}},
		{`curl $'http://h/a\'b' --data-raw $'x\ny\u00e9\x41'`, []string{"curl", "http://h/a'b", "--data-raw", "x\nyéA"}},
		{`curl a\ b c''d "" # comment`, []string{"curl", "a b", "cd", ""}},
	}
	for _, c := range cases {
		got, err := shellWords(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	for _, bad := range []string{`curl 'x`, `curl "x`, `curl $'x`} {
		_, err := shellWords(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseCurl_FormsPeopleAndBrowsersWrite(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "photo.png"), []byte("PNGDATA"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "body.txt"), []byte("line1\nline2\n"), 0o600))
	readFile := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
	cases := []struct {
		name       string
		args       []string
		method     string
		url        string
		header     []string
		body       string
		notes      int
		wantFields map[string]string
	}{
		{name: "plain GET", args: []string{"curl", "http://h/b/k"}, url: "http://h/b/k"},
		{name: "-X and -H, attached forms", args: []string{"curl", "-XPUT", "-H", "Content-Type: image/png", "-HX-A: 1", "http://h/b/k"},
			method: "PUT", url: "http://h/b/k", header: []string{"Content-Type: image/png", "X-A: 1"}},
		{name: "--url and --request=", args: []string{"curl", "--request=DELETE", "--url", "https://h/b/k"}, method: "DELETE", url: "https://h/b/k"},
		{name: "-T uploads with PUT", args: []string{"curl", "-T", "photo.png", "http://h/b/k"}, method: "PUT", url: "http://h/b/k", body: "PNGDATA"},
		{name: "-T to a URL ending in / appends the file name", args: []string{"curl", "http://h/b/", "-T", "photo.png"}, method: "PUT", url: "http://h/b/photo.png", body: "PNGDATA"},
		{name: "-d posts form-encoded", args: []string{"curl", "-d", "a=1", "-d", "b=2", "http://h/b"}, method: "POST", url: "http://h/b",
			header: []string{"Content-Type: application/x-www-form-urlencoded"}, body: "a=1&b=2"},
		{name: "-d @file drops line breaks", args: []string{"curl", "-X", "PUT", "-d", "@body.txt", "http://h/b/k"}, method: "PUT", url: "http://h/b/k",
			header: []string{"Content-Type: application/x-www-form-urlencoded"}, body: "line1line2"},
		{name: "--data-binary @file keeps them", args: []string{"curl", "-X", "PUT", "--data-binary", "@body.txt", "-H", "Content-Type: text/plain", "http://h/b/k"},
			method: "PUT", url: "http://h/b/k", header: []string{"Content-Type: text/plain"}, body: "line1\nline2\n"},
		{name: "-G moves data to the query", args: []string{"curl", "-G", "-d", "prefix=a", "http://h/b?list-type=2"}, url: "http://h/b?list-type=2&prefix=a"},
		{name: "-I is HEAD", args: []string{"curl", "-sI", "http://h/b/k"}, method: "HEAD", url: "http://h/b/k"},
		{name: "browser copy: -b, -A, --compressed, unknown flag", args: []string{"curl", "http://h/b/k", "-b", "c=1", "-A", "Mozilla", "--compressed", "--fancy"},
			url: "http://h/b/k", header: []string{"Cookie: c=1", "User-Agent: Mozilla"}, notes: 1},
		{name: "skipped value flags", args: []string{"curl", "-o", "out.png", "-w", "%{http_code}", "--max-time", "5", "http://h/b/k"}, url: "http://h/b/k"},
		{name: "no scheme is http", args: []string{"curl", "h:9000/b/k"}, url: "http://h:9000/b/k"},
		{name: "-F builds a multipart POST upload", args: []string{"curl", "http://h/b", "-F", "key=up/${filename}", "-F", "policy=eyJ9", "-F", "file=@photo.png;type=image/png"},
			method: "POST", url: "http://h/b", wantFields: map[string]string{"key": "up/${filename}", "policy": "eyJ9", "file": "PNGDATA"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseCurl(c.args, readFile)
			require.NoError(t, err)
			assert.Equal(t, c.method, got.method)
			assert.Equal(t, c.url, got.url)
			assert.Len(t, got.notes, c.notes, "%v", got.notes)
			if c.wantFields == nil {
				assert.Equal(t, c.header, got.header)
				assert.Equal(t, c.body, string(got.body))
				return
			}
			require.Len(t, got.header, 1)
			_, params, err := mime.ParseMediaType(strings.TrimPrefix(got.header[0], "Content-Type: "))
			require.NoError(t, err)
			mr := multipart.NewReader(strings.NewReader(string(got.body)), params["boundary"])
			fields := map[string]string{}
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
				b, _ := io.ReadAll(p)
				fields[p.FormName()] = string(b)
				if p.FormName() == "file" {
					assert.Equal(t, "photo.png", p.FileName())
					assert.Equal(t, "image/png", p.Header.Get("Content-Type"))
				}
			}
			assert.Equal(t, c.wantFields, fields)
		})
	}
}

func TestParseCurl_Mistakes(t *testing.T) {
	for _, args := range [][]string{{"wget", "http://h/"}, {"curl"}, {"curl", "-H"}, {"curl", "-F", "novalue", "http://h/"}, {"curl", "-T", "missing", "http://h/"}} {
		_, err := parseCurl(args, os.ReadFile)
		assert.Error(t, err, "%v", args)
	}
}

func TestParseRaw_AsProxiesAndCurlVerboseShowIt(t *testing.T) {
	cases := []struct {
		name, in          string
		method, uri, host string
		header            http.Header
		body              string
	}{
		{name: "CRLF with body", in: "PUT /b/k?x=1 HTTP/1.1\r\nHost: h:9000\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
			method: "PUT", uri: "/b/k?x=1", host: "h:9000", header: http.Header{"Content-Type": {"text/plain"}}, body: "hello"},
		{name: "LF line ends, leading blank line", in: "\nGET /b/k HTTP/1.1\nHost: h\nX-Amz-Date: 20260101T000000Z\n\n",
			method: "GET", uri: "/b/k", host: "h", header: http.Header{"X-Amz-Date": {"20260101T000000Z"}}},
		{name: "curl -v", in: "* Connected to h\n> GET /b/k%20x HTTP/1.1\n> Host: h:9000\n> User-Agent: curl/8\n> Accept: */*\n>\n< HTTP/1.1 403 Forbidden\n",
			method: "GET", uri: "/b/k%20x", host: "h:9000", header: http.Header{"User-Agent": {"curl/8"}, "Accept": {"*/*"}}},
		{name: "proxy absolute form", in: "GET http://h:9000/b/k?a=b HTTP/1.1\r\nHost: h:9000\r\n\r\n",
			method: "GET", uri: "http://h:9000/b/k?a=b", host: "h:9000", header: http.Header{}},
		{name: "body without Content-Length", in: "PUT /b/k HTTP/1.1\nHost: h\n\nraw body",
			method: "PUT", uri: "/b/k", host: "h", header: http.Header{}, body: "raw body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := parseRaw([]byte(c.in), "raw")
			require.NoError(t, err)
			assert.Equal(t, c.method, r.Method)
			assert.Equal(t, c.uri, r.RequestURI)
			assert.Equal(t, c.host, r.Host)
			for k, v := range c.header {
				assert.Equal(t, v, r.Header[k], k)
			}
			b, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			assert.Equal(t, c.body, string(b))
		})
	}
	for _, bad := range []string{"", "not http\n\n", "PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nshort"} {
		_, err := parseRaw([]byte(bad), "raw")
		assert.Error(t, err, bad)
	}
}

func TestParseHAR_EntriesAsBrowsersRecordThem(t *testing.T) {
	har := `{"log": {"entries": [
	  {"request": {"method": "GET", "url": "https://example.test/", "headers": [{"name": "Accept", "value": "text/html"}]}},
	  {"request": {"method": "PUT", "url": "https://s3.test/b/k?X-Amz-Signature=ab", "httpVersion": "h2", "headers": [
	    {"name": ":method", "value": "PUT"}, {"name": ":authority", "value": "s3.test:8443"}, {"name": ":scheme", "value": "https"},
	    {"name": ":path", "value": "/b/k%2Bx?X-Amz-Signature=ab"}, {"name": "content-type", "value": "image/png"}, {"name": "content-length", "value": "3"}],
	    "postData": {"mimeType": "image/png", "text": "AQID", "encoding": "base64"}}},
	  {"request": {"method": "PUT", "url": "http://s3.test/b/k", "headers": [
	    {"name": "Authorization", "value": "AWS4-HMAC-SHA256 Credential=x"}, {"name": "Content-Length", "value": "1048576"}]}}
	]}}`
	all, notes, err := parseHAR([]byte(har), 0)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, []string{"HAR: 1 of 3 entries carry no S3 authentication and were skipped (select one with --entry N)"}, notes)

	h2 := all[0]
	assert.Equal(t, "HAR entry 2", h2.label)
	assert.Equal(t, "https://s3.test:8443/b/k%2Bx?X-Amz-Signature=ab", h2.url, "HTTP/2 pseudo-headers are what was sent")
	assert.Equal(t, []string{"content-type: image/png", "content-length: 3"}, h2.header)
	assert.Equal(t, []byte{1, 2, 3}, h2.body)

	noBody := all[1]
	assert.Equal(t, []string{"Authorization: AWS4-HMAC-SHA256 Credential=x"}, noBody.header, "a Content-Length without the recorded body is dropped")
	assert.Equal(t, []string{"HAR entry 3: the body was not recorded; body checks skipped"}, noBody.notes)

	one, _, err := parseHAR([]byte(har), 1)
	require.NoError(t, err)
	require.Len(t, one, 1)
	assert.Equal(t, "https://example.test/", one[0].url, "--entry selects an entry without S3 authentication too")

	for _, bad := range []struct {
		data  string
		entry int
	}{{"not json", 0}, {`{"log": {"entries": []}}`, 0}, {har, 4}} {
		_, _, err := parseHAR([]byte(bad.data), bad.entry)
		assert.Error(t, err, "%s --entry %d", bad.data, bad.entry)
	}
}
