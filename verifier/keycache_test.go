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

// The last entry answers repeated requests; a request for another key
// passes it by and then becomes the last; an evicted key is still right.
func TestSigningKeyCache_LastEntryAnswersOnlyItsOwnID(t *testing.T) {
	c := newSigningKeyCache()
	a := c.get("secret", "20260221", "us-east-1")
	b := c.get("secret", "20260222", "us-east-1")
	assert.NotEqual(t, a.raw, b.raw)
	for _, tc := range []struct {
		secret, day, region string
		want                *signingKey
	}{
		{"secret", "20260222", "us-east-1", b},
		{"secret", "20260221", "us-east-1", a},
		{"secret", "20260221", "us-east-1", a},
		{"secret", "20260222", "us-east-1", b},
	} {
		got := c.get(tc.secret, tc.day, tc.region)
		assert.Same(t, tc.want, got, "%s %s", tc.day, tc.region)
		assert.Same(t, got, c.last.Load().key)
	}
	other := c.get("other", "20260221", "us-east-1")
	assert.Equal(t, deriveSigningKey("other", "20260221", "us-east-1", "s3"), other.raw)
	assert.Equal(t, deriveSigningKey("secret", "20260221", "eu-west-1", "s3"), c.get("secret", "20260221", "eu-west-1").raw)
}

// A warm cache answers without allocating.
func TestSigningKeyCache_WarmGetDoesNotAllocate(t *testing.T) {
	c := newSigningKeyCache()
	c.get("a", "20260221", "us-east-1")
	c.get("b", "20260221", "us-east-1")
	allocs := testing.AllocsPerRun(50, func() {
		c.get("a", "20260221", "us-east-1")
		c.get("b", "20260221", "us-east-1")
	})
	assert.Zero(t, allocs)
}
