package emulator

import (
	"sync"
	"time"

	"github.com/stricts3/stricts3/verifier"
)

// AdjustableClock is a clock the control API (POST /_stricts3/clock/...)
// may move. OffsetClock is one; ManualClock is not, because it has no
// system time to return to.
type AdjustableClock interface {
	verifier.Clock
	// Set makes Now return t at this instant.
	Set(t time.Time)
	// Advance moves Now by d (backward when d is negative).
	Advance(d time.Duration)
	// Reset returns the clock to its base (system) time.
	Reset()
	// Offset is how far Now is from the base time.
	Offset() time.Duration
}

// OffsetClock is a base clock (the system clock by default) plus an
// adjustable offset. Unlike ManualClock it keeps ticking after Set or
// Advance, so a server run as a binary goes on behaving like a server
// whose clock is simply wrong. It is safe for concurrent use.
type OffsetClock struct {
	base   verifier.Clock
	mu     sync.Mutex
	offset time.Duration
}

// NewOffsetClock returns a clock on base with no offset; a nil base is the
// system clock.
func NewOffsetClock(base verifier.Clock) *OffsetClock {
	if base == nil {
		base = verifier.SystemClock{}
	}
	return &OffsetClock{base: base}
}

// Now returns the base time plus the offset.
func (c *OffsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Now().Add(c.offset)
}

// Set makes Now return t at this instant; the clock keeps ticking from t.
func (c *OffsetClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = t.Sub(c.base.Now())
}

// Advance adds d to the offset.
func (c *OffsetClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Reset drops the offset: Now is the base time again.
func (c *OffsetClock) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = 0
}

// Offset returns the current offset from the base time.
func (c *OffsetClock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}
