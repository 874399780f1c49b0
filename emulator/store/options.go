package store

import (
	"log/slog"
	"time"
)

// Clock is the time source a store stamps LastModified, Initiated and
// CreationDate with. It is the same shape as the emulator's clock, declared
// here so the store does not import the emulator.
type Clock interface {
	Now() time.Time
}

// Option configures NewMemory or NewDir. Options that do not apply to a
// store (WithFsync on the memory store) are ignored by it.
type Option func(*options)

type options struct {
	clock  Clock
	fsync  bool
	logger *slog.Logger
}

// WithClock sets the store's clock; the default is the system clock.
func WithClock(c Clock) Option {
	return func(o *options) { o.clock = c }
}

// WithFsync makes the directory store fsync every data and metadata file
// before renaming it into place, and the directory after. It is off by
// default: an emulator trades crash durability for speed.
func WithFsync(on bool) Option {
	return func(o *options) { o.fsync = on }
}

// WithLogger sets where the directory store reports what it skipped while
// loading (a damaged file is logged and left alone, the rest is served);
// the default discards.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func applyOptions(opts []Option) options {
	o := options{clock: systemClock{}, logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}
