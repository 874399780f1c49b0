package benchcpu

import (
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMeter_CountsTheCPUOfBusyWork(t *testing.T) {
	var m Meter
	buf := make([]byte, 1<<20)
	m.Measure(10, func() {
		for range 10 {
			sha256.Sum256(buf)
		}
	})
	assert.Equal(t, 10, m.Ops)
	assert.Positive(t, m.Wall)
	assert.Positive(t, m.CPU, "hashing 10 MiB takes measurable CPU")
	assert.InDelta(t, float64(m.CPU.Nanoseconds())/10, m.CPUPerOp(), 1)
	assert.Zero(t, (&Meter{}).CPUPerOp())
}
