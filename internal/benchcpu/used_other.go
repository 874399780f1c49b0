//go:build !unix

package benchcpu

import "time"

// used is unknown here: CPU metrics read zero and only ns/op counts.
func used() time.Duration { return 0 }
