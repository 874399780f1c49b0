package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/verifier"
)

// newEmulator builds the S3 handler for c: its access keys, a directory
// store under --data-dir (else emulator.New's default, the memory store),
// and logger for the per-request lines.
func newEmulator(c *serveConfig, logger *slog.Logger) (http.Handler, error) {
	clock := verifier.SystemClock{}
	var st store.Store
	if c.dataDir != "" {
		dir, err := store.NewDir(c.dataDir, store.WithClock(clock), store.WithFsync(c.fsync))
		if err != nil {
			return nil, fmt.Errorf("--data-dir: %w", err)
		}
		st = dir
	}
	return emulator.New(emulator.Options{
		Region:      c.region,
		Credentials: verifier.NewStaticCredentials(c.creds...),
		Clock:       clock,
		Store:       st,
		BaseDomain:  c.domain,
		Logger:      logger,

		ReadIdleTimeout:  c.limits.readIdleTimeout,
		WriteIdleTimeout: c.limits.writeIdleTimeout,
		// 0 means the default to emulator.New; the flag's default is that
		// default, so 0 from the command line means "none" here.
		MaxCompletedUploads: completedUploadsOption(c.maxCompletedUploads),

		AccountPublicAccessBlock: c.access.accountPublicAccess,
		DefaultObjectOwnership:   c.access.objectOwnership,
	})
}

// completedUploadsOption maps --max-completed-uploads to
// Options.MaxCompletedUploads, whose 0 means the default.
func completedUploadsOption(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
