package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/stricts3/stricts3/emulator"
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

// verifyEnv adds the server's base domain and key file to the client
// variables.
var verifyEnv = withEnv(clientEnv, envFlags{"domain": {"STRICTS3_DOMAIN"}, "credentials": {"STRICTS3_CREDENTIALS"}})

// defaultMaxInput bounds what verify/explain read from a file or stdin.
const defaultMaxInput = 64 << 20

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
	explain     bool
	jsonOut     bool
	positional  []string
	method      string
	headers     headerFlag
	domain      string
	credentials string
	rawFile     string
	harFile     string
	curlFile    string
	entry       int
	maxInput    int64
	now         time.Time
	stdin       io.Reader
}

const verifyUsage = `usage: stricts3 %[1]s <url> [--method GET] [-H 'Name: value']...
       stricts3 %[1]s [flags] -- curl <curl arguments>     (as "Copy as cURL" gives it)
       stricts3 %[1]s [flags] --curl FILE|-                (a curl command line in a file)
       stricts3 %[1]s [flags] --raw FILE|-                 (a raw HTTP/1.1 request)
       stricts3 %[1]s [flags] --har FILE [--entry N]       (a browser HAR export)

Judges requests exactly as 'stricts3 serve' would: signature, credential
scope, expiry, signed headers, session token, the key's policy for the
request's action, pre-signed POST forms, and a body's payload hash and
checksums. Every refusal names its causes (stable ids, see the README).
Exit status: 0 every request accepted, 1 one or more refused, 2 usage error.

`

func parseVerify(name string, args []string, stderr io.Writer, getenv Getenv) (*verifyConfig, error) {
	c := &verifyConfig{explain: name == "explain"}
	var now string
	fs := newFlagSet("stricts3 "+name, stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, verifyUsage, name)
		fs.PrintDefaults()
	}
	c.register(fs)
	fs.StringVar(&c.method, "method", "", "HTTP method of a <url> request (default GET)")
	fs.Var(&c.headers, "H", "request header 'Name: value' of a <url> request (repeatable)")
	fs.StringVar(&c.domain, "domain", defaultDomain, "virtual-hosted base domain of the server (SigV2 signs the bucket from <bucket>.<domain>)")
	fs.StringVar(&c.credentials, "credentials", "", "JSON file of keys with policies, as 'serve --credentials' reads it (replaces --access-key/--secret-key)")
	fs.StringVar(&c.rawFile, "raw", "", "read a raw HTTP/1.1 request from FILE ('-' for stdin)")
	fs.StringVar(&c.harFile, "har", "", "read the requests of a HAR export from FILE")
	fs.StringVar(&c.curlFile, "curl", "", "read a curl command line from FILE ('-' for stdin)")
	fs.IntVar(&c.entry, "entry", 0, "with --har: judge only entry N (1 is the first); default every entry that carries S3 authentication")
	fs.Int64Var(&c.maxInput, "max-input", defaultMaxInput, "most bytes read from an input file, a body file or stdin")
	fs.BoolVar(&c.jsonOut, "json", false, "print one JSON object per request instead of text")
	fs.StringVar(&now, "now", "", "judge as of this time (RFC 3339, e.g. 2026-11-26T10:00:00Z; default: now)")
	envHelp(fs, verifyEnv)
	// After "--" comes a curl command, whose options are curl's.
	var command []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, command = args[:i], args[i+1:]
	}
	rest, err := parseFlags(fs, args, getenv, verifyEnv)
	if err != nil {
		return nil, err
	}
	if command != nil {
		if len(rest) > 0 {
			return nil, usageErrorf("%s: %q before -- is not a flag; the curl command goes after --", name, rest[0])
		}
		rest = command
	}
	if len(rest) == 1 && strings.HasPrefix(strings.TrimSpace(rest[0]), "curl ") {
		// The whole command pasted as one quoted argument.
		if rest, err = shellWords(rest[0]); err != nil {
			return nil, usageErrorf("curl: %v", err)
		}
	}
	c.positional = rest
	inputs := 0
	for _, set := range []bool{len(rest) > 0, c.rawFile != "", c.harFile != "", c.curlFile != ""} {
		if set {
			inputs++
		}
	}
	if inputs != 1 {
		fs.Usage()
		return nil, usageErrorf("%s takes one input: a URL, -- curl …, --curl, --raw or --har", name)
	}
	if len(rest) > 0 && rest[0] != "curl" && len(rest) != 1 {
		fs.Usage()
		return nil, usageErrorf("%s takes exactly one URL (put a curl command after --)", name)
	}
	if (c.method != "" || len(c.headers) > 0) && (len(rest) == 0 || rest[0] == "curl") {
		return nil, usageErrorf("--method and -H apply to a <url>; a curl command, raw request or HAR entry carries its own")
	}
	if c.entry != 0 && c.harFile == "" {
		return nil, usageErrorf("--entry applies to --har")
	}
	if c.maxInput <= 0 {
		return nil, usageErrorf("--max-input must be positive")
	}
	c.method = strings.ToUpper(c.method)
	c.now = time.Now()
	if now != "" {
		if c.now, err = time.Parse(time.RFC3339, now); err != nil {
			return nil, usageErrorf("--now: %v", err)
		}
	}
	return c, nil
}

