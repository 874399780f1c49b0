package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"time"
)

const clockUsage = `usage: stricts3 clock get | set RFC3339 | advance DURATION | reset [flags]

Reads or moves the server's clock, which decides pre-signed URL and POST
policy expiry, clock skew and LastModified. The clock keeps ticking after
set and advance; reset returns it to system time.

  stricts3 clock advance 16m        # a 15-minute pre-signed URL has now expired
  stricts3 clock advance -- -1h     # back an hour ("--" ends the flags)
  stricts3 clock set 2030-01-01T00:00:00Z
  stricts3 clock reset

Moving the clock needs an owner key (one without a policy); the command
signs with SigV4 at the server's time, so it works however far the clock
was moved. Other clients signing with this machine's time get
RequestTimeTooSkewed while the clock is more than 15 minutes off.

`

// clockAnswer is the control API's clock report.
type clockAnswer struct {
	Now           time.Time `json:"now"`
	OffsetSeconds float64   `json:"offsetSeconds"`
}

func runClock(ctx context.Context, args []string, stdout, stderr io.Writer, getenv Getenv) error {
	c, rest, err := parseControl("clock", clockUsage, args, stderr, getenv)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageErrorf("clock needs get, set, advance or reset")
	}
	var path string
	q := url.Values{}
	switch op, want := rest[0], 1; op {
	case "get", "reset":
		if len(rest) != want {
			return usageErrorf("clock %s takes no argument", op)
		}
		path = "clock/" + op
	case "set":
		if len(rest) != want+1 {
			return usageErrorf("clock set takes one RFC 3339 time, e.g. 2030-01-01T00:00:00Z")
		}
		if _, err := time.Parse(time.RFC3339Nano, rest[1]); err != nil {
			return usageErrorf("clock set: %v", err)
		}
		path = "clock/set"
		q.Set("time", rest[1])
	case "advance":
		if len(rest) != want+1 {
			return usageErrorf("clock advance takes one duration, e.g. 16m or -1h")
		}
		if _, err := time.ParseDuration(rest[1]); err != nil {
			return usageErrorf("clock advance: %v", err)
		}
		path = "clock/advance"
		q.Set("duration", rest[1])
	default:
		return usageErrorf("unknown clock operation %q: want get, set, advance or reset", op)
	}
	cc, err := newControlClient(*c)
	if err != nil {
		return err
	}
	var rep clockAnswer
	if path == "clock/get" {
		err = cc.get(ctx, "clock", &rep)
	} else {
		err = cc.post(ctx, path, q, &rep)
	}
	if err != nil {
		return err
	}
	offset := time.Duration(rep.OffsetSeconds * float64(time.Second)).Round(time.Millisecond)
	fmt.Fprintf(stdout, "%s (offset %s)\n", rep.Now.Format(time.RFC3339Nano), offset)
	return nil
}
