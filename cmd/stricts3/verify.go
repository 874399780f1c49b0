package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// clientEnv binds the flags a client-side command (presign, verify,
// explain) shares. The STRICTS3_* variables match `serve`; the AWS_* ones
// are what serve's export line sets, so a shell prepared for the SDK works.
var clientEnv = envFlags{
	"region":     {"STRICTS3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"},
	"access-key": {"STRICTS3_ACCESS_KEY", "AWS_ACCESS_KEY_ID"},
	"secret-key": {"STRICTS3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY"},
}

// verifyEnv adds the server's base domain to the client variables.
var verifyEnv = withEnv(clientEnv, envFlags{"domain": {"STRICTS3_DOMAIN"}})

// credentialFlags are the signing identity presign signs with and
// verify checks against.
type credentialFlags struct {
	region, accessKey, secretKey string
}

func (c *credentialFlags) register(fs interface {
	StringVar(p *string, name, value, usage string)
}) {
	fs.StringVar(&c.region, "region", defaultRegion, "region")
	fs.StringVar(&c.accessKey, "access-key", defaultAccessKey, "access key id")
	fs.StringVar(&c.secretKey, "secret-key", defaultSecretKey, "secret access key")
}

// fixedClock is the verifier's clock for verify/explain: the moment the
// user asked about (--now), or the moment the command started.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// verifyConfig is what verify and explain are asked.
type verifyConfig struct {
	credentialFlags
	rawURL  string
	method  string
	headers headerFlag
	domain  string
	now     time.Time
}

func parseVerify(name string, args []string, stderr io.Writer, getenv Getenv) (*verifyConfig, error) {
	c := &verifyConfig{}
	var now string
	fs := newFlagSet("stricts3 "+name, stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: stricts3 %s <url> [--method GET] [-H 'Name: value']... [--now RFC3339]\n\n", name)
		fmt.Fprint(stderr, "Checks a request's authentication as strictS3 (and S3) would: signature,\n"+
			"credential scope, expiry, signed headers. The body is not read. Exit status:\n"+
			"0 accepted, 1 rejected, 2 usage error.\n\n")
		fs.PrintDefaults()
	}
	c.register(fs)
	fs.StringVar(&c.method, "method", http.MethodGet, "HTTP method of the request")
	fs.Var(&c.headers, "H", "request header 'Name: value' (repeatable)")
	fs.StringVar(&c.domain, "domain", defaultDomain, "virtual-hosted base domain of the server (SigV2 signs the bucket from <bucket>.<domain>)")
	fs.StringVar(&now, "now", "", "check as of this time (RFC 3339, e.g. 2026-11-26T10:00:00Z; default: now)")
	envHelp(fs, verifyEnv)
	rest, err := parseFlags(fs, args, getenv, verifyEnv)
	if err != nil {
		return nil, err
	}
	if len(rest) != 1 {
		fs.Usage()
		return nil, usageErrorf("%s takes exactly one URL", name)
	}
	c.rawURL = rest[0]
	c.method = strings.ToUpper(c.method)
	c.now = time.Now()
	if now != "" {
		if c.now, err = time.Parse(time.RFC3339, now); err != nil {
			return nil, usageErrorf("--now: %v", err)
		}
	}
	return c, nil
}

// buildRequest turns the URL, method and headers into the request a server
// would see: it writes the HTTP/1.1 message and reads it back with the
// server's parser, so the path, query and Host arrive exactly as on the wire.
func buildRequest(c *verifyConfig) (*http.Request, error) {
	u, err := url.Parse(c.rawURL)
	if err != nil {
		return nil, usageErrorf("url: %v", err)
	}
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, usageErrorf("url must be absolute http(s)://host/path, got %q", c.rawURL)
	}
	if strings.ContainsAny(c.method, " \r\n") || c.method == "" {
		return nil, usageErrorf("invalid --method %q", c.method)
	}
	target := requestTarget(c.rawURL)
	host := u.Host
	var lines strings.Builder
	for _, h := range c.headers {
		name, value, _ := strings.Cut(h, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if strings.ContainsAny(name+value, "\r\n") {
			return nil, usageErrorf("header %q: line break in header", name)
		}
		if strings.EqualFold(name, "Host") {
			// -H 'Host: …' overrides the URL's host, as with curl.
			host = value
			continue
		}
		fmt.Fprintf(&lines, "%s: %s\r\n", name, value)
	}
	msg := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", c.method, target, host, lines.String())
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(msg)))
	if err != nil {
		return nil, usageErrorf("cannot form a request from the URL and headers: %v", err)
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

// runVerify checks one request the way the emulator would and prints the
// verdict; explain also prints each signing step. Exit status 0 means S3
// would accept the request, 1 that it would reject it.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer, getenv Getenv, explain bool) error {
	name := "verify"
	if explain {
		name = "explain"
	}
	c, err := parseVerify(name, args, stderr, getenv)
	if err != nil {
		return err
	}
	r, err := buildRequest(c)
	if err != nil {
		return err
	}
	r = r.WithContext(ctx)
	v := verifier.New(verifier.Config{
		Region: c.region,
		Credentials: verifier.NewStaticCredentials(verifier.Credential{
			AccessKeyID:     c.accessKey,
			SecretAccessKey: c.secretKey,
		}),
		Clock:      fixedClock(c.now),
		BaseDomain: c.domain,
	})
	// Explain runs exactly Authenticate's checks and keeps the steps.
	ex := v.Explain(r)
	if explain {
		printExplanation(stdout, r, ex)
	}
	res, authErr := ex.Result, ex.Err
	if authErr != nil {
		e, ok := s3err.As(authErr)
		if !ok {
			return fmt.Errorf("verifier: %w", authErr)
		}
		printRejection(stdout, e, explain)
		return &exitError{code: exitRejected, quiet: true}
	}
	printAccepted(stdout, res)
	return nil
}

func printAccepted(w io.Writer, res *verifier.Result) {
	id := res.Identity
	if id.Anonymous() {
		fmt.Fprintln(w, "OK: anonymous request (no signature); S3 would still refuse it on a private bucket")
		return
	}
	fmt.Fprintf(w, "OK: %s request signed by %s\n", id.Auth, id.AccessKeyID)
}

// printRejection prints the S3 error as its XML would carry it, and the
// diagnosis. explained skips the signing steps printExplanation just showed.
func printRejection(w io.Writer, e *s3err.Error, explained bool) {
	fmt.Fprintf(w, "REJECTED: %d %s\n", e.Status, e.Code)
	fmt.Fprintf(w, "Message: %s\n", e.Message)
	for _, el := range e.Extra {
		if strings.HasSuffix(el.Name, "Bytes") {
			// The hex dumps repeat StringToSign/CanonicalRequest; skip noise.
			continue
		}
		if explained && (el.Name == "StringToSign" || el.Name == "CanonicalRequest" || el.Name == "SignatureProvided") {
			continue
		}
		if strings.Contains(el.Value, "\n") {
			fmt.Fprintf(w, "%s:\n%s\n", el.Name, indent(el.Value))
			continue
		}
		fmt.Fprintf(w, "%s: %s\n", el.Name, el.Value)
	}
	if e.Diagnosis != "" {
		fmt.Fprintf(w, "Diagnosis: %s\n", e.Diagnosis)
	}
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
