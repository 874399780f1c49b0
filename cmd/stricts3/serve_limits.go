package main

import (
	"flag"
	"log/slog"
	"net/http"
	"time"

	"github.com/stricts3/stricts3/emulator"
)

// serveLimits bound what a client, authenticated or not, can hold of the
// server: time per idle read or write, and connections.
type serveLimits struct {
	readHeaderTimeout time.Duration
	idleTimeout       time.Duration
	readIdleTimeout   time.Duration
	writeIdleTimeout  time.Duration
	maxConnections    int
	maxHeaderBytes    int
	busyIdleTimeout   time.Duration
}

// defaultMaxConnections is the connection bound when the open-file limit
// leaves room for it; see connectionBudget.
const defaultMaxConnections = 1024

var limitsEnv = envFlags{
	"read-header-timeout": {"STRICTS3_READ_HEADER_TIMEOUT"},
	"idle-timeout":        {"STRICTS3_IDLE_TIMEOUT"},
	"read-idle-timeout":   {"STRICTS3_READ_IDLE_TIMEOUT"},
	"write-idle-timeout":  {"STRICTS3_WRITE_IDLE_TIMEOUT"},
	"max-connections":     {"STRICTS3_MAX_CONNECTIONS"},
	"max-header-bytes":    {"STRICTS3_MAX_HEADER_BYTES"},
	"busy-idle-timeout":   {"STRICTS3_BUSY_IDLE_TIMEOUT"},
}

func (l *serveLimits) addFlags(fs *flag.FlagSet) {
	fs.DurationVar(&l.readHeaderTimeout, "read-header-timeout", 30*time.Second, "how long a client may take to send a request's headers (and, over TLS, the handshake)")
	fs.DurationVar(&l.idleTimeout, "idle-timeout", 2*time.Minute, "how long a keep-alive connection may wait for its next request")
	fs.DurationVar(&l.readIdleTimeout, "read-idle-timeout", emulator.DefaultIdleTimeout, "how long a request body may go without a byte arriving before the request is answered 400 RequestTimeout and closed (enforced within a quarter more)")
	fs.DurationVar(&l.writeIdleTimeout, "write-idle-timeout", emulator.DefaultIdleTimeout, "how long a response may go without the client reading a byte before the connection is dropped (enforced within a quarter more)")
	fs.IntVar(&l.maxHeaderBytes, "max-header-bytes", http.DefaultMaxHeaderBytes, "largest request line plus headers a client may send")
	fs.IntVar(&l.maxConnections, "max-connections", defaultMaxConnections, "most connections open at once; past it new clients wait to be accepted (lowered to fit the open-file limit)")
	fs.DurationVar(&l.busyIdleTimeout, "busy-idle-timeout", time.Second, "at --max-connections, how long a connection waiting on its client may move no byte before it is timed out for a waiting client")
}

func (l *serveLimits) validate() error {
	for name, d := range map[string]time.Duration{
		"--read-header-timeout": l.readHeaderTimeout,
		"--idle-timeout":        l.idleTimeout,
		"--read-idle-timeout":   l.readIdleTimeout,
		"--write-idle-timeout":  l.writeIdleTimeout,
		"--busy-idle-timeout":   l.busyIdleTimeout,
	} {
		if d <= 0 {
			return usageErrorf("%s must be positive, got %s", name, d)
		}
	}
	if l.maxHeaderBytes < 1 {
		return usageErrorf("--max-header-bytes must be at least 1, got %d", l.maxHeaderBytes)
	}
	if l.maxConnections < 1 {
		return usageErrorf("--max-connections must be at least 1, got %d", l.maxConnections)
	}
	return nil
}

// Descriptors that are not connections: the listener, the data directory's
// lock, log files, the runtime's own. A generous guess, so that the bound
// on connections keeps accept4 from ever running out.
const reservedFiles = 64

// filesPerConnection is what one connection may hold open at once: its
// socket, and with --data-dir the file an upload streams into or a
// download streams from.
const filesPerConnection = 2

// connectionBudget lowers want to what the open-file limit can serve, after
// raising the soft limit to the hard one. It logs when it lowers.
func connectionBudget(want int, logger *slog.Logger) int {
	soft, err := raiseOpenFileLimit()
	if err != nil {
		logger.Warn("cannot read or raise the open-file limit; --max-connections is not checked against it", "error", err.Error())
		return want
	}
	if soft == 0 {
		return want
	}
	fit := uint64(1)
	if soft > reservedFiles+filesPerConnection {
		fit = (soft - reservedFiles) / filesPerConnection
	}
	if uint64(want) > fit {
		logger.Warn("--max-connections lowered to fit the open-file limit", "requested", want, "max_connections", fit, "open_file_limit", soft)
		return int(fit)
	}
	return want
}
