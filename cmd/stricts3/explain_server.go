package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/stricts3/stricts3/emulator"
)

// `stricts3 explain --server URL --request-id ID` explains a request a
// running server recorded, from its inspector (GET
// /_stricts3/requests/{id}), instead of one given on the command line.

// explainsRecorded reports whether explain's arguments ask for a recorded
// request: any --server or --request-id flag before a "--" (after which
// comes a curl command line).
func explainsRecorded(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (name == "server" || name == "request-id") {
			return true
		}
	}
	return false
}

// maxRecordSize bounds what explain reads from the server: an entry's
// texts are clipped to a few tens of kilobytes there.
const maxRecordSize = 4 << 20

var explainServerEnv = envFlags{
	"server":    {"STRICTS3_SERVER", "AWS_ENDPOINT_URL"},
	"ca-bundle": {"STRICTS3_CA_BUNDLE", "AWS_CA_BUNDLE"},
}

type explainServerConfig struct {
	server    string
	requestID string
	json      bool
	timeout   time.Duration
	caBundle  string
}

func parseExplainServer(args []string, stderr io.Writer, getenv Getenv) (*explainServerConfig, error) {
	c := &explainServerConfig{}
	fs := newFlagSet("stricts3 explain", stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: stricts3 explain --server URL --request-id ID [--json]\n\n"+
			"Prints what a running strictS3 recorded about one request (its request\n"+
			"inspector, /_stricts3/requests/ID): the canonical request and string to\n"+
			"sign as received, the S3 error and its causes. The server answers\n"+
			"loopback clients only unless started with --inspector=open. Exit status:\n"+
			"0 accepted, 1 rejected (or served only by warn-only mode), 2 usage error.\n\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&c.server, "server", "", "endpoint of the running server, e.g. http://127.0.0.1:9000")
	fs.StringVar(&c.requestID, "request-id", "", "the request's x-amz-request-id (RequestId in an S3 error)")
	fs.BoolVar(&c.json, "json", false, "print the record as JSON")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "how long to wait for the server")
	fs.StringVar(&c.caBundle, "ca-bundle", "", "PEM file of the CA to trust for an https --server (serve --tls prints it as AWS_CA_BUNDLE)")
	envHelp(fs, explainServerEnv)
	rest, err := parseFlags(fs, args, getenv, explainServerEnv)
	if err != nil {
		return nil, err
	}
	switch {
	case len(rest) > 0:
		return nil, usageErrorf("explain --server takes no URL argument, got %q", rest)
	case c.server == "" || c.requestID == "":
		return nil, usageErrorf("explain needs both --server and --request-id")
	case c.timeout <= 0:
		return nil, usageErrorf("--timeout must be positive")
	}
	if u, err := url.Parse(c.server); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, usageErrorf("--server must be an http(s) URL, got %q", c.server)
	}
	return c, nil
}

// runExplainServer fetches and prints one recorded request.
func runExplainServer(ctx context.Context, args []string, stdout, stderr io.Writer, getenv Getenv) error {
	c, err := parseExplainServer(args, stderr, getenv)
	if err != nil {
		return err
	}
	raw, err := fetchRecord(ctx, c)
	if err != nil {
		return err
	}
	var rec emulator.InspectedRequest
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("the server's answer is not a recorded request: %w", err)
	}
	if c.json {
		_, err = stdout.Write(raw)
	} else {
		printRecord(stdout, &rec)
	}
	if err != nil {
		return err
	}
	if rec.Code != "" {
		return &exitError{code: exitRejected, quiet: true}
	}
	return nil
}

func fetchRecord(ctx context.Context, c *explainServerConfig) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := strings.TrimSuffix(c.server, "/") + emulator.ControlPrefix + "requests/" + url.PathEscape(c.requestID)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, usageErrorf("--server: %v", err)
	}
	client, err := httpsClient(c.caBundle)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reaching the server: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRecordSize))
	if err != nil {
		return nil, fmt.Errorf("reading the server's answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		why := resp.Header.Get("X-Stricts3-Diagnosis")
		if why == "" {
			why = strings.TrimSpace(string(body))
		}
		return nil, fmt.Errorf("%s answered %s: %s", u, resp.Status, why)
	}
	return body, nil
}

// printRecord prints a recorded request in the layout of explain <url>.
func printRecord(w io.Writer, rec *emulator.InspectedRequest) {
	fmt.Fprintf(w, "== Request %s (recorded at %s)\n", rec.ID, rec.Time.Format(time.RFC3339))
	target := rec.Path
	if rec.Query != "" {
		target += "?" + rec.Query
	}
	fmt.Fprintf(w, "%s %s\n", rec.Method, target)
	fmt.Fprintf(w, "Operation: %s\nStatus: %d\n\n", rec.Operation, rec.Status)
	fmt.Fprintf(w, "== Authentication: %s\n", orNone(rec.Auth))
	if rec.AccessKeyID != "" {
		fmt.Fprintf(w, "Access key: %s\n", rec.AccessKeyID)
	}
	if rec.CanonicalRequest != "" {
		fmt.Fprintf(w, "\n== CanonicalRequest\n%s\n", rec.CanonicalRequest)
	}
	if rec.StringToSign != "" {
		fmt.Fprintf(w, "\n== StringToSign\n%s\n", rec.StringToSign)
	}
	fmt.Fprintln(w)
	switch {
	case rec.Code == "":
		fmt.Fprintln(w, "OK: accepted")
		return
	case rec.Warned:
		fmt.Fprintf(w, "SERVED IN WARN-ONLY MODE; strict mode answers: %s\n", rec.Code)
		if rec.ServedCode != "" {
			fmt.Fprintf(w, "then answered: %s\n", rec.ServedCode)
		}
	default:
		fmt.Fprintf(w, "REJECTED: %d %s\n", rec.Status, rec.Code)
	}
	fmt.Fprintf(w, "Message: %s\n", rec.Message)
	if rec.Diagnosis != "" {
		fmt.Fprintf(w, "Diagnosis: %s\n", rec.Diagnosis)
	}
	printCauses(w, rec)
}

func printCauses(w io.Writer, rec *emulator.InspectedRequest) {
	causes := rec.Causes
	for _, warning := range rec.Warnings[min(1, len(rec.Warnings)):] {
		causes = append(causes, warning.Causes...)
	}
	if len(causes) == 0 {
		return
	}
	fmt.Fprintln(w, "Causes:")
	for _, c := range causes {
		fmt.Fprintf(w, "  - %s: %s\n", c.ID, c.Message)
		keys := make([]string, 0, len(c.Evidence))
		for k := range c.Evidence {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "      %s: %s\n", k, c.Evidence[k])
		}
	}
}

// httpsClient trusts caBundle's certificates, or the system's when it is "".
func httpsClient(caBundle string) (*http.Client, error) {
	if caBundle == "" {
		return http.DefaultClient, nil
	}
	pem, err := os.ReadFile(caBundle)
	if err != nil {
		return nil, fmt.Errorf("--ca-bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--ca-bundle: %s holds no PEM certificate", caBundle)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}, nil
}
