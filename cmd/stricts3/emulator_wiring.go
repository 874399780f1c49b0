package main

import (
	"errors"
	"log/slog"
	"net/http"
)

// newEmulator builds the S3 handler and its store for c.
func newEmulator(c *serveConfig, logger *slog.Logger) (http.Handler, func(), error) {
	return nil, nil, errors.New("serve: the emulator is not available yet")
}
