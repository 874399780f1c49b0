package emulator

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/verifier"
)

// Default test credentials. They are AWS's documented example key pair, so
// they can never be mistaken for real ones.
const (
	TestAccessKeyID     = "AKIAIOSFODNN7EXAMPLE"
	TestSecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// TestServer is a Server on a loopback port for tests, with everything a
// test needs to talk to it. Fields are set by NewTestServer.
type TestServer struct {
	// URL is the base URL, e.g. http://127.0.0.1:34567 (https with WithTLS).
	URL string
	// Region, AccessKeyID and SecretAccessKey are what Client signs with.
	Region          string
	AccessKeyID     string
	SecretAccessKey string
	// Client is an aws-sdk-go-v2 S3 client for the server: path-style,
	// static credentials, checksums at the SDK defaults (WhenSupported).
	Client *s3.Client
	// Presign pre-signs requests with Client's settings.
	Presign *s3.PresignClient
	// Clock is the server's clock, and Client and Presign sign with it too:
	// it starts at the real current time and tests Advance it, so a URL
	// pre-signed before an Advance expires as it would on AWS while Client
	// keeps working.
	Clock *ManualClock
	// Server is the handler under test.
	Server *Server
	// HTTPClient reaches URL (it trusts the test certificate with WithTLS).
	HTTPClient *http.Client

	sessionToken string
}

// TestOption adjusts NewTestServer.
type TestOption func(*testConfig)

type testConfig struct {
	tls    bool
	store  store.Store
	region string
	creds  []verifier.Credential
	base   string
	logger *slog.Logger
	// readIdle and writeIdle are Options.ReadIdleTimeout and
	// Options.WriteIdleTimeout.
	readIdle, writeIdle time.Duration
	// configure adjusts the Options last (WithOptions).
	configure []func(*Options)
	// accountBlock is Options.AccountPublicAccessBlock.
	accountBlock PublicAccessBlock
	// ownership is Options.DefaultObjectOwnership.
	ownership string
}

// WithDefaultObjectOwnership sets Options.DefaultObjectOwnership.
func WithDefaultObjectOwnership(o string) TestOption {
	return func(c *testConfig) { c.ownership = o }
}

// WithAccountPublicAccessBlock sets the account-level Block Public Access
// (Options.AccountPublicAccessBlock).
func WithAccountPublicAccessBlock(p PublicAccessBlock) TestOption {
	return func(c *testConfig) { c.accountBlock = p }
}

// WithTLS serves HTTPS with a test certificate that HTTPClient and Client
// trust. Over TLS the SDK sends aws-chunked bodies with trailing checksums.
func WithTLS() TestOption { return func(c *testConfig) { c.tls = true } }

// WithStore uses st instead of a fresh memory store.
func WithStore(st store.Store) TestOption { return func(c *testConfig) { c.store = st } }

// WithRegion sets the server's and the client's region.
func WithRegion(region string) TestOption { return func(c *testConfig) { c.region = region } }

// WithCredentials replaces the default key pair; the first credential is
// the one Client signs with.
func WithCredentials(creds ...verifier.Credential) TestOption {
	return func(c *testConfig) { c.creds = append(c.creds, creds...) }
}

// WithBaseDomain sets Options.BaseDomain (default "localhost").
func WithBaseDomain(domain string) TestOption { return func(c *testConfig) { c.base = domain } }

// WithLogger replaces the default logger, which sends one line per request
// to t.Log.
func WithLogger(l *slog.Logger) TestOption { return func(c *testConfig) { c.logger = l } }

// WithIdleTimeouts sets Options.ReadIdleTimeout and Options.WriteIdleTimeout
// (default DefaultIdleTimeout each), so a test can watch a stalled client
// being cut off in milliseconds.
func WithIdleTimeouts(read, write time.Duration) TestOption {
	return func(c *testConfig) { c.readIdle, c.writeIdle = read, write }
}

// WithOptions lets f adjust the server's Options after NewTestServer has
// filled them in, for settings without an option of their own (the
// inspector, warn-only mode).
func WithOptions(f func(*Options)) TestOption {
	return func(c *testConfig) { c.configure = append(c.configure, f) }
}

// NewTestServer starts a Server for t and closes it when t ends. It fails
// t if the server cannot be built.
func NewTestServer(t testing.TB, opts ...TestOption) *TestServer {
	t.Helper()
	cfg := testConfig{region: "us-east-1"}
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.creds) == 0 {
		cfg.creds = []verifier.Credential{{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}}
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.NewTextHandler(testLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	clock := NewManualClock(time.Now())
	opt := Options{
		Region:      cfg.region,
		Credentials: verifier.NewStaticCredentials(cfg.creds...),
		Clock:       clock,
		Store:       cfg.store,
		BaseDomain:  cfg.base,
		Logger:      cfg.logger,

		ReadIdleTimeout:  cfg.readIdle,
		WriteIdleTimeout: cfg.writeIdle,

		AccountPublicAccessBlock: cfg.accountBlock,
		DefaultObjectOwnership:   cfg.ownership,
	}
	for _, f := range cfg.configure {
		f(&opt)
	}
	srv, err := New(opt)
	if err != nil {
		t.Fatalf("emulator.NewTestServer: %v", err)
	}
	hs := httptest.NewUnstartedServer(srv)
	if cfg.tls {
		hs.StartTLS()
	} else {
		hs.Start()
	}
	t.Cleanup(hs.Close)

	ts := &TestServer{
		URL:             hs.URL,
		Region:          cfg.region,
		AccessKeyID:     cfg.creds[0].AccessKeyID,
		SecretAccessKey: cfg.creds[0].SecretAccessKey,
		Clock:           clock,
		Server:          srv,
		HTTPClient:      hs.Client(),
		sessionToken:    cfg.creds[0].SessionToken,
	}
	signer := clockSigner{clock: clock, signer: v4.NewSigner(func(o *v4.SignerOptions) {
		// What the S3 client's default signer does: S3 paths are signed as sent.
		o.DisableURIPathEscaping = true
	})}
	ts.Client = s3.NewFromConfig(ts.AWSConfig(), func(o *s3.Options) {
		o.UsePathStyle = true
		o.HTTPSignerV4 = signer
	})
	ts.Presign = s3.NewPresignClient(ts.Client, func(o *s3.PresignOptions) { o.Presigner = signer })
	return ts
}

// clockSigner signs with the test server's clock instead of the wall clock.
// Without it, Advance would move only the server: every later request of
// Client would be RequestTimeTooSkewed, and a URL could never be pre-signed
// "in the past". With it, the SDK and the server share one notion of now.
type clockSigner struct {
	clock  *ManualClock
	signer *v4.Signer
}

func (c clockSigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) error {
	return c.signer.SignHTTP(ctx, creds, r, payloadHash, service, region, c.clock.Now(), optFns...)
}

func (c clockSigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return c.signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, c.clock.Now(), optFns...)
}

// AWSConfig is the aws.Config behind Client, built by hand rather than with
// config.LoadDefaultConfig, which reads the environment (AWS_CA_BUNDLE,
// profiles) and would make tests depend on the machine.
func (ts *TestServer) AWSConfig() aws.Config {
	return aws.Config{
		Region:                     ts.Region,
		Credentials:                credentials.NewStaticCredentialsProvider(ts.AccessKeyID, ts.SecretAccessKey, ts.sessionToken),
		HTTPClient:                 ts.HTTPClient,
		BaseEndpoint:               aws.String(ts.URL),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
		// A strict server's answers are final: retrying would hide them.
		Retryer: func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// Host returns the host:port part of URL.
func (ts *TestServer) Host() string {
	return strings.TrimPrefix(strings.TrimPrefix(ts.URL, "https://"), "http://")
}

// testLogWriter sends the server's log lines to t.Log, so they show up with
// the failing test (or with -v).
type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
