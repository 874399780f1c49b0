package emulator

import (
	"embed"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"path"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// InspectorAccess says who may read the request inspector (the page,
// /_stricts3/requests and /_stricts3/report).
type InspectorAccess string

// The inspector's access modes. A browser cannot SigV4-sign a page load, so
// the inspector is not owner-signed like the control API's state-changing
// endpoints: by default it answers clients on the loopback interface only,
// decided by the connection's peer address (never by a header a client
// could forge). Behind a port mapping (Docker) the peer is the bridge's
// address, not loopback: such setups choose open.
const (
	InspectorLoopback InspectorAccess = "loopback"
	InspectorOpen     InspectorAccess = "open"
	// InspectorOff records nothing and serves none of the endpoints.
	InspectorOff InspectorAccess = "off"
)

// ParseInspectorAccess reads an --inspector value.
func ParseInspectorAccess(s string) (InspectorAccess, error) {
	switch a := InspectorAccess(s); a {
	case InspectorLoopback, InspectorOpen, InspectorOff:
		return a, nil
	}
	return "", fmt.Errorf("inspector access must be off, loopback or open, got %q", s)
}

//go:embed inspector_page
var inspectorPage embed.FS

// inspectorAllowed refuses a request the access mode does not admit.
func (s *Server) inspectorAllowed(c *call) error {
	switch s.inspectorAccess {
	case InspectorOpen:
		return nil
	case InspectorOff:
		return s3err.New(s3err.AccessDenied).WithDiagnosis(
			"the request inspector is off (stricts3 serve --inspector=off, Options.Inspector)")
	}
	if isLoopbackPeer(c.r.RemoteAddr) {
		return nil
	}
	return s3err.New(s3err.AccessDenied).WithDiagnosis(
		"the request inspector answers loopback clients only and the peer %s is not one; behind a port mapping (Docker), start the server with --inspector=open",
		c.r.RemoteAddr)
}

// isLoopbackPeer reports whether a connection's remote address is on the
// loopback interface (127.0.0.0/8, ::1, or IPv4-mapped loopback).
func isLoopbackPeer(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// controlInspectorPage serves the page and its script and style sheet.
func (s *Server) controlInspectorPage(c *call) error {
	if err := s.inspectorAllowed(c); err != nil {
		return err
	}
	name := strings.TrimPrefix(c.r.URL.Path, ControlPrefix)
	if name == "" {
		name = "index.html"
	}
	body, err := inspectorPage.ReadFile(path.Join("inspector_page", name))
	if err != nil {
		return fmt.Errorf("inspector page %s: %w", name, err)
	}
	h := c.w.Header()
	h.Set("Content-Type", map[string]string{
		".html": "text/html; charset=utf-8",
		".js":   "text/javascript; charset=utf-8",
		".css":  "text/css; charset=utf-8",
	}[path.Ext(name)])
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	// The page shows what clients sent (paths, header values); it renders
	// them as text only, and the policy forbids any script but its own.
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(body)
	}
	return nil
}

// requestList is GET /_stricts3/requests's answer.
type requestList struct {
	// Capacity is how many requests the inspector keeps.
	Capacity int                `json:"capacity"`
	Requests []InspectedRequest `json:"requests"`
}

// controlRequests lists the recorded requests, newest first, without their
// long texts. ?rejected=true keeps those strict mode refused; ?limit=N
// keeps the newest N.
func (s *Server) controlRequests(c *call) error {
	if err := s.inspectorAllowed(c); err != nil {
		return err
	}
	q := c.r.URL.Query()
	rejected := q.Get("rejected") == "true" || q.Get("rejected") == "1"
	limit, err := strconv.Atoi(q.Get("limit"))
	if q.Get("limit") != "" && (err != nil || limit < 0) {
		return s3err.Newf(s3err.InvalidArgument, "limit must be a non-negative integer.").
			With("ArgumentName", "limit").With("ArgumentValue", q.Get("limit"))
	}
	recent := s.inspector.recent(rejected, limit)
	out := requestList{Capacity: len(s.inspector.ring), Requests: make([]InspectedRequest, len(recent))}
	for i, e := range recent {
		out.Requests[i] = e.summary()
	}
	return writeJSON(c, http.StatusOK, out)
}

// controlRequest answers one recorded request in full.
func (s *Server) controlRequest(c *call) error {
	if err := s.inspectorAllowed(c); err != nil {
		return err
	}
	id := strings.TrimPrefix(c.r.URL.Path, ControlPrefix+"requests/")
	e, ok := s.inspector.get(id)
	if !ok {
		return s3err.Newf(s3err.InvalidArgument, "No recorded request has this id.").
			With("ArgumentName", "request-id").With("ArgumentValue", id).
			WithDiagnosis("request %s is not among the %d the inspector keeps (it may have been pushed out, or came before a restart)", id, len(s.inspector.ring))
	}
	return writeJSON(c, http.StatusOK, e)
}

// addInspectorRoutes adds the inspector's endpoints to the control API.
// They are read-only and answer as inspectorAllowed decides.
func (s *Server) addInspectorRoutes(add func(method, path string, e *controlEndpoint)) {
	page := &controlEndpoint{name: "ControlInspectorPage", run: (*Server).controlInspectorPage}
	add(http.MethodGet, "", page)
	add(http.MethodGet, "inspector.js", page)
	add(http.MethodGet, "inspector.css", page)
	add(http.MethodGet, "requests", &controlEndpoint{name: "ControlRequests", run: (*Server).controlRequests})
	add(http.MethodGet, "requests/{id}", &controlEndpoint{name: "ControlRequest", run: (*Server).controlRequest})
	add(http.MethodGet, "report", &controlEndpoint{name: "ControlReport", run: (*Server).controlReport})
}

// setupInspection applies the inspector and enforcement options.
func (s *Server) setupInspection(opts Options) error {
	s.inspectorAccess, s.enforce = opts.Inspector, opts.Enforce
	if s.inspectorAccess == "" {
		s.inspectorAccess = InspectorLoopback
	}
	if s.enforce == "" {
		s.enforce = EnforceStrict
	}
	if _, err := ParseInspectorAccess(string(s.inspectorAccess)); err != nil {
		return fmt.Errorf("emulator: Options.Inspector: %w", err)
	}
	if _, err := ParseEnforce(string(s.enforce)); err != nil {
		return fmt.Errorf("emulator: Options.Enforce: %w", err)
	}
	if s.inspectorAccess != InspectorOff {
		s.inspector = newInspector(opts.InspectorSize)
	}
	if s.enforce == EnforceWarn {
		s.warned = newWarnReport(opts.InspectorSize)
	}
	return nil
}
