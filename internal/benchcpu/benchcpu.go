// Package benchcpu measures the CPU time the whole process spends, for
// benchmarks run on shared machines: wall-clock ns/op grows with every
// other process competing for the cores, CPU time per operation much less.
// It also counts the server goroutines' and the garbage collector's work,
// which a wall clock around a client call attributes to no one.
package benchcpu

import "time"

// Used returns the user plus system CPU time of this process so far; zero
// where the system does not say (see used_other.go).
func Used() time.Duration { return used() }

// Meter accumulates the wall and CPU time of measured stretches of code.
type Meter struct {
	Wall, CPU time.Duration
	// Ops is how many operations the measured stretches performed.
	Ops int
}

// Measure runs f, which performs ops operations, and adds its cost.
func (m *Meter) Measure(ops int, f func()) {
	w0, c0 := time.Now(), Used()
	f()
	m.CPU += Used() - c0
	m.Wall += time.Since(w0)
	m.Ops += ops
}

// CPUPerOp is the mean CPU time per operation, in nanoseconds.
func (m *Meter) CPUPerOp() float64 {
	if m.Ops == 0 {
		return 0
	}
	return float64(m.CPU.Nanoseconds()) / float64(m.Ops)
}

// WallPerOp is the mean wall-clock time per operation, in nanoseconds.
func (m *Meter) WallPerOp() float64 {
	if m.Ops == 0 {
		return 0
	}
	return float64(m.Wall.Nanoseconds()) / float64(m.Ops)
}
