package main

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// curlValueFlags are the curl options that take an argument strictS3 does
// not use; the argument is skipped with the option.
var curlValueFlags = map[string]bool{
	"-o": true, "--output": true, "-w": true, "--write-out": true, "-m": true, "--max-time": true,
	"--connect-timeout": true, "-x": true, "--proxy": true, "-c": true, "--cookie-jar": true,
	"--cacert": true, "--cert": true, "--key": true, "-E": true, "-r": true, "--range": true,
	"--retry": true, "-D": true, "--dump-header": true, "--resolve": true, "--connect-to": true,
	"--aws-sigv4": true, "-K": true, "--config": true, "--limit-rate": true, "-Y": true, "-y": true,
	"--interface": true, "--trace": true, "--trace-ascii": true, "-z": true, "--time-cond": true,
}

// curlQuietFlags are options without an argument that change nothing a
// server sees; they are ignored without a note.
var curlQuietFlags = map[string]bool{
	"-s": true, "--silent": true, "-S": true, "--show-error": true, "-v": true, "--verbose": true,
	"-L": true, "--location": true, "-k": true, "--insecure": true, "-i": true, "--include": true,
	"-f": true, "--fail": true, "--compressed": true, "-#": true, "--progress-bar": true,
	"-O": true, "--remote-name": true, "--http1.1": true, "--http2": true, "-N": true, "--no-buffer": true,
	"--fail-with-body": true,
}

// isShortFlagGroup reports a group of argument-less short options, such as
// -sSL or -sI.
func isShortFlagGroup(a string) bool {
	if len(a) < 3 || a[0] != '-' || a[1] == '-' {
		return false
	}
	for _, c := range a[1:] {
		if !strings.ContainsRune("sSvLkifNOIG#", c) {
			return false
		}
	}
	return true
}

// parseCurl reads a curl command line (argv, "curl" first) into the
// request curl would send: -X, -H, -d/--data*/--data-binary (with @file),
// -T, -F form fields (a multipart POST upload), --url, -I, -G, -A, -e, -b.
// Unknown options are ignored with a note. readFile reads @file and -T
// arguments (relative to the working directory).
func parseCurl(args []string, readFile func(string) ([]byte, error)) (*capturedRequest, error) {
	if len(args) == 0 || filepath.Base(args[0]) != "curl" && filepath.Base(args[0]) != "curl.exe" {
		return nil, usageErrorf(`a curl command starts with "curl", got %q`, strings.Join(args, " "))
	}
	c := &capturedRequest{label: "curl"}
	var data [][]byte
	var form []curlFormField
	var upload []byte
	uploading, head, get := false, false, false
	contentType := ""
	next := func(i *int, flag string) (string, error) {
		if *i+1 >= len(args) {
			return "", usageErrorf("curl: %s needs an argument", flag)
		}
		*i++
		return args[*i], nil
	}
	for i := 1; i < len(args); i++ {
		a := args[i]
		flag, inline, hasInline := a, "", false
		if strings.HasPrefix(a, "--") {
			flag, inline, hasInline = strings.Cut(a, "=")
		} else if len(a) > 2 && a[0] == '-' && strings.IndexByte("XHdTFeAb", a[1]) >= 0 {
			// Short options take their argument attached: -XPUT, -H'X: y'.
			flag, inline, hasInline = a[:2], a[2:], true
		}
		arg := func() (string, error) {
			if hasInline {
				return inline, nil
			}
			return next(&i, flag)
		}
		var err error
		var v string
		switch {
		case !strings.HasPrefix(a, "-") || a == "-":
			if c.url != "" {
				c.notes = append(c.notes, fmt.Sprintf("curl: extra URL %q ignored; strictS3 judges the first", a))
				continue
			}
			c.url = a
		case flag == "--url":
			if v, err = arg(); err == nil {
				c.url = v
			}
		case flag == "-X" || flag == "--request":
			if v, err = arg(); err == nil {
				c.method = strings.ToUpper(v)
			}
		case flag == "-H" || flag == "--header":
			if v, err = arg(); err == nil {
				name, value, ok := strings.Cut(v, ":")
				switch {
				case !ok:
					c.notes = append(c.notes, fmt.Sprintf("curl: header %q has no ':' and was ignored", v))
				case strings.TrimSpace(value) == "" && !strings.HasSuffix(name, ";"):
					// curl: "-H 'Name:'" removes the header curl would add.
					if strings.EqualFold(strings.TrimSpace(name), "Content-Type") {
						contentType = "-"
					}
				default:
					c.header = append(c.header, strings.TrimSpace(name)+": "+strings.TrimSpace(value))
					if strings.EqualFold(strings.TrimSpace(name), "Content-Type") {
						contentType = strings.TrimSpace(value)
					}
				}
			}
		case flag == "-d" || flag == "--data" || flag == "--data-ascii" || flag == "--data-binary" || flag == "--data-raw" || flag == "--data-urlencode":
			if v, err = arg(); err == nil {
				var d []byte
				d, err = curlData(flag, v, readFile)
				data = append(data, d)
			}
		case flag == "-T" || flag == "--upload-file":
			if v, err = arg(); err == nil {
				uploading = true
				upload, err = readFile(v)
				if err == nil && c.url != "" && strings.HasSuffix(c.url, "/") {
					c.url += url.PathEscape(filepath.Base(v)) // curl appends the file name to a URL ending in '/'
				}
			}
		case flag == "-F" || flag == "--form" || flag == "--form-string":
			if v, err = arg(); err == nil {
				var f curlFormField
				f, err = parseCurlForm(v, flag == "--form-string", readFile)
				form = append(form, f)
			}
		case flag == "-I" || flag == "--head":
			head = true
		case flag == "-G" || flag == "--get":
			get = true
		case flag == "-A" || flag == "--user-agent":
			if v, err = arg(); err == nil {
				c.header = append(c.header, "User-Agent: "+v)
			}
		case flag == "-e" || flag == "--referer":
			if v, err = arg(); err == nil {
				c.header = append(c.header, "Referer: "+v)
			}
		case flag == "-b" || flag == "--cookie":
			if v, err = arg(); err == nil {
				c.header = append(c.header, "Cookie: "+v)
			}
		case flag == "-u" || flag == "--user":
			if _, err = arg(); err == nil {
				c.notes = append(c.notes, "curl: -u (basic auth) ignored: S3 does not read it")
			}
		case curlValueFlags[flag]:
			if !hasInline {
				_, err = next(&i, flag)
			}
		case curlQuietFlags[a]:
		case isShortFlagGroup(a):
			head = head || strings.Contains(a, "I")
			get = get || strings.Contains(a, "G")
		default:
			c.notes = append(c.notes, fmt.Sprintf("curl: option %s ignored", a))
		}
		if err != nil {
			return nil, err
		}
	}
	if c.url == "" {
		return nil, usageErrorf("curl: no URL in the command")
	}
	if !strings.Contains(c.url, "://") {
		c.url = "http://" + c.url // curl's default scheme
	}
	method := ""
	switch {
	case len(form) > 0:
		body, ct, err := curlMultipart(form)
		if err != nil {
			return nil, err
		}
		c.body, method = body, http.MethodPost
		if contentType == "" {
			c.header = append(c.header, "Content-Type: "+ct)
		}
	case get && len(data) > 0:
		sep := "?"
		if strings.Contains(c.url, "?") {
			sep = "&"
		}
		c.url += sep + string(bytes.Join(data, []byte("&")))
	case len(data) > 0:
		c.body, method = bytes.Join(data, []byte("&")), http.MethodPost
		if contentType == "" {
			c.header = append(c.header, "Content-Type: application/x-www-form-urlencoded")
		}
	case uploading:
		c.body, method = upload, http.MethodPut
	case head:
		method = http.MethodHead
	}
	if c.method == "" {
		c.method = method
	}
	return c, nil
}

