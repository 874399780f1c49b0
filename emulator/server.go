package emulator

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// Options configure a Server. Only Credentials is required.
type Options struct {
	// Region is the one region the server answers for; default "us-east-1".
	Region string
	// Credentials are the access keys the server accepts. Required.
	Credentials verifier.Credentials
	// Clock decides expiry and skew; default verifier.SystemClock{}.
	Clock verifier.Clock
	// Store holds buckets and objects; default store.NewMemory on Clock.
	Store store.Store
	// BaseDomain is the virtual-hosted base domain: a request for Host
	// <bucket>.<BaseDomain>[:port] (or <bucket>.s3.<BaseDomain>) addresses
	// <bucket>. BaseDomain itself, IP addresses and single-label hosts are
	// path-style; any other Host is NoSuchBucket (see checkHost). Default
	// "localhost".
	BaseDomain string
	// Logger gets one line per request; default discards.
	Logger *slog.Logger
	// ReadIdleTimeout is how long a request body may go without a byte
	// arriving before the request is answered 400 RequestTimeout and its
	// connection closed; WriteIdleTimeout is how long a response may go
	// without the client taking a byte before the connection is dropped.
	// Both restart on every read or write that makes progress. Zero means
	// DefaultIdleTimeout, negative means no deadline.
	ReadIdleTimeout, WriteIdleTimeout time.Duration
	// Buckets exist from the start (see BucketSetup); New creates them.
	Buckets []BucketSetup
	// MaxCompletedUploads is how many completed multipart uploads the
	// server remembers, so that a repeated CompleteMultipartUpload answers
	// as the first did, as S3 does; the oldest is forgotten first (its
	// repeat is then NoSuchUpload). Default DefaultMaxCompletedUploads;
	// negative remembers none.
	MaxCompletedUploads int
	// Inspector says who may read the request inspector (the page under
	// ControlPrefix, its JSON and the warn report); default
	// InspectorLoopback. InspectorOff records nothing.
	Inspector InspectorAccess
	// InspectorSize is how many recent requests the inspector keeps, and
	// how many warned requests the report lists; default
	// DefaultInspectorSize.
	InspectorSize int
	// Enforce is EnforceStrict (default) or EnforceWarn.
	Enforce Enforce
	// AccountPublicAccessBlock is the account-level S3 Block Public Access
	// setting, for every account: a switch on here is on for every bucket,
	// whatever the bucket's own setting. Zero (S3's default for an
	// account) leaves each bucket to its own setting.
	AccountPublicAccessBlock PublicAccessBlock
	// DefaultObjectOwnership is the Object Ownership of a bucket created
	// without x-amz-object-ownership: "BucketOwnerEnforced" (the default,
	// as on S3 since April 2023: ACLs disabled), "BucketOwnerPreferred",
	// or "ObjectWriter" (ACLs enabled, as a bucket created before 2023).
	DefaultObjectOwnership string
	// MinPartSize is the floor for every part of a multipart upload but
	// the last; default S3's 5 MiB. A lower floor lets tests, and a
	// strictS3 serving as another strictS3's backend (store.NewRemote),
	// complete uploads of small parts.
	MinPartSize int64
}

// Server is the S3 http.Handler. It is safe for concurrent use and holds no
// state outside itself: two Servers in one process never interfere.
type Server struct {
	region     string
	baseDomain string
	clock      verifier.Clock
	store      store.Store
	verifier   *verifier.Verifier
	log        *slog.Logger
	idle       idleTimeouts
	ids        *requestIDs
	router     *mux.Router
	// control answers the reserved /_stricts3/ path (control.go).
	control        *mux.Router
	startupBuckets []BucketSetup
	started        time.Time
	// completed answers repeated CompleteMultipartUploads.
	completed *completedUploads
	// inspector keeps recent requests (nil when off); inspectorAccess
	// says who may read them. warned is warn mode's report (nil in
	// strict mode).
	inspector       *inspector
	inspectorAccess InspectorAccess
	enforce         Enforce
	warned          *warnReport
	// copyBuffers lend response bodies their copy buffer (see ReadFrom).
	copyBuffers sync.Pool
	// accountPublicAccess is Options.AccountPublicAccessBlock.
	accountPublicAccess PublicAccessBlock
	// creating is held while CreateBucket creates a bucket and records its
	// owner, so no request sees the bucket without its owner (accounts.go).
	creating sync.RWMutex
	// defaultOwnership is Options.DefaultObjectOwnership.
	defaultOwnership string
	// policies and publicAccess cache parsed bucket policies and Block
	// Public Access settings (doc_cache.go).
	policies     docCache[*access.BucketPolicy]
	publicAccess docCache[PublicAccessBlock]
	// minPartSize is Options.MinPartSize.
	minPartSize int64
}

