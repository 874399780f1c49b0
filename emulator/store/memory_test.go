package store

import "testing"

func TestMemory_Contract(t *testing.T) {
	runStoreContract(t, func(t *testing.T, clock Clock) Store {
		return NewMemory(WithClock(clock))
	})
}
