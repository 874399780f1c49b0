package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

const healthUsage = `usage: stricts3 health [--endpoint URL]

Asks a running server whether it is up (GET /_stricts3/health, no
credentials needed). Exit status 0 when it answers "ok", 1 otherwise, so it
serves as a container HEALTHCHECK without a shell:

  HEALTHCHECK CMD ["/stricts3", "health"]

Without --endpoint it reads STRICTS3_ENDPOINT, AWS_ENDPOINT_URL, then the
STRICTS3_ADDR and STRICTS3_TLS the server itself was started with.

`

// healthAnswer is the part of the health report the command prints.
type healthAnswer struct {
	Status        string    `json:"status"`
	Version       string    `json:"version"`
	UptimeSeconds float64   `json:"uptimeSeconds"`
	Store         string    `json:"store"`
	Time          time.Time `json:"time"`
}

func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer, getenv Getenv) error {
	c, rest, err := parseControl("health", healthUsage, args, stderr, getenv)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("health takes no arguments, got %q", rest)
	}
	cc, err := newControlClient(*c)
	if err != nil {
		return err
	}
	var h healthAnswer
	if err := cc.get(ctx, "health", &h); err != nil {
		return &exitError{code: exitRejected, err: fmt.Errorf("unhealthy: %w", err)}
	}
	if h.Status != "ok" {
		return &exitError{code: exitRejected, err: fmt.Errorf("unhealthy: %s answered status %q", c.endpoint, h.Status)}
	}
	fmt.Fprintf(stdout, "ok: %s, strictS3 %s, up %s, %s store, server time %s\n",
		c.endpoint, h.Version, (time.Duration(h.UptimeSeconds) * time.Second).String(), h.Store, h.Time.Format(time.RFC3339))
	return nil
}