// New returns a Server for opts.
func New(opts Options) (*Server, error) {
	if opts.Credentials == nil {
		return nil, errors.New("emulator: Options.Credentials is required")
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Clock == nil {
		opts.Clock = verifier.SystemClock{}
	}
	if opts.Store == nil {
		opts.Store = store.NewMemory(store.WithClock(opts.Clock))
	}
	if opts.BaseDomain == "" {
		opts.BaseDomain = "localhost"
	}
	if opts.DefaultObjectOwnership == "" {
		opts.DefaultObjectOwnership = ownershipEnforced
	}
	if !ownershipValues[opts.DefaultObjectOwnership] {
		return nil, fmt.Errorf("emulator: Options.DefaultObjectOwnership %q: want BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter", opts.DefaultObjectOwnership)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		region:      opts.Region,
		baseDomain:  strings.ToLower(strings.TrimSuffix(opts.BaseDomain, ".")),
		clock:       opts.Clock,
		store:       opts.Store,
		log:         opts.Logger,
		idle:        idleTimeouts{read: resolveIdleTimeout(opts.ReadIdleTimeout), write: resolveIdleTimeout(opts.WriteIdleTimeout)},
		ids:         newRequestIDs(),
		started:     time.Now(),
		completed:   newCompletedUploads(opts.MaxCompletedUploads),
		minPartSize: cmp.Or(opts.MinPartSize, minPartSize),
		verifier: verifier.New(verifier.Config{
			Region:      opts.Region,
			Credentials: opts.Credentials,
			Clock:       opts.Clock,
			// SigV2 signs the bucket taken from a virtual-hosted Host, so
			// the verifier must address requests as the server does.
			BaseDomain: opts.BaseDomain,
		}),
	}
	if err := s.setupInspection(opts); err != nil {
		return nil, err
	}
	s.accountPublicAccess, s.defaultOwnership = opts.AccountPublicAccessBlock, opts.DefaultObjectOwnership
	s.router = s.routes()
	s.control = s.controlRoutes()
	if err := validateStartupBuckets(opts.Buckets); err != nil {
		return nil, err
	}
	s.startupBuckets = append([]BucketSetup(nil), opts.Buckets...)
	if _, err := s.createStartupBuckets(context.Background()); err != nil {
		return nil, err
	}
	s.copyBuffers.New = newCopyBuffer
	return s, nil
}

// Region returns the region the server answers for.
func (s *Server) Region() string { return s.region }

// Store returns the server's store.
func (s *Server) Store() store.Store { return s.store }

// ServeHTTP answers one S3 request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w, body, watched := s.idle.watch(w, r)
	c := s.newCall(w, r)
	if body != nil {
		c.r.Body = body // c.r is the server's copy of r
	}
	defer c.finish()
	defer func() {
		if p := recover(); p != nil {
			c.panicked = p
			c.fail(s3err.New(s3err.InternalError).WithDiagnosis("panic while serving %s: %v", c.op, p))
		}
	}()
	c.fail(watched.end(s.serve(c), c.w.Header()))
}

// serve runs the pipeline; a nil error means the handler wrote its answer.
func (s *Server) serve(c *call) error {
	if err := s.checkHost(c); err != nil {
		return err
	}
	if s.isControl(c) {
		return s.serveControl(c)
	}
	op := s.route(c.r)
	c.op = op.name
	// CORS headers go on errors too, so a browser can read them; a POST
	// form upload (unauthenticated here) needs them most. See cors.go.
	s.corsHeaders(c)

	if !op.unauthenticated {
		res, err := s.authenticate(c)
		if err != nil {
			if err := s.tolerate(c, err); err != nil {
				return err
			}
			res = s.verifier.LaxResult(c.r)
		}
		c.auth = res
		c.applyQueryHeaders()
		if err := s.authorize(c, op); err != nil {
			return err
		}
	}
	return op.run(s, c)
}

// route finds the operation for r. A request that some operation would
// take with another method is 405 MethodNotAllowed; one no operation takes
// at all is 501 NotImplemented, so it can never change anything.
func (s *Server) route(r *http.Request) *operation {
	if op, ok := s.match(r); ok {
		return op
	}
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodHead} {
		if m == r.Method {
			continue
		}
		// The matchers only read: a shallow copy with another method is
		// enough, and this path is taken by failing requests only.
		alt := *r
		alt.Method = m
		if _, ok := s.match(&alt); ok {
			return methodNotAllowedOp
		}
	}
	return noOperationOp
}

// match runs the mux router. mux's own method-mismatch report is not used:
// in gorilla/mux v1.8 a later route can clear it.
func (s *Server) match(r *http.Request) (*operation, bool) {
	var m mux.RouteMatch
	if !s.router.Match(r, &m) || m.MatchErr != nil {
		return nil, false
	}
	op, ok := m.Handler.(*operation)
	return op, ok
}
