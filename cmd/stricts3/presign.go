package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// presignEnv adds the endpoint to the client variables: serve's export line
// sets AWS_ENDPOINT_URL, so presign finds the server it printed.
var presignEnv = withEnv(clientEnv, envFlags{"endpoint": {"STRICTS3_ENDPOINT", "AWS_ENDPOINT_URL"}})

// presignConfig is what `stricts3 presign` is asked.
type presignConfig struct {
	credentialFlags
	op          string // get, put, delete or post
	bucket, key string
	endpoint    string
	expires     time.Duration
	contentType string
	maxSize     int64
	html        bool
	pathStyle   bool
	now         time.Time
}

const presignUsage = `usage: stricts3 presign get|put|delete|post s3://bucket/key [flags]

Prints a pre-signed URL (get, put, delete), or for post the form's URL and
fields as JSON (or, with --html, a page with the upload form).
`

func parsePresign(args []string, stderr io.Writer, getenv Getenv) (*presignConfig, error) {
	c := &presignConfig{}
	var expires, maxSize, now string
	fs := newFlagSet("stricts3 presign", stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, presignUsage)
		fs.PrintDefaults()
	}
	c.register(fs)
	fs.StringVar(&c.endpoint, "endpoint", defaultEndpoint, "server URL")
	fs.StringVar(&expires, "expires", "15m", "validity: a duration (15m, 2h, 168h) or seconds; at most 7 days")
	fs.StringVar(&c.contentType, "content-type", "", "put: signed Content-Type the upload must send; post: the form's Content-Type (exact)")
	fs.StringVar(&maxSize, "max-size", "", "post: largest accepted file (bytes, or with K/M/G, KiB/MiB/GiB)")
	fs.BoolVar(&c.html, "html", false, "post: print an HTML page with the upload form instead of JSON")
	fs.BoolVar(&c.pathStyle, "path-style", true, "address the bucket in the path (http://host/bucket/key); false: virtual-hosted (http://bucket.host/key)")
	fs.StringVar(&now, "now", "", "sign as of this time (RFC 3339; default: now)")
	envHelp(fs, presignEnv)
	rest, err := parseFlags(fs, args, getenv, presignEnv)
	if err != nil {
		return nil, err
	}
	if len(rest) != 2 {
		fs.Usage()
		return nil, usageErrorf("presign takes an operation and an s3://bucket/key URL")
	}
	c.op = strings.ToLower(rest[0])
	switch c.op {
	case "get", "put", "delete", "post":
	default:
		return nil, usageErrorf("unknown presign operation %q: want get, put, delete or post", rest[0])
	}
	if c.bucket, c.key, err = parseS3URL(rest[1]); err != nil {
		return nil, err
	}
	if c.expires, err = parseExpires(expires); err != nil {
		return nil, err
	}
	if maxSize != "" {
		if c.op != "post" {
			return nil, usageErrorf("--max-size applies to post only")
		}
		if c.maxSize, err = parseSize(maxSize); err != nil {
			return nil, usageErrorf("--max-size: %v", err)
		}
	}
	if c.html && c.op != "post" {
		return nil, usageErrorf("--html applies to post only")
	}
	if c.contentType != "" && c.op != "put" && c.op != "post" {
		return nil, usageErrorf("--content-type applies to put and post only")
	}
	if u, err := url.Parse(c.endpoint); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, usageErrorf("--endpoint must be an http(s) URL, got %q", c.endpoint)
	}
	if now != "" {
		if c.now, err = time.Parse(time.RFC3339, now); err != nil {
			return nil, usageErrorf("--now: %v", err)
		}
	}
	return c, nil
}

// parseS3URL splits s3://bucket/key. The key is taken literally (after the
// first slash), as the aws CLI does: s3://b/a%20b names the key "a%20b".
func parseS3URL(s string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return "", "", usageErrorf("want s3://bucket/key, got %q", s)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" || key == "" {
		return "", "", usageErrorf("want s3://bucket/key with a bucket and a key, got %q", s)
	}
	return bucket, key, nil
}

// maxPresignExpiry is SigV4's limit: X-Amz-Expires must be at most 604800.
const maxPresignExpiry = 7 * 24 * time.Hour

// parseExpires reads a Go duration ("15m") or a number of seconds ("900").
func parseExpires(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		n, nerr := strconv.ParseInt(s, 10, 64)
		if nerr != nil {
			return 0, usageErrorf("--expires: want a duration such as 15m or a number of seconds, got %q", s)
		}
		d = time.Duration(n) * time.Second
	}
	if d < time.Second || d%time.Second != 0 {
		return 0, usageErrorf("--expires must be whole seconds, at least 1s, got %s", s)
	}
	if d > maxPresignExpiry {
		return 0, usageErrorf("--expires must be at most 7 days (604800 seconds), as S3 requires; got %s", s)
	}
	return d, nil
}

// parseSize reads a byte count with an optional decimal (K, M, G; KB…) or
// binary (KiB, MiB, GiB) unit.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9},
		{"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"b", 1},
	}
	lower := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range units {
		if n, ok := strings.CutSuffix(lower, u.suffix); ok {
			lower, mult = strings.TrimSpace(n), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(lower, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a non-negative size such as 1048576, 10MB or 5MiB, got %q", s)
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return n * mult, nil
}

func runPresign(ctx context.Context, args []string, stdout, stderr io.Writer, getenv Getenv) error {
	c, err := parsePresign(args, stderr, getenv)
	if err != nil {
		return err
	}
	if c.op != "post" {
		u, headers, err := presignURL(ctx, c)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, u)
		printRequiredHeaders(stderr, headers)
		return nil
	}
	form, err := presignPost(ctx, c)
	if err != nil {
		return err
	}
	if c.html {
		_, err = io.WriteString(stdout, form.HTML())
		return err
	}
	out, err := formJSON(form)
	if err != nil {
		return err
	}
	_, err = stdout.Write(out)
	return err
}

// printRequiredHeaders tells the user which signed headers the request must
// carry besides Host; stdout stays the bare URL for scripts.
func printRequiredHeaders(w io.Writer, headers http.Header) {
	var names []string
	for n := range headers {
		if !strings.EqualFold(n, "Host") {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	fmt.Fprintln(w, "The request must send these signed headers:")
	for _, n := range names {
		for _, v := range headers[n] {
			fmt.Fprintf(w, "  -H '%s: %s'\n", n, v)
		}
	}
}
