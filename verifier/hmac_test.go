package verifier

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
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
