package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// DefaultInspectorSize is how many recent requests the inspector keeps
// unless Options.InspectorSize says otherwise.
const DefaultInspectorSize = 300

// maxInspectedText bounds each long text an inspector entry keeps (the
// canonical request, the string to sign, the diagnosis), and
// maxInspectedShort each short one (path, query, evidence values): a
// request can carry up to the server's header limit in either, and the
// ring must stay a few megabytes whatever clients send.
const (
	maxInspectedText  = 16 << 10
	maxInspectedShort = 2 << 10
)

// InspectedRequest is one request as the inspector recorded it: what was
// asked, how it authenticated, what was answered and why. It never holds a
// secret: no signature the server computed, no secret key, and session
// tokens are replaced by "<redacted>" wherever the request carried them.
type InspectedRequest struct {
	ID          string    `json:"id"`
	Time        time.Time `json:"time"`
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	Query       string    `json:"query,omitempty"`
	Operation   string    `json:"operation"`
	Bucket      string    `json:"bucket,omitempty"`
	Key         string    `json:"key,omitempty"`
	Auth        string    `json:"auth,omitempty"`
	AccessKeyID string    `json:"accessKeyId,omitempty"`
	Status      int       `json:"status"`
	// Code is the S3 error strict mode answers: the one answered, or in
	// warn mode the first check let pass (Warned is then true, Status is
	// what the client really got, and ServedCode the error it got after
	// being let through, if any).
	Code       string `json:"code,omitempty"`
	Message    string `json:"message,omitempty"`
	Warned     bool   `json:"warned,omitempty"`
	ServedCode string `json:"servedCode,omitempty"`
	// Warnings are every check warn mode let pass, in the order found.
	Warnings  []Warning     `json:"warnings,omitempty"`
	Causes    []s3err.Cause `json:"causes,omitempty"`
	Diagnosis string        `json:"diagnosis,omitempty"`
	// CanonicalRequest and StringToSign are what a refused request was
	// checked against, built from the request as received (SigV2 has a
	// string to sign only). They are empty for accepted requests (keeping
	// them would cost every request), anonymous and POST requests, and when
	// authentication stopped before signing.
	CanonicalRequest string  `json:"canonicalRequest,omitempty"`
	StringToSign     string  `json:"stringToSign,omitempty"`
	ElapsedMillis    float64 `json:"elapsedMillis"`
}

// Warning is one check warn mode let pass: the S3 error strict mode
// answers, with its causes.
type Warning struct {
	Code      string        `json:"code"`
	Message   string        `json:"message"`
	Causes    []s3err.Cause `json:"causes,omitempty"`
	Diagnosis string        `json:"diagnosis,omitempty"`
}

// Rejected reports whether strict mode refused the request: it was
// answered an error, or warn mode served it despite one.
func (e *InspectedRequest) Rejected() bool { return e.Code != "" }

// summary is e without the long texts, for the list the page polls.
func (e *InspectedRequest) summary() InspectedRequest {
	s := *e
	s.CanonicalRequest, s.StringToSign, s.Diagnosis = "", "", ""
	s.Warnings = nil
	s.Causes = make([]s3err.Cause, len(e.Causes))
	for i, c := range e.Causes {
		s.Causes[i] = s3err.Cause{ID: c.ID, Message: c.Message}
	}
	return s
}

// inspector keeps the most recent requests in a ring. Recording costs one
// allocation per request and never blocks on readers for long: readers copy
// what they need under the lock.
type inspector struct {
	mu   sync.Mutex
	ring []*InspectedRequest
	next int
	full bool
}

func newInspector(size int) *inspector {
	if size <= 0 {
		size = DefaultInspectorSize
	}
	return &inspector{ring: make([]*InspectedRequest, size)}
}

func (in *inspector) record(e *InspectedRequest) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.ring[in.next] = e
	in.next++
	if in.next == len(in.ring) {
		in.next, in.full = 0, true
	}
}

