package emulator

import (
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"sync"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// Enforce says what the server does with a request S3 would refuse.
type Enforce string

const (
	// EnforceStrict answers S3's error, as S3 does. The default.
	EnforceStrict Enforce = "strict"
	// EnforceWarn runs every check but serves a request that fails one
	// the way a lax emulator would, and records the error S3 would have
	// answered (WarningHeader, a WARN log line, the inspector, the
	// report). Checks that protect the server itself (limits, timeouts,
	// framing it cannot parse) still refuse.
	EnforceWarn Enforce = "warn"
)

// ParseEnforce reads an --enforce value.
func ParseEnforce(s string) (Enforce, error) {
	switch e := Enforce(s); e {
	case EnforceStrict, EnforceWarn:
		return e, nil
	}
	return "", fmt.Errorf("enforce must be strict or warn, got %q", s)
}

// WarningHeader marks a response warn mode served despite a failed check:
// "<S3 code>: <cause ids>", one value per check.
const WarningHeader = "X-Stricts3-Warning"

// tolerate lets err pass in warn mode: it records err as a warning of c
// and returns nil. In strict mode, or for an error that is not a refusal
// (5xx, or not an S3 error at all), it returns err.
func (s *Server) tolerate(c *call, err error) error {
	if s.enforce != EnforceWarn || err == nil {
		return err
	}
	e, ok := s3err.As(err)
	if !ok || e.Status >= http.StatusInternalServerError {
		return err
	}
	c.warn(e)
	return nil
}

// maxWarningsPerRequest bounds the warnings one request keeps (and the
// WarningHeader values it gets): DeleteObjects alone can fail a permission
// check per key. Later ones are only counted.
const maxWarningsPerRequest = 16

// warn records e as a check warn mode let pass. The header is only
// possible while the response has not started; a check found later (none
// is today: bodies are read before answering) is still logged and
// recorded.
func (c *call) warn(e *s3err.Error) {
	if len(c.warnings) == maxWarningsPerRequest {
		c.moreWarnings++
		return
	}
	c.warnings = append(c.warnings, e)
	if c.w.status == 0 {
		v := string(e.Code)
		if ids := e.CauseIDs(); ids != "" {
			v += ": " + ids
		}
		c.w.Header().Add(WarningHeader, v)
	}
}

// warnAttrs adds warn mode's findings to a request's log line and raises
// it to WARN at least.
func (c *call) warnAttrs(attrs []slog.Attr, level slog.Level) ([]slog.Attr, slog.Level) {
	if len(c.warnings) == 0 {
		return attrs, level
	}
	first := c.warnings[0]
	attrs = append(attrs, slog.String("would_be_error", string(first.Code)))
	if ids := first.CauseIDs(); ids != "" {
		attrs = append(attrs, slog.String("causes", ids))
	}
	if first.Diagnosis != "" {
		attrs = append(attrs, slog.String("diagnosis", first.Diagnosis))
	}
	if n := len(c.warnings) + c.moreWarnings; n > 1 {
		attrs = append(attrs, slog.Int("warnings", n))
	}
	return attrs, max(level, slog.LevelWarn)
}

// Report is what warn mode found: GET /_stricts3/report, and the summary
// `stricts3 serve` prints on shutdown.
type Report struct {
	Enforce Enforce `json:"enforce"`
	// Warned counts requests served despite a failed check; ByCode and
	// ByCause count them by the S3 error strict mode would have answered
	// (the first, when several checks failed) and by each of its causes.
	Warned  int            `json:"warned"`
	ByCode  map[string]int `json:"byCode"`
	ByCause map[string]int `json:"byCause"`
	// Requests are the most recent warned requests, newest first, at most
	// Options.InspectorSize of them.
	Requests []InspectedRequest `json:"requests"`
}

// warnReport counts and keeps warned requests. Its maps are bounded: codes
// come from the s3err table and cause ids from a fixed list.
type warnReport struct {
	mu      sync.Mutex
	warned  int
	byCode  map[string]int
	byCause map[string]int
	recent  *inspector
}

func newWarnReport(size int) *warnReport {
	return &warnReport{byCode: map[string]int{}, byCause: map[string]int{}, recent: newInspector(size)}
}

func (w *warnReport) record(e *InspectedRequest) {
	w.mu.Lock()
	w.warned++
	w.byCode[e.Code]++
	for _, c := range e.Causes {
		w.byCause[c.ID]++
	}
	w.mu.Unlock()
	w.recent.record(e)
}

// Report returns what warn mode has found so far (empty in strict mode).
func (s *Server) Report() Report {
	r := Report{Enforce: s.enforce, ByCode: map[string]int{}, ByCause: map[string]int{}, Requests: []InspectedRequest{}}
	if s.warned == nil {
		return r
	}
	s.warned.mu.Lock()
	r.Warned = s.warned.warned
	r.ByCode = maps.Clone(s.warned.byCode)
	r.ByCause = maps.Clone(s.warned.byCause)
	s.warned.mu.Unlock()
	for _, e := range s.warned.recent.recent(false, 0) {
		r.Requests = append(r.Requests, *e)
	}
	return r
}

func (s *Server) controlReport(c *call) error {
	if err := s.inspectorAllowed(c); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, s.Report())
}

// postOptions are ReadPost's options for c: in warn mode, the form's
// signature, policy and size range are reported instead of refused.
func (s *Server) postOptions(c *call) []verifier.PostOption {
	if s.enforce != EnforceWarn {
		return nil
	}
	return []verifier.PostOption{verifier.PostWarnOnly(c.warn)}
}
