package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/verifier"
)

// serveConfig is everything `stricts3 serve` is told, after flags and
// environment are resolved.
type serveConfig struct {
	addr      string
	region    string
	accessKey string
	secretKey string
	// sessionToken is the first key's, for the export line.
	sessionToken string
	// credentialsFile is --credentials; creds are the keys the server
	// accepts, the first one printed in the export line.
	credentialsFile string
	creds           []verifier.Credential
	dataDir         string
	fsync           bool
	domain          string
	// maxCompletedUploads is --max-completed-uploads.
	maxCompletedUploads int
	// access is --account-public-access-block and --object-ownership.
	access accessFlags

	tls      bool
	certOut  string
	certFile string
	keyFile  string

	logFormat       string
	logLevel        string
	shutdownTimeout time.Duration

	limits     serveLimits
	startup    startupFlags
	inspection serveInspection
	backend    backendFlags

	// pprofAddr is --pprof: where the profiler listens, "" for off.
	pprofAddr          string
	pprofHeaderTimeout time.Duration
}

var serveEnv = withEnv(withEnv(withEnv(withEnv(limitsEnv, inspectionEnv), accessEnv), backendEnv), envFlags{
	"addr":                  {"STRICTS3_ADDR"},
	"region":                {"STRICTS3_REGION"},
	"access-key":            {"STRICTS3_ACCESS_KEY"},
	"secret-key":            {"STRICTS3_SECRET_KEY"},
	"credentials":           {"STRICTS3_CREDENTIALS"},
	"data-dir":              {"STRICTS3_DATA_DIR"},
	"fsync":                 {"STRICTS3_FSYNC"},
	"domain":                {"STRICTS3_DOMAIN"},
	"tls":                   {"STRICTS3_TLS"},
	"cert-out":              {"STRICTS3_CERT_OUT"},
	"cert":                  {"STRICTS3_CERT"},
	"key":                   {"STRICTS3_KEY"},
	"log-format":            {"STRICTS3_LOG_FORMAT"},
	"log-level":             {"STRICTS3_LOG_LEVEL"},
	"shutdown-timeout":      {"STRICTS3_SHUTDOWN_TIMEOUT"},
	"max-completed-uploads": {"STRICTS3_MAX_COMPLETED_UPLOADS"},
	"bucket":                startupEnv["bucket"],
	"cors":                  startupEnv["cors"],
	"pprof":                 {"STRICTS3_PPROF"},
	"pprof-header-timeout":  {"STRICTS3_PPROF_HEADER_TIMEOUT"},
})

const serveUsage = `usage: stricts3 serve [flags]

Runs the S3 emulator until SIGINT or SIGTERM, then lets in-flight requests
finish. At start it prints the endpoint and an export line for the shell.

--tls generates a private CA and a certificate for localhost, *.localhost,
127.0.0.1, ::1, <domain> and *.<domain>, and prints the CA's path for
AWS_CA_BUNDLE. With --data-dir the CA is kept in the data directory and
reused at every start, so clients trust it once; without, it goes to a new
temp file (removed at exit) or to --cert-out. OpenSSL-based clients (boto3,
aws CLI) refuse a wildcard directly under a single label such as
*.localhost: for virtual-hosted buckets over TLS with them, use a two-label
--domain such as s3.localhost.

--data-dir takes an absent or empty folder, or one strictS3 made; any other
folder is refused and left untouched. One server at a time may use it.

Every request is bounded in time: a body that stops arriving for
--read-idle-timeout is answered 400 RequestTimeout, a client that stops
reading for --write-idle-timeout is dropped, and at most --max-connections
connections are open at once.

--credentials replaces --access-key/--secret-key with a JSON array of keys,
each with an optional IAM-style policy checked when a request is used (a
pre-signed URL's signer needs the permission, not whoever sends it):

  [{"accessKeyId": "AKIAOWNER", "secretAccessKey": "owner-secret"},
   {"accessKeyId": "AKIAREADER", "secretAccessKey": "reader-secret",
    "policy": [{"effect": "Allow", "actions": ["s3:GetObject", "s3:ListBucket"],
                "resources": ["arn:aws:s3:::photos", "arn:aws:s3:::photos/*"]}]}]

A key without "policy" may do everything. Optional per key: "sessionToken"
and "expires" (RFC 3339), and "account" (a 12-digit AWS account id; default
123456789012): buckets belong to the creating key's account, and another
account reaches them only through a bucket policy. The export line prints
the first key.

Flags win over environment variables, which win over defaults.

`