// recent returns the recorded requests, newest first, at most limit (all
// when limit <= 0), only the rejected ones when rejected is set.
func (in *inspector) recent(rejected bool, limit int) []*InspectedRequest {
	in.mu.Lock()
	defer in.mu.Unlock()
	n := in.next
	if in.full {
		n = len(in.ring)
	}
	out := make([]*InspectedRequest, 0, n)
	for i := 1; i <= n; i++ {
		e := in.ring[(in.next-i+len(in.ring))%len(in.ring)]
		if rejected && !e.Rejected() {
			continue
		}
		out = append(out, e)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out
}

// get returns the recorded request with id, if it is still in the ring.
func (in *inspector) get(id string) (*InspectedRequest, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	i := slices.IndexFunc(in.ring, func(e *InspectedRequest) bool { return e != nil && e.ID == id })
	if i < 0 {
		return nil, false
	}
	return in.ring[i], true
}

// signedStrings are the scheme a request tried and the SigV4 texts
// authentication built for it, kept for the inspector. The signature
// strictS3 computed is deliberately not among them.
type signedStrings struct {
	auth                    verifier.AuthType
	canonical, stringToSign string
}

// authenticate is the pipeline's authentication step. An authentic request
// costs the inspector nothing here; for a refused one it keeps the scheme
// tried and the texts signed (see refusedStrings).
func (s *Server) authenticate(c *call) (*verifier.Result, error) {
	res, err := s.verifier.Authenticate(c.r)
	if err != nil && s.inspector != nil {
		c.signed = s.refusedStrings(c.r, err)
	}
	return res, err
}

// refusedStrings are the canonical request and string to sign of a
// refused request. SignatureDoesNotMatch carries them already, as AWS
// sends them (SigV2's has a string to sign only), so the diagnosis that
// found them is never run twice; for any other refusal Explain repeats the
// checks, which without a diagnosis cost microseconds.
func (s *Server) refusedStrings(r *http.Request, err error) signedStrings {
	out := signedStrings{auth: verifier.ClaimedAuth(r)}
	if e, ok := s3err.As(err); ok && e.Code == s3err.SignatureDoesNotMatch {
		out.canonical, _ = e.Get("CanonicalRequest")
		out.stringToSign, _ = e.Get("StringToSign")
		return out
	}
	ex := s.verifier.Explain(r)
	out.canonical, out.stringToSign = ex.CanonicalRequest, ex.StringToSign
	return out
}

// inspect records c in the inspector, if it is on, and in warn mode's
// report if a check was let pass. Control API requests are left out: the
// inspector page polls them every second.
func (s *Server) inspect(c *call, elapsed time.Duration) {
	warned := s.warned != nil && len(c.warnings) > 0
	if (s.inspector == nil && !warned) || s.isControl(c) {
		return
	}
	e := &InspectedRequest{
		ID:               c.requestID,
		Time:             s.clock.Now().UTC(),
		Method:           c.r.Method,
		Path:             clip(c.r.URL.EscapedPath(), maxInspectedShort),
		Query:            clip(redactQuery(c.r.URL.RawQuery), maxInspectedShort),
		Operation:        c.op,
		Bucket:           c.bucket,
		Key:              clip(c.key, maxInspectedShort),
		Status:           c.w.statusOr200(),
		ElapsedMillis:    float64(elapsed.Microseconds()) / 1000,
		CanonicalRequest: clip(redactCanonicalRequest(c.signed.canonical), maxInspectedText),
		StringToSign:     clip(c.signed.stringToSign, maxInspectedText),
	}
	e.Auth, e.AccessKeyID = c.authSummary()
	for _, w := range c.warnings {
		e.Warnings = append(e.Warnings, newWarning(w))
	}
	shown := c.err
	if len(c.warnings) > 0 {
		shown, e.Warned = c.warnings[0], true
		if c.err != nil {
			e.ServedCode = string(c.err.Code)
		}
	}
	if shown != nil {
		e.Code, e.Message = string(shown.Code), shown.Message
		e.Causes = clipCauses(shown.Causes)
		e.Diagnosis = clip(shown.Diagnosis, maxInspectedText)
	}
	if s.inspector != nil {
		s.inspector.record(e)
	}
	if warned {
		s.warned.record(e)
	}
}

// newWarning keeps a warning's diagnosis short: the first one's is the
// entry's Diagnosis in full.
func newWarning(e *s3err.Error) Warning {
	return Warning{Code: string(e.Code), Message: e.Message, Causes: clipCauses(e.Causes), Diagnosis: clip(e.Diagnosis, maxInspectedShort)}
}

// authSummary is how c authenticated and as whom: the verified identity,
// else the scheme it tried and the key it claimed.
func (c *call) authSummary() (auth, accessKeyID string) {
	if c.auth != nil {
		return string(c.auth.Identity.Auth), c.auth.Identity.AccessKeyID
	}
	return string(c.signed.auth), verifier.ClaimedAccessKeyID(c.r)
}

func clipCauses(cs []s3err.Cause) []s3err.Cause {
	if len(cs) == 0 {
		return nil
	}
	out := make([]s3err.Cause, len(cs))
	for i, c := range cs {
		out[i] = s3err.Cause{ID: c.ID, Message: clip(c.Message, maxInspectedText)}
		if len(c.Evidence) > 0 {
			out[i].Evidence = make(map[string]string, len(c.Evidence))
			for k, v := range c.Evidence {
				out[i].Evidence[k] = clip(v, maxInspectedShort)
			}
		}
	}
	return out
}

// clip cuts s to at most max bytes and says how much it left out.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return s[:max] + fmt.Sprintf("…[%d more bytes]", len(s)-max)
}

// inspectOnce records c when its status is decided, before the response
// reaches the client, so a client that reads the inspector right after an
// answer always finds the request there; finish records the requests that
// never wrote a status.
func (c *call) inspectOnce() {
	if c.inspected {
		return
	}
	c.inspected = true
	c.s.inspect(c, time.Since(c.start))
}
