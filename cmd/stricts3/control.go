package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// controlPrefix is the server's reserved control path (emulator.ControlPrefix).
const controlPrefix = "/_stricts3/"

// maxControlAnswer bounds what the control commands read from a server.
const maxControlAnswer = 1 << 20

// controlEnv binds the flags the control commands (health, clock, reset)
// share: the server's endpoint, the owner key that signs, and the CA to
// trust over TLS — the variables serve's export line sets.
var controlEnv = withEnv(clientEnv, envFlags{
	"endpoint":  {"STRICTS3_ENDPOINT", "AWS_ENDPOINT_URL"},
	"ca-bundle": {"AWS_CA_BUNDLE"},
	"timeout":   {"STRICTS3_CONTROL_TIMEOUT"},
})

// controlFlags are a control command's connection and signing settings.
type controlFlags struct {
	credentialFlags
	endpoint string
	caBundle string
	timeout  time.Duration
}

func (c *controlFlags) register(fs *flag.FlagSet, getenv Getenv) {
	c.credentialFlags.register(fs)
	fs.StringVar(&c.endpoint, "endpoint", defaultControlEndpoint(getenv), "server URL")
	fs.StringVar(&c.caBundle, "ca-bundle", defaultControlCABundle(getenv), "PEM file of the CA to trust for an https endpoint (serve --tls prints it)")
	fs.DurationVar(&c.timeout, "timeout", 5*time.Second, "how long the whole command may take")
}

// defaultControlEndpoint is the server a control command talks to when no
// --endpoint (or STRICTS3_ENDPOINT, AWS_ENDPOINT_URL) is given: the one
// STRICTS3_ADDR and STRICTS3_TLS describe, as inside the container, where
// `stricts3 health` runs beside `stricts3 serve` with the same environment.
func defaultControlEndpoint(getenv Getenv) string {
	addr := getenv("STRICTS3_ADDR")
	if addr == "" {
		return defaultEndpoint
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return defaultEndpoint
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	scheme := "http"
	if on, _ := strconv.ParseBool(getenv("STRICTS3_TLS")); on {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// parseControl resolves a control command's flags and environment and
// returns its positional arguments.
func parseControl(name, usage string, args []string, stderr io.Writer, getenv Getenv) (*controlFlags, []string, error) {
	c := &controlFlags{}
	fs := newFlagSet("stricts3 "+name, stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	c.register(fs, getenv)
	envHelp(fs, controlEnv)
	rest, err := parseFlags(fs, args, getenv, controlEnv)
	if err != nil {
		return nil, nil, err
	}
	return c, rest, c.validate()
}

// defaultControlCABundle is the CA a `serve --tls` started with the same
// environment trusts its clients to use (STRICTS3_CERT_OUT, else the
// authority kept in STRICTS3_DATA_DIR), so that `stricts3 health` in a TLS
// container trusts its own server without AWS_CA_BUNDLE. Without either,
// serve wrote its CA to a temp file of a name of its own (so that no other
// process can plant or overwrite it) and printed that name as
// AWS_CA_BUNDLE; with a user certificate (STRICTS3_CERT) its CA is unknown.
func defaultControlCABundle(getenv Getenv) string {
	if out := getenv("STRICTS3_CERT_OUT"); out != "" {
		return out
	}
	if on, _ := strconv.ParseBool(getenv("STRICTS3_TLS")); !on || getenv("STRICTS3_CERT") != "" {
		return ""
	}
	if dir := getenv("STRICTS3_DATA_DIR"); dir != "" {
		return filepath.Join(dir, tlsDirName, caCertName)
	}
	return ""
}

func (c *controlFlags) validate() error {
	u, err := url.Parse(c.endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return usageErrorf("--endpoint must be an http(s) URL, got %q", c.endpoint)
	}
	if c.timeout <= 0 {
		return usageErrorf("--timeout must be positive")
	}
	return nil
}

// controlClient talks to one server's control API.
type controlClient struct {
	flags controlFlags
	http  *http.Client
	base  string
}

func newControlClient(c controlFlags) (*controlClient, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil // the server is local; a proxy would only get in the way
	if c.caBundle != "" {
		pem, err := os.ReadFile(c.caBundle)
		if err != nil {
			return nil, usageErrorf("--ca-bundle: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, usageErrorf("--ca-bundle: %s holds no PEM certificate", c.caBundle)
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &controlClient{
		flags: c,
		http:  &http.Client{Transport: transport, Timeout: c.timeout},
		base:  strings.TrimSuffix(c.endpoint, "/"),
	}, nil
}

// get fetches an open endpoint and decodes its JSON answer into out.
func (cc *controlClient) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cc.base+controlPrefix+path, nil)
	if err != nil {
		return err
	}
	return cc.do(req, out)
}

// post sends an owner-signed POST with query and decodes the answer. It
// signs at the server's time, read first from the open clock endpoint: once
// the server's clock has moved more than 15 minutes, a request signed at
// this machine's time would be RequestTimeTooSkewed.
func (cc *controlClient) post(ctx context.Context, path string, query url.Values, out any) error {
	var clock struct {
		Now time.Time `json:"now"`
	}
	if err := cc.get(ctx, "clock", &clock); err != nil {
		return err
	}
	target := cc.base + controlPrefix + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, http.NoBody)
	if err != nil {
		return err
	}
	const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	creds := aws.Credentials{AccessKeyID: cc.flags.accessKey, SecretAccessKey: cc.flags.secretKey}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(ctx, creds, req, emptySHA256, "s3", cc.flags.region, clock.Now); err != nil {
		return err
	}
	return cc.do(req, out)
}

// do sends req and decodes a 200 answer into out; any other answer becomes
// an error carrying S3's code, message and the server's diagnosis.
func (cc *controlClient) do(req *http.Request, out any) error {
	resp, err := cc.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxControlAnswer))
	if err != nil {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return controlAnswerError(req, resp, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not the control API's JSON (is %s a strictS3 server?): %v", req.Method, req.URL.Path, cc.base, err)
	}
	return nil
}

// controlAnswerError describes a refused control request.
func controlAnswerError(req *http.Request, resp *http.Response, body []byte) error {
	var e struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	msg := fmt.Sprintf("%s %s: %s", req.Method, req.URL.Path, resp.Status)
	if xml.Unmarshal(body, &e) == nil && e.Code != "" {
		msg += fmt.Sprintf(" %s: %s", e.Code, e.Message)
	}
	if d := resp.Header.Get("X-Stricts3-Diagnosis"); d != "" {
		msg += " (" + d + ")"
	}
	return errors.New(msg)
}