// curlData is one -d style argument as curl sends it: @file read (with
// line breaks dropped for -d/--data/--data-ascii, kept for --data-binary),
// --data-raw literal, --data-urlencode encoded.
func curlData(flag, v string, readFile func(string) ([]byte, error)) ([]byte, error) {
	switch flag {
	case "--data-raw":
		return []byte(v), nil
	case "--data-urlencode":
		name, content, ok := strings.Cut(v, "=")
		if !ok {
			return []byte(url.QueryEscape(v)), nil
		}
		if name == "" {
			return []byte(url.QueryEscape(content)), nil
		}
		return []byte(name + "=" + url.QueryEscape(content)), nil
	}
	if !strings.HasPrefix(v, "@") {
		return []byte(v), nil
	}
	b, err := readFile(strings.TrimPrefix(v, "@"))
	if err != nil {
		return nil, usageErrorf("curl %s: %v", flag, err)
	}
	if flag != "--data-binary" {
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r"), nil), []byte("\n"), nil)
	}
	return b, nil
}

// curlFormField is one -F name=value, name=@file or name=<file.
type curlFormField struct {
	name, value, filename, contentType string
	file                               bool
}

func parseCurlForm(v string, literal bool, readFile func(string) ([]byte, error)) (curlFormField, error) {
	name, value, ok := strings.Cut(v, "=")
	if !ok {
		return curlFormField{}, usageErrorf("curl -F: want name=value, got %q", v)
	}
	f := curlFormField{name: name, value: value}
	if literal || value == "" || (value[0] != '@' && value[0] != '<') {
		return f, nil
	}
	path, params, _ := strings.Cut(value[1:], ";")
	b, err := readFile(path)
	if err != nil {
		return f, usageErrorf("curl -F %s: %v", name, err)
	}
	f.value, f.file = string(b), value[0] == '@'
	if f.file {
		f.filename = filepath.Base(path)
	}
	for _, p := range strings.Split(params, ";") {
		k, val, _ := strings.Cut(p, "=")
		switch strings.TrimSpace(k) {
		case "type":
			f.contentType = val
		case "filename":
			f.filename = strings.Trim(val, `"`)
		}
	}
	return f, nil
}

// curlMultipart encodes the fields in order, as curl does (a file part
// gets its file name and application/octet-stream unless ;type= says).
func curlMultipart(fields []curlFormField) ([]byte, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, f := range fields {
		h := textproto.MIMEHeader{}
		if f.file {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, f.name, f.filename))
			ct := f.contentType
			if ct == "" {
				ct = "application/octet-stream"
			}
			h.Set("Content-Type", ct)
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, f.name))
			if f.contentType != "" {
				h.Set("Content-Type", f.contentType)
			}
		}
		p, err := w.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		if _, err := p.Write([]byte(f.value)); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), w.FormDataContentType(), nil
}

// readInputFile reads a file named in the input ("-" is stdin), at most
// limit bytes.
func readInputFile(limit int64, stdin func() ([]byte, error)) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if name == "-" {
			return stdin()
		}
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readLimited(f, limit, name)
	}
}
