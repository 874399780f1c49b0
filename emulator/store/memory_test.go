package store

import (
	"testing"

	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func TestMemory_Contract(t *testing.T) {
	runStoreContract(t, func(t *testing.T, clock Clock) Store {
		return NewMemory(WithClock(clock))
	})
}

func TestFromGofakes3_S3mem_Contract(t *testing.T) {
	runStoreContract(t, func(t *testing.T, clock Clock) Store {
		return FromGofakes3(s3mem.New(), WithClock(clock))
	})
}
