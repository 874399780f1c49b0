package verifier

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Many goroutines verifying at once share one cache without races (run
// with -race) and always get the right key.
func TestSigningKeyCache_ConcurrentUse(t *testing.T) {
	c := newSigningKeyCache()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				region := "r" + strconv.Itoa((g*200+i)%300)
				assert.Equal(t, deriveSigningKey("s", "20260221", region, "s3"), c.get("s", "20260221", region).raw)
			}
		}(g)
	}
	wg.Wait()
	assert.LessOrEqual(t, c.len(), maxCachedKeys)
}

func TestSigningKeyCache_IsBoundedAndReused(t *testing.T) {
	c := newSigningKeyCache()
	k1 := c.get("secret", "20260221", "us-east-1")
	assert.Equal(t, deriveSigningKey("secret", "20260221", "us-east-1", "s3"), k1.raw)
	assert.Equal(t, newHMACKey(k1.raw), k1.mac)
	assert.Equal(t, 1, c.len())
	assert.Same(t, k1, c.get("secret", "20260221", "us-east-1"))
	assert.Equal(t, 1, c.len())
	for i := 0; i < 2*maxCachedKeys; i++ {
		c.get("secret", "20260221", "r"+strings.Repeat("x", i))
	}
	assert.LessOrEqual(t, c.len(), maxCachedKeys)
}

// len is the number of cached keys.
func (c *signingKeyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.keys)
}
