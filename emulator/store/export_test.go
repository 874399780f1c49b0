package store

import "testing"

// RunStoreContract lets tests in package store_test, which may import the
// emulator (a strictS3 as a remote store's backend), run the contract.
func RunStoreContract(t *testing.T, newStore func(t *testing.T, clock Clock) Store, skip ...string) {
	runStoreContract(t, newStore, skip...)
}
