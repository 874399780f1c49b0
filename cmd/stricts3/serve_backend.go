package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stricts3/stricts3/emulator/store"
)

// backendFlags are serve's --backend-* flags: an S3-compatible engine to
// keep the data in (store.NewRemote), so several serve processes on one
// backend answer as one S3.
type backendFlags struct {
	url               string // s3://[bucket-prefix]
	endpoint          string
	region            string
	accessKey         string
	secretKey         string
	sessionToken      string
	timeout           time.Duration
	conditionalWrites string
	listing           string

	prefix string // from url
}

// backendEnv binds the --backend-* flags to the environment. The backend's
// keys may also come from AWS's own variables and profiles (see
// credentials), never from the client keys strictS3 checks.
var backendEnv = envFlags{
	"backend":                    {"STRICTS3_BACKEND"},
	"backend-endpoint":           {"STRICTS3_BACKEND_ENDPOINT"},
	"backend-region":             {"STRICTS3_BACKEND_REGION"},
	"backend-access-key":         {"STRICTS3_BACKEND_ACCESS_KEY"},
	"backend-secret-key":         {"STRICTS3_BACKEND_SECRET_KEY"},
	"backend-session-token":      {"STRICTS3_BACKEND_SESSION_TOKEN"},
	"backend-timeout":            {"STRICTS3_BACKEND_TIMEOUT"},
	"backend-conditional-writes": {"STRICTS3_BACKEND_CONDITIONAL_WRITES"},
	"backend-listing":            {"STRICTS3_BACKEND_LISTING"},
}

func (b *backendFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.url, "backend", "", "keep the data in an S3-compatible backend: s3://[bucket-prefix] (see README, Scaling out)")
	fs.StringVar(&b.endpoint, "backend-endpoint", "", "the backend's URL, e.g. http://minio:9000 (default: AWS S3 in --backend-region)")
	fs.StringVar(&b.region, "backend-region", "us-east-1", "region the backend signs in")
	fs.StringVar(&b.accessKey, "backend-access-key", "", "the backend's access key id (default: AWS_ACCESS_KEY_ID, then AWS profiles)")
	fs.StringVar(&b.secretKey, "backend-secret-key", "", "the backend's secret key, with --backend-access-key")
	fs.StringVar(&b.sessionToken, "backend-session-token", "", "the backend's session token, with --backend-access-key")
	fs.DurationVar(&b.timeout, "backend-timeout", store.DefaultRemoteTimeout, "deadline of every backend call, and longest pause in a streamed body; past it clients get 503 SlowDown")
	fs.StringVar(&b.conditionalWrites, "backend-conditional-writes", "backend", "who judges If-None-Match/If-Match writes: backend (checked at start) or process (exact within one serve process only)")
	fs.StringVar(&b.listing, "backend-listing", "backend", "delimiter listings by the backend, or local (reads every key; for backends that roll up wrong, e.g. gofakes3)")
}

// resolve checks the flags; the backend itself is probed at start.
func (b *backendFlags) resolve(dataDir string) error {
	if b.url == "" {
		return nil
	}
	prefix, ok := strings.CutPrefix(b.url, "s3://")
	if !ok {
		return usageErrorf("--backend must be s3://[bucket-prefix], got %q", b.url)
	}
	b.prefix = prefix
	if dataDir != "" {
		return usageErrorf("--backend and --data-dir are two places for the data: choose one")
	}
	if b.timeout <= 0 {
		return usageErrorf("--backend-timeout must be positive")
	}
	if b.conditionalWrites != "backend" && b.conditionalWrites != "process" {
		return usageErrorf("--backend-conditional-writes must be backend or process, got %q", b.conditionalWrites)
	}
	if b.listing != "backend" && b.listing != "local" {
		return usageErrorf("--backend-listing must be backend or local, got %q", b.listing)
	}
	if (b.accessKey == "") != (b.secretKey == "") {
		return usageErrorf("--backend-access-key and --backend-secret-key go together")
	}
	return nil
}

// credentials are the backend's keys: the flags, else AWS's standard
// chain (AWS_ACCESS_KEY_ID..., shared profiles, SSO, instance roles).
func (b *backendFlags) credentials(ctx context.Context) (aws.CredentialsProvider, error) {
	if b.accessKey != "" {
		return credentials.NewStaticCredentialsProvider(b.accessKey, b.secretKey, b.sessionToken), nil
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(b.region))
	if err != nil {
		return nil, fmt.Errorf("--backend: no backend credentials: %w", err)
	}
	return cfg.Credentials, nil
}

// open probes the backend and returns the store on it.
func (b *backendFlags) open(ctx context.Context, clock store.Clock) (store.Store, error) {
	creds, err := b.credentials(ctx)
	if err != nil {
		return nil, err
	}
	mode := store.ConditionalWritesBackend
	if b.conditionalWrites == "process" {
		mode = store.ConditionalWritesProcess
	}
	st, err := store.NewRemote(ctx, store.RemoteConfig{
		Endpoint: b.endpoint, Region: b.region, Credentials: creds, BucketPrefix: b.prefix,
		Timeout: b.timeout, ConditionalWrites: mode, RollUpLocally: b.listing == "local",
	}, store.WithClock(clock))
	if err != nil {
		return nil, fmt.Errorf("--backend: %w", err)
	}
	return st, nil
}

// describe is the banner's word for where the data is.
func (b *backendFlags) describe() string {
	where := b.endpoint
	if where == "" {
		where = "AWS S3 " + b.region
	}
	return fmt.Sprintf("data in backend %s, bucket prefix %q", where, b.prefix)
}
