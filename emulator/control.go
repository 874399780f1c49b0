package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// ControlPrefix is the reserved path of strictS3's own API: health, clock
// and reset. It is recognised on path-style requests only. It can never
// address a bucket: "_stricts3" is not a valid bucket name, so no bucket of
// that name can exist, and on a virtual-hosted request (<bucket>.<domain>)
// the same path is an ordinary object key of <bucket>.
const ControlPrefix = "/_stricts3/"

// controlEndpoint is one endpoint of the control API.
type controlEndpoint struct {
	name string
	// owner endpoints change state: they need a SigV4 signature by an
	// owner key (one without a policy). The others are open, read-only
	// and reveal nothing secret.
	owner bool
	run   func(s *Server, c *call) error
}

// ServeHTTP exists so an endpoint can be a mux route handler; serveControl
// runs endpoints itself, after authentication.
func (e *controlEndpoint) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "control endpoint reached without the pipeline", http.StatusInternalServerError)
}

func (s *Server) controlRoutes() *mux.Router {
	r := mux.NewRouter()
	r.SkipClean(true)
	add := func(method, path string, e *controlEndpoint) {
		r.NewRoute().Name(e.name).Methods(method).Path(ControlPrefix + path).Handler(e)
	}
	add(http.MethodGet, "health", &controlEndpoint{name: "ControlHealth", run: (*Server).controlHealth})
	add(http.MethodGet, "clock", &controlEndpoint{name: "ControlGetClock", run: (*Server).controlGetClock})
	add(http.MethodPost, "clock/set", &controlEndpoint{name: "ControlSetClock", owner: true, run: (*Server).controlSetClock})
	add(http.MethodPost, "clock/advance", &controlEndpoint{name: "ControlAdvanceClock", owner: true, run: (*Server).controlAdvanceClock})
	add(http.MethodPost, "clock/reset", &controlEndpoint{name: "ControlResetClock", owner: true, run: (*Server).controlResetClock})
	add(http.MethodPost, "reset", &controlEndpoint{name: "ControlReset", owner: true, run: (*Server).controlReset})
	s.addInspectorRoutes(add)
	return r
}

// isControl reports whether c is for the control API: a path-style request
// under ControlPrefix.
func (s *Server) isControl(c *call) bool {
	if c.virtualHost {
		return false
	}
	p := c.r.URL.Path
	return p == strings.TrimSuffix(ControlPrefix, "/") || strings.HasPrefix(p, ControlPrefix)
}

// serveControl answers a control API request. Errors are S3 error
// documents, like every other answer of the server, so one error reader
// serves both.
func (s *Server) serveControl(c *call) error {
	c.op = "Control"
	var m mux.RouteMatch
	if !s.control.Match(c.r, &m) {
		if errors.Is(m.MatchErr, mux.ErrMethodMismatch) {
			return s3err.New(s3err.MethodNotAllowed).
				WithDiagnosis("%s does not take %s", c.r.URL.Path, c.r.Method)
		}
		return s3err.Newf(s3err.InvalidRequest, "Unknown strictS3 control endpoint.").
			WithDiagnosis("%s is not a control endpoint; they are %[2]shealth, clock, clock/set, clock/advance, clock/reset, reset, and the inspector's %[2]s, requests, requests/{id} and report", c.r.URL.Path, ControlPrefix)
	}
	e, ok := m.Handler.(*controlEndpoint)
	if !ok {
		return errors.New("control route without an endpoint")
	}
	c.op = e.name
	if e.owner {
		if err := s.authenticateOwner(c); err != nil {
			return err
		}
	}
	return e.run(s, c)
}

// authenticateOwner admits a SigV4-signed request (header or pre-signed
// URL) by a key without a policy: the verifier checks the signature as it
// checks any S3 request, clock skew included. Arguments travel in the query
// string, which the signature covers; a body is refused, since it would be
// neither read nor verified.
func (s *Server) authenticateOwner(c *call) error {
	res, err := s.verifier.Authenticate(c.r)
	if err != nil {
		return err
	}
	c.auth = res
	id := res.Identity
	switch {
	case id.Anonymous():
		return s3err.New(s3err.AccessDenied).
			WithDiagnosis("%s changes the server's state: sign it with SigV4 by an owner key (one without a policy), as `stricts3 clock` and `stricts3 reset` do", c.r.URL.Path)
	case id.Auth != verifier.AuthSigV4Header && id.Auth != verifier.AuthSigV4Query:
		return s3err.New(s3err.AccessDenied).
			WithDiagnosis("control requests must be signed with SigV4, not %s", id.Auth)
	case id.Credential.Allow != nil:
		return s3err.New(s3err.AccessDenied).
			WithDiagnosis("access key %s has a policy; only an owner key (one without a policy) may call %s", id.AccessKeyID, c.r.URL.Path)
	}
	if c.r.ContentLength != 0 {
		return s3err.Newf(s3err.InvalidRequest, "strictS3 control requests take their arguments in the query string and no body.")
	}
	return nil
}

// healthReport is GET /_stricts3/health's answer.
type healthReport struct {
	Status        string    `json:"status"`
	Version       string    `json:"version"`
	UptimeSeconds float64   `json:"uptimeSeconds"`
	Store         string    `json:"store"`
	Region        string    `json:"region"`
	Time          time.Time `json:"time"`
}

func (s *Server) controlHealth(c *call) error {
	return writeJSON(c, http.StatusOK, healthReport{
		Status:        "ok",
		Version:       buildVersion(),
		UptimeSeconds: time.Since(s.started).Seconds(),
		Store:         storeKind(s.store),
		Region:        s.region,
		Time:          s.clock.Now().UTC(),
	})
}

// storeKind names the store for the health report.
func storeKind(st store.Store) string {
	switch st.(type) {
	case *store.Memory:
		return "memory"
	case *store.Dir:
		return "directory"
	default:
		return "custom"
	}
}

// buildVersion is the module version the binary was built from: a tag
// for `go install …@version`, else the VCS revision a clone was built at.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, kv := range info.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.modified":
			if kv.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return "devel"
	}
	return "devel+" + rev + dirty
}

// writeJSON answers v as JSON.
func writeJSON(c *call, status int, v any) error {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	body = append(body, '\n')
	h := c.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	c.w.WriteHeader(status)
	_, _ = c.w.Write(body)
	return nil
}
