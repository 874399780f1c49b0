package emulator

import (
	"net/http"
	"time"

	"github.com/stricts3/stricts3/internal/s3err"
)

// clockReport is the control API's view of the server clock.
type clockReport struct {
	// Now is the server's time: what expiry, skew and LastModified use.
	Now time.Time `json:"now"`
	// AmzDate is Now as X-Amz-Date spells it, for a client that signs a
	// control request at the server's time (needed once the clock is more
	// than 15 minutes off).
	AmzDate string `json:"amzDate"`
	// OffsetSeconds is how far Now is from the system clock.
	OffsetSeconds float64 `json:"offsetSeconds"`
	// Adjustable says whether the clock endpoints can move it.
	Adjustable bool `json:"adjustable"`
}

func (s *Server) clockReport() clockReport {
	now := s.clock.Now()
	rep := clockReport{Now: now.UTC(), AmzDate: now.UTC().Format("20060102T150405Z"), OffsetSeconds: now.Sub(time.Now()).Round(time.Millisecond).Seconds()}
	if ac, ok := s.clock.(AdjustableClock); ok {
		rep.Adjustable = true
		rep.OffsetSeconds = ac.Offset().Seconds()
	}
	return rep
}

// controlGetClock is open: a client signing a control request needs the
// server's time once the clock has moved more than the 15 minutes of
// allowed skew.
func (s *Server) controlGetClock(c *call) error {
	return writeJSON(c, http.StatusOK, s.clockReport())
}

// controlSetClock sets the clock to ?time= (RFC 3339); it keeps ticking.
func (s *Server) controlSetClock(c *call) error {
	return s.moveClock(c, "time", func(v string) (func(AdjustableClock), error) {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return nil, controlArgument("time", v, "want an RFC 3339 time such as 2026-01-02T15:04:05Z: %v", err)
		}
		return func(ac AdjustableClock) { ac.Set(t) }, nil
	})
}

// controlAdvanceClock moves the clock by ?duration= (a Go duration such as
// 16m or -1h30m).
func (s *Server) controlAdvanceClock(c *call) error {
	return s.moveClock(c, "duration", func(v string) (func(AdjustableClock), error) {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, controlArgument("duration", v, "want a duration such as 16m, 2h or -90s: %v", err)
		}
		return func(ac AdjustableClock) { ac.Advance(d) }, nil
	})
}

// controlResetClock returns the clock to system time.
func (s *Server) controlResetClock(c *call) error {
	return s.moveClock(c, "", func(string) (func(AdjustableClock), error) {
		return AdjustableClock.Reset, nil
	})
}

// moveClock parses the query parameter param into a move, applies it and
// answers the clock's new state. Nothing moves unless parsing succeeded.
func (s *Server) moveClock(c *call, param string, parse func(value string) (func(AdjustableClock), error)) error {
	ac, ok := s.clock.(AdjustableClock)
	if !ok {
		return s3err.New(s3err.NotImplemented).
			WithDiagnosis("this server's clock (%T) cannot be moved through the control API; `stricts3 serve` uses an OffsetClock, NewTestServer's ManualClock is moved in Go", s.clock)
	}
	move, err := parse(c.query.Get(param))
	if err != nil {
		return err
	}
	move(ac)
	return writeJSON(c, http.StatusOK, s.clockReport())
}

// controlArgument is the InvalidArgument answer for a bad query argument,
// shaped as S3 shapes it.
func controlArgument(name, value, format string, args ...any) error {
	return s3err.Newf(s3err.InvalidArgument, "Invalid value for the %s parameter.", name).
		With("ArgumentName", name).With("ArgumentValue", value).
		WithDiagnosis(format, args...)
}
