// Package verifier decides whether an S3 request is authentic, the way
// Amazon S3 decides it, and explains why when it is not.
//
// It covers SigV4 in the Authorization header and in the query string
// (pre-signed URLs), SigV2 in both places, pre-signed POST policies, and the
// request body: the x-amz-content-sha256 payload hash, aws-chunked framing
// with its chunk and trailer signatures, Content-MD5 and the x-amz-checksum-*
// family. Every rejection is an *s3err.Error with the status, code, message
// and extra XML elements S3 sends, in the order S3 checks them (see
// docs/aws-behavior.md), plus a Diagnosis saying what differed and
// Causes naming it with stable ids and evidence (see Cause).
//
// The package uses the standard library only and holds no global state: the
// credentials, the clock and the region are passed to New.
//
// # Authentication
//
// Authenticate classifies a request (SigV4 pre-signed query, SigV2 query,
// SigV4 or SigV2 Authorization header, anonymous) and checks it in S3's
// order. Explain does the same and also returns the canonical request, the
// string to sign and both signatures, for tools and for humans.
//
// The canonical URI is the path as sent, decoded once and re-encoded with
// S3's rule (RFC 3986 unreserved bytes and '/' kept, everything else %XX):
// S3 never normalises "//" or dot segments and never double-encodes, so a
// signer that escapes an already escaped path fails, and the Diagnosis says
// so.
//
// Where S3's behaviour is not pinned by evidence (docs/aws-behavior.md §11), strictS3
// chooses:
//   - a pre-signed URL dated more than MaxSkew (15 minutes) in the future is
//     "Request is not yet valid";
//   - X-Amz-Expires=0 parses (the wire messages only reject non-numbers,
//     negatives and more than 604800) and expires once the signing second is
//     over; 604800 itself is accepted;
//   - pre-signed URLs: the access key is looked up after parameter parsing
//     and before the time window, unsigned-header and signature checks;
//     header auth: after the date, x-amz-content-sha256 and clock-skew
//     checks; session tokens are checked after the signature in both.
//
// A request whose SignedHeaders omits host is refused with HeadersNotSigned
// "host", as real S3 bodies quoted in public issues show for both header
// and query auth.
package verifier

import (
	"net"
	"strings"
	"sync"
	"time"
)

// Clock tells the verifier what time it is. Tests pass a manual clock so
// expiry and skew are exercised without sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Credential is one access key the emulator knows.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken, when set, must be sent as X-Amz-Security-Token.
	SessionToken string
	// Expires, when non-zero, is when SessionToken stops being valid.
	Expires time.Time
	// Allow decides, at request time, whether this key may perform action
	// (an IAM action name such as "s3:PutObject") on bucket/key. Nil allows
	// everything: the signer is the bucket owner.
	Allow func(action, bucket, key string) bool `json:"-"`
	// Denies, when set, reports whether the key's identity policy denies
	// action on bucket/key explicitly. Allow alone cannot tell an explicit
	// Deny from an action it does not grant; the emulator needs the
	// difference to let the Deny win over a bucket policy's Allow, as IAM
	// does. Nil means Allow's false is never an explicit Deny.
	Denies func(action, bucket, key string) bool `json:"-"`
	// Account is the 12-digit id of the AWS account the key belongs to;
	// empty is the emulator's default account. Buckets belong to the
	// account of the key that created them.
	Account string
}

// Credentials looks access keys up by id.
type Credentials interface {
	Lookup(accessKeyID string) (Credential, bool)
}

// StaticCredentials is a fixed set of keys, safe for concurrent use.
type StaticCredentials struct {
	mu   sync.RWMutex
	keys map[string]Credential
}

// NewStaticCredentials returns a store holding creds.
func NewStaticCredentials(creds ...Credential) *StaticCredentials {
	s := &StaticCredentials{keys: make(map[string]Credential, len(creds))}
	for _, c := range creds {
		s.keys[c.AccessKeyID] = c
	}
	return s
}

// Lookup implements Credentials.
func (s *StaticCredentials) Lookup(id string) (Credential, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.keys[id]
	return c, ok
}

// Add stores or replaces a key.
func (s *StaticCredentials) Add(c Credential) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[c.AccessKeyID] = c
}

// Remove deletes a key, as deleting an IAM access key does: URLs it
// already signed stop working at once, with InvalidAccessKeyId.
func (s *StaticCredentials) Remove(accessKeyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, accessKeyID)
}

// AuthType says how a request was authenticated.
type AuthType string

// The ways a request authenticates: none, SigV4 or SigV2 in the
// Authorization header, in a pre-signed URL's query, or in a POST form.
const (
	AuthAnonymous   AuthType = "anonymous"
	AuthSigV4Header AuthType = "sigv4-header"
	AuthSigV4Query  AuthType = "sigv4-query"
	AuthSigV2Header AuthType = "sigv2-header"
	AuthSigV2Query  AuthType = "sigv2-query"
	AuthSigV4Post   AuthType = "sigv4-post"
	AuthSigV2Post   AuthType = "sigv2-post"
)

// Config is what a Verifier needs.
type Config struct {
	// Region is the region the server answers for, e.g. "us-east-1".
	Region string
	// Credentials looks up the access keys requests are signed with.
	Credentials Credentials
	// Clock defaults to SystemClock.
	Clock Clock
	// MaxSkew is the header-auth clock tolerance; S3 uses 15 minutes. It is
	// also how far in the future a pre-signed URL's X-Amz-Date may be
	// before it is "not yet valid".
	MaxSkew time.Duration
	// BaseDomain is the host name virtual-hosted requests are addressed
	// under ("bucket.<BaseDomain>"); SigV2 signs the bucket taken from
	// it. Defaults to "localhost".
	BaseDomain string
}

// Verifier checks requests against Config. It is safe for concurrent use.
type Verifier struct {
	region  string
	creds   Credentials
	clock   Clock
	maxSkew time.Duration
	// baseDomain is lower-case, without a port.
	baseDomain string
	keys       *signingKeyCache
}

// New returns a Verifier for cfg.
func New(cfg Config) *Verifier {
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.MaxSkew == 0 {
		cfg.MaxSkew = 15 * time.Minute
	}
	if cfg.BaseDomain == "" {
		cfg.BaseDomain = "localhost"
	}
	if h, _, err := net.SplitHostPort(cfg.BaseDomain); err == nil {
		cfg.BaseDomain = h
	}
	return &Verifier{
		region:     cfg.Region,
		creds:      cfg.Credentials,
		clock:      cfg.Clock,
		maxSkew:    cfg.MaxSkew,
		baseDomain: strings.ToLower(strings.TrimSuffix(cfg.BaseDomain, ".")),
		keys:       newSigningKeyCache(),
	}
}

// Region returns the region the verifier expects in credential scopes.
func (v *Verifier) Region() string { return v.region }