// parseServe resolves serve's flags and environment into a serveConfig.
func parseServe(args []string, stderr io.Writer, getenv Getenv) (*serveConfig, error) {
	c := &serveConfig{}
	fs := newFlagSet("stricts3 serve", stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.addr, "addr", defaultAddr, "listen address; port 0 picks a free port")
	fs.StringVar(&c.region, "region", defaultRegion, "region the server answers for")
	fs.StringVar(&c.accessKey, "access-key", defaultAccessKey, "access key id clients sign with")
	fs.StringVar(&c.secretKey, "secret-key", defaultSecretKey, "secret access key clients sign with")
	fs.StringVar(&c.credentialsFile, "credentials", "", "JSON file of access keys with optional policies, instead of --access-key/--secret-key")
	fs.StringVar(&c.dataDir, "data-dir", "", "keep buckets and objects in this directory (default: in memory)")
	fs.BoolVar(&c.fsync, "fsync", false, "with --data-dir: fsync every write (slower, survives power loss)")
	fs.StringVar(&c.domain, "domain", defaultDomain, "base domain for virtual-hosted buckets (<bucket>.<domain>)")
	fs.BoolVar(&c.tls, "tls", false, "serve HTTPS with a certificate generated at start")
	fs.StringVar(&c.certOut, "cert-out", "", "also write --tls's CA certificate here (default: kept in <data-dir>/tls/ca.pem, or without --data-dir a new temp file removed at exit)")
	fs.StringVar(&c.certFile, "cert", "", "serve HTTPS with this PEM certificate (chain) instead of a generated one")
	fs.StringVar(&c.keyFile, "key", "", "PEM private key for --cert")
	fs.StringVar(&c.logFormat, "log-format", "text", "request log format: text or json")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.IntVar(&c.maxCompletedUploads, "max-completed-uploads", emulator.DefaultMaxCompletedUploads,
		"completed multipart uploads remembered so a repeated CompleteMultipartUpload answers as the first (negative: none)")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long in-flight requests may take to finish on SIGINT/SIGTERM")
	c.limits.addFlags(fs)
	c.startup.register(fs)
	c.inspection.addFlags(fs)
	fs.StringVar(&c.pprofAddr, "pprof", "", "serve Go's profiler (net/http/pprof) on this loopback host:port, apart from the S3 port (default off)")
	fs.DurationVar(&c.pprofHeaderTimeout, "pprof-header-timeout", defaultPprofHeaderTimeout, "with --pprof: how long a profiler client may take to send its request headers or stay idle between requests")
	c.access.addFlags(fs)
	c.backend.register(fs)
	envHelp(fs, serveEnv)
	rest, err := parseFlags(fs, args, getenv, serveEnv)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, usageErrorf("serve takes no arguments, got %q", rest)
	}
	if (c.certFile == "") != (c.keyFile == "") {
		return nil, usageErrorf("--cert and --key go together")
	}
	if c.certFile != "" {
		c.tls = true
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return nil, usageErrorf("--log-format must be text or json, got %q", c.logFormat)
	}
	if _, err := parseLevel(c.logLevel); err != nil {
		return nil, usageErrorf("--log-level must be debug, info, warn or error, got %q", c.logLevel)
	}
	if c.region == "" || c.accessKey == "" || c.secretKey == "" {
		return nil, usageErrorf("--region, --access-key and --secret-key must not be empty")
	}
	if err := c.resolveCredentials(fs); err != nil {
		return nil, err
	}
	if err := c.startup.resolve(); err != nil {
		return nil, err
	}
	if err := c.access.resolve(); err != nil {
		return nil, err
	}
	if c.shutdownTimeout <= 0 {
		return nil, usageErrorf("--shutdown-timeout must be positive")
	}
	if err := c.limits.validate(); err != nil {
		return nil, err
	}
	if err := c.inspection.validate(); err != nil {
		return nil, err
	}
	if err := checkPprofAddr(c.pprofAddr); err != nil {
		return nil, err
	}
	if c.pprofHeaderTimeout <= 0 {
		return nil, usageErrorf("--pprof-header-timeout must be positive")
	}
	if err := c.backend.resolve(c.dataDir); err != nil {
		return nil, err
	}
	c.domain = strings.TrimSuffix(strings.ToLower(c.domain), ".")
	return c, nil
}

// resolveCredentials sets the keys the server accepts: the --credentials
// file's, or the one --access-key/--secret-key pair. Both at once is a
// usage error: the file is the whole list, so that no default key with full
// access hides beside the keys a test restricted.
func (c *serveConfig) resolveCredentials(fs *flag.FlagSet) error {
	if c.credentialsFile == "" {
		c.creds = []verifier.Credential{{AccessKeyID: c.accessKey, SecretAccessKey: c.secretKey}}
		return nil
	}
	var both []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "access-key" || f.Name == "secret-key" {
			both = append(both, "--"+f.Name)
		}
	})
	if len(both) > 0 {
		return usageErrorf("--credentials lists every key; %s (flag or environment) cannot be combined with it: put that key in the file", strings.Join(both, " and "))
	}
	creds, err := loadCredentials(c.credentialsFile)
	if err != nil {
		return err
	}
	c.creds = creds
	c.accessKey, c.secretKey, c.sessionToken = creds[0].AccessKeyID, creds[0].SecretAccessKey, creds[0].SessionToken
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(s))
	return l, err
}

