package verifier

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHMACSum_MatchesCryptoHMAC(t *testing.T) {
	keys := []string{"", "k", strings.Repeat("k", 32), strings.Repeat("k", 64), strings.Repeat("k", 65), strings.Repeat("\xff", 200)}
	datas := []string{"", "d", strings.Repeat("d", hmacStackData-1), strings.Repeat("d", hmacStackData),
		strings.Repeat("d", hmacStackData+1), strings.Repeat("\x00", 5000)}
	for _, k := range keys {
		for _, d := range datas {
			m := hmac.New(sha256.New, []byte(k))
			m.Write([]byte(d))
			got := hmacSum([]byte(k), []byte(d))
			assert.Equal(t, m.Sum(nil), got[:], "key %d bytes, data %d bytes", len(k), len(d))
		}
	}
}

func TestHMACSum_NoHeapAllocationForAStringToSign(t *testing.T) {
	key := make([]byte, 32)
	data := []byte(strings.Repeat("s", 150))
	allocs := testing.AllocsPerRun(100, func() { _ = hmacSum(key, data) })
	assert.Zero(t, allocs)
}

// The prepared key gives crypto/hmac's MAC for keys shorter than, as long
// as and longer than a block, and messages around the block boundaries.
func TestHMACKey_MatchesCryptoHMAC(t *testing.T) {
	keyLens := []int{0, 1, 32, 63, 64, 65, 200}
	dataLens := []int{0, 1, 55, 56, 63, 64, 65, 119, 120, 134, 200, hmacStackData + 1, 5000}
	for _, kl := range keyLens {
		for _, dl := range dataLens {
			key := []byte(strings.Repeat("\xa5", kl))
			data := []byte(strings.Repeat("s", dl))
			m := hmac.New(sha256.New, key)
			m.Write(data)
			k := newHMACKey(key)
			require.NotNil(t, k.inner, "the standard SHA-256 marshals its state")
			got := k.sum(data)
			assert.Equal(t, m.Sum(nil), got[:], "key %d bytes, data %d bytes", kl, dl)
			again := k.sum(data) // the prepared states are not consumed
			assert.Equal(t, got, again)
		}
	}
}

// Without pad states (a hash that cannot marshal its state), sum still
// computes the MAC, from the raw key.
func TestHMACKey_WithoutPadStatesFallsBackToTheRawKey(t *testing.T) {
	key := []byte("signing key")
	data := []byte("string to sign")
	k := hmacKey{raw: key}
	assert.Equal(t, hmacSum(key, data), k.sum(data))
	corrupt := newHMACKey(key)
	corrupt.inner = []byte("not a state")
	assert.Equal(t, hmacSum(key, data), corrupt.sum(data))
}

func TestHMACKey_NoHeapAllocationForAStringToSign(t *testing.T) {
	k := newHMACKey(make([]byte, 32))
	data := []byte(strings.Repeat("s", 150))
	allocs := testing.AllocsPerRun(100, func() { _ = k.sum(data) })
	assert.Zero(t, allocs)
}