// requests reads the input into the requests a server would receive, and
// the notes the input parsers left.
func (c *verifyConfig) requests() ([]*http.Request, []string, error) {
	stdin := func() ([]byte, error) { return readLimited(c.stdin, c.maxInput, "stdin") }
	readFile := readInputFile(c.maxInput, stdin)
	var captured []*capturedRequest
	var notes []string
	switch {
	case c.rawFile != "":
		data, err := readFile(c.rawFile)
		if err != nil {
			return nil, nil, usageErrorf("--raw: %v", err)
		}
		r, err := parseRaw(data, describeRaw(c.rawFile))
		if err != nil {
			return nil, nil, err
		}
		return []*http.Request{r}, nil, nil
	case c.harFile != "":
		data, err := readFile(c.harFile)
		if err != nil {
			return nil, nil, usageErrorf("--har: %v", err)
		}
		if captured, notes, err = parseHAR(data, c.entry); err != nil {
			return nil, nil, err
		}
	case c.curlFile != "" || c.positional[0] == "curl":
		words := c.positional
		if c.curlFile != "" {
			data, err := readFile(c.curlFile)
			if err != nil {
				return nil, nil, usageErrorf("--curl: %v", err)
			}
			if words, err = shellWords(string(data)); err != nil {
				return nil, nil, usageErrorf("--curl: %v", err)
			}
		}
		cr, err := parseCurl(words, readFile)
		if err != nil {
			return nil, nil, err
		}
		captured = append(captured, cr)
	default:
		method := c.method
		if method == "" {
			method = http.MethodGet
		}
		captured = append(captured, &capturedRequest{label: "url", method: method, url: c.positional[0], header: c.headers})
	}
	var out []*http.Request
	for _, cr := range captured {
		r, err := cr.wire()
		if err != nil {
			return nil, nil, err
		}
		out = append(out, r)
		notes = append(notes, cr.notes...)
	}
	return out, notes, nil
}

// judge builds the server verify/explain judge against: the keys of
// --credentials (with their policies) or the --access-key pair (the
// bucket owner), the region, the base domain and the clock.
func (c *verifyConfig) judge() (*emulator.Server, *verifier.Verifier, error) {
	creds := []verifier.Credential{{AccessKeyID: c.accessKey, SecretAccessKey: c.secretKey}}
	if c.credentials != "" {
		var err error
		if creds, err = loadCredentials(c.credentials); err != nil {
			return nil, nil, err
		}
	}
	store := verifier.NewStaticCredentials(creds...)
	srv, err := emulator.New(emulator.Options{Region: c.region, Credentials: store, Clock: fixedClock(c.now), BaseDomain: c.domain})
	if err != nil {
		return nil, nil, err
	}
	v := verifier.New(verifier.Config{Region: c.region, Credentials: store, Clock: fixedClock(c.now), BaseDomain: c.domain})
	return srv, v, nil
}

// runVerify judges each request the way the emulator would and prints the
// verdicts; explain also prints each signing step. Exit status 0 means S3
// would accept every request, 1 that it would refuse one.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer, getenv Getenv, explain bool) error {
	name := "verify"
	if explain {
		name = "explain"
	}
	c, err := parseVerify(name, args, stderr, getenv)
	if err != nil {
		return err
	}
	c.stdin = os.Stdin
	return judgeAndPrint(ctx, c, stdout, stderr)
}

func judgeAndPrint(ctx context.Context, c *verifyConfig, stdout, stderr io.Writer) error {
	reqs, notes, err := c.requests()
	if err != nil {
		return err
	}
	srv, v, err := c.judge()
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(stderr, "note:", n)
	}
	if len(reqs) == 0 {
		return usageErrorf("no request to judge")
	}
	refused := false
	for i, r := range reqs {
		vd := judgeRequest(srv, v, r.WithContext(ctx))
		refused = refused || !vd.Valid
		if c.jsonOut {
			if err := printJSON(stdout, vd); err != nil {
				return err
			}
			continue
		}
		if len(reqs) > 1 {
			fmt.Fprintf(stdout, "#### request %d of %d\n", i+1, len(reqs))
		}
		printVerdict(stdout, r, vd, c.explain)
	}
	if refused {
		return &exitError{code: exitRejected, quiet: true}
	}
	return nil
}