func newLogger(c *serveConfig, w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.logLevel)
	opts := &slog.HandlerOptions{Level: level}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// runServe runs the emulator until ctx is cancelled, then shuts down
// gracefully: the listener closes at once and in-flight requests get
// --shutdown-timeout to finish.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv Getenv) error {
	c, err := parseServe(args, stderr, getenv)
	if err != nil {
		return err
	}
	logger := newLogger(c, stderr)

	handler, release, err := newEmulator(c, logger)
	if err != nil {
		return err
	}
	defer release()

	var tlsConfig *tls.Config
	var caPath string
	if c.tls {
		var removeCA func()
		tlsConfig, caPath, removeCA, err = serverTLS(c, time.Now(), logger)
		if err != nil {
			return err
		}
		defer removeCA()
	}

	// Listen before printing so that port 0 prints the port actually bound.
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	limited := newLimitListener(ln, connectionBudget(c.limits.maxConnections, logger), c.limits.busyIdleTimeout, logger)
	ln = limited
	srv := &http.Server{
		ConnState:         limited.ConnState,
		ConnContext:       limited.ConnContext,
		Handler:           limited.WatchBodies(handler),
		ReadHeaderTimeout: c.limits.readHeaderTimeout,
		IdleTimeout:       c.limits.idleTimeout,
		MaxHeaderBytes:    c.limits.maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		TLSConfig:         tlsConfig,
	}
	if tlsConfig != nil {
		// S3 speaks HTTP/1.1 only; offering h2 would let clients take a
		// path real S3 never gives them.
		tlsConfig.NextProtos = []string{"http/1.1"}
		ln = tls.NewListener(ln, tlsConfig)
	}
	stopPprof, err := startPprof(c.pprofAddr, c.pprofHeaderTimeout, stdout, logger)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopPprof()
	printBanner(stdout, c, ln.Addr(), caPath)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		// Serve only returns early on a listener failure.
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", c.shutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Connections outlived the grace period (a slow upload, or a
		// keep-alive socket that never sent a request): cut them off. The
		// user asked to stop and the server did, so this is not a failure.
		_ = srv.Close()
		logger.Warn("closed connections still open after the shutdown timeout", "timeout", c.shutdownTimeout.String())
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if s, ok := handler.(*emulator.Server); ok {
		printWarnSummary(stderr, s.Report())
	}
	logger.Info("stopped")
	return nil
}

// endpointURL is the URL clients use for a server listening on addr. A
// wildcard listen address (0.0.0.0, ::) is reached through loopback.
func endpointURL(addr net.Addr, useTLS bool) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		host, port = addr.String(), ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	if port == "" {
		return scheme + "://" + host
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// printBanner tells the user where the server is and gives the line to
// paste into a shell so AWS SDKs and CLIs find it.
func printBanner(w io.Writer, c *serveConfig, addr net.Addr, caPath string) {
	endpoint := endpointURL(addr, c.tls)
	store := "memory store"
	if c.dataDir != "" {
		store = "data in " + c.dataDir
	}
	if c.backend.url != "" {
		store = c.backend.describe()
	}
	fmt.Fprintf(w, "strictS3 listening on %s (region %s, %s)\n", listenDescription(c.addr, addr, endpoint), c.region, store)
	if _, port, err := net.SplitHostPort(addr.String()); err == nil && c.domain != "" {
		scheme, _, _ := strings.Cut(endpoint, "://")
		fmt.Fprintln(w, addressingNote(scheme, c.domain, port, endpoint))
	}
	printStartupNotes(w, c, endpoint)
	if caPath != "" {
		fmt.Fprintf(w, "CA certificate: %s\n", caPath)
	}
	vars := []string{
		"AWS_ENDPOINT_URL=" + shellQuote(endpoint),
		"AWS_ACCESS_KEY_ID=" + shellQuote(c.accessKey),
		"AWS_SECRET_ACCESS_KEY=" + shellQuote(c.secretKey),
		"AWS_REGION=" + shellQuote(c.region),
		// botocore (boto3, the aws CLI v1) reads only AWS_DEFAULT_REGION.
		"AWS_DEFAULT_REGION=" + shellQuote(c.region),
	}
	if c.sessionToken != "" {
		vars = append(vars, "AWS_SESSION_TOKEN="+shellQuote(c.sessionToken))
	}
	if caPath != "" {
		vars = append(vars, "AWS_CA_BUNDLE="+shellQuote(caPath))
	}
	fmt.Fprintf(w, "export %s\n", strings.Join(vars, " "))
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)

// shellQuote returns s as one POSIX shell word.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
