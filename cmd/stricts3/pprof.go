package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// --pprof serves Go's profiler (net/http/pprof) so a user can see where a
// CI job's S3 time goes: `go tool pprof http://127.0.0.1:6060/debug/pprof/profile`.
// It has its own mux and listener, never the S3 port, and is off by default.
// The profiler shows memory contents (goroutine stacks, heap) that may
// include secrets, so only a loopback address is accepted.

// defaultPprofHeaderTimeout is --pprof-header-timeout's default: how long
// a profiler client may take to send its request headers, or stay idle
// between requests, so a stuck client cannot hold a connection forever.
// Profiles themselves take as long as they ask (?seconds=N), so there is
// no write deadline.
const defaultPprofHeaderTimeout = 10 * time.Second

// checkPprofAddr accepts "" (off) or host:port with a loopback host:
// "localhost" or a loopback IP. A missing host would listen on every
// interface.
func checkPprofAddr(addr string) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErrorf("--pprof wants host:port on loopback, such as 127.0.0.1:6060: %v", err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return usageErrorf("--pprof %q: the profiler exposes the process's memory, so it listens on loopback only (127.0.0.1, ::1 or localhost)", addr)
}

// pprofMux routes the profiler's endpoints, as net/http/pprof registers
// them on http.DefaultServeMux, which strictS3 never serves.
func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// startPprof serves the profiler on addr, unless addr is "", and prints
// where to w. stop closes it; it is safe to call when addr was "".
func startPprof(addr string, headerTimeout time.Duration, w io.Writer, logger *slog.Logger) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof: %w", err)
	}
	// "localhost" may resolve to something else on a strange system.
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		ln.Close()
		return nil, usageErrorf("--pprof %q resolved to %s, which is not a loopback address", addr, ln.Addr())
	}
	srv := &http.Server{
		Handler:           pprofMux(),
		ReadHeaderTimeout: headerTimeout,
		IdleTimeout:       headerTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Warn("pprof server stopped", "error", err.Error())
		}
	}()
	fmt.Fprintf(w, "pprof on http://%s/debug/pprof/\n", ln.Addr())
	return func() {
		// A profile in progress is cut short: the user asked to stop.
		_ = srv.Shutdown(cancelledContext())
		_ = srv.Close()
		<-done
	}, nil
}

// cancelledContext makes Shutdown close idle connections and return at
// once instead of waiting for a running profile.
func cancelledContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
