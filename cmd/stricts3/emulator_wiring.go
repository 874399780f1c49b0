package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/verifier"
)

// newEmulator builds the S3 handler for c: its access keys, a directory
// store under --data-dir (else emulator.New's default, the memory store),
// the start-up buckets, and logger for the per-request lines. The clock is
// the system clock plus an offset the control API can move
// (`stricts3 clock`). release lets go of the data directory; call it once
// the server has stopped.
func newEmulator(c *serveConfig, logger *slog.Logger) (handler http.Handler, release func(), err error) {
	clock := emulator.NewOffsetClock(verifier.SystemClock{})
	var st store.Store
	release = func() {}
	if c.dataDir != "" {
		dir, err := store.NewDir(c.dataDir, store.WithClock(clock), store.WithFsync(c.fsync), store.WithLogger(logger))
		if err != nil {
			return nil, nil, dataDirError(err)
		}
		st = dir
		release = func() { _ = dir.Close() }
	}
	if c.backend.url != "" {
		if st, err = c.backend.open(context.Background(), clock); err != nil {
			return nil, nil, err
		}
	}
	opts := emulator.Options{
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
		Buckets:             c.startup.setups,

		AccountPublicAccessBlock: c.access.accountPublicAccess,
		DefaultObjectOwnership:   c.access.objectOwnership,
	}
	c.inspection.apply(&opts)
	handler, err = emulator.New(opts)
	if err != nil {
		release()
		return nil, nil, err
	}
	return handler, release, nil
}

// dataDirError makes a folder --data-dir cannot use a usage error: the
// user named the wrong folder. A folder in use by another server is a
// runtime failure.
func dataDirError(err error) error {
	if errors.Is(err, store.ErrRootNotDirectory) || errors.Is(err, store.ErrRootForeign) || errors.Is(err, store.ErrRootFormat) {
		return usageErrorf("--data-dir: %v", err)
	}
	return fmt.Errorf("--data-dir: %w", err)
}

// completedUploadsOption maps --max-completed-uploads to
// Options.MaxCompletedUploads, whose 0 means the default.
func completedUploadsOption(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
