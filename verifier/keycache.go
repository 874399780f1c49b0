package verifier

import "sync"

// maxCachedKeys bounds the signing-key cache. A key is valid for one
// secret, day and region, so a server sees few distinct ones; the bound only
// matters when many credentials are in use at once.
const maxCachedKeys = 256

// signingKeyCache remembers derived SigV4 signing keys: deriving one costs
// four HMACs, and every request of the day by the same key reuses it.
type signingKeyCache struct {
	mu   sync.Mutex
	keys map[signingKeyID][]byte
}

type signingKeyID struct {
	secret, day, region string
}

func newSigningKeyCache() *signingKeyCache {
	return &signingKeyCache{keys: make(map[signingKeyID][]byte)}
}

// get returns the S3 signing key for secret, day and region, deriving and
// caching it when needed. The returned slice must not be modified.
func (c *signingKeyCache) get(secret, day, region string) []byte {
	id := signingKeyID{secret, day, region}
	c.mu.Lock()
	k, ok := c.keys[id]
	c.mu.Unlock()
	if ok {
		return k
	}
	k = deriveSigningKey(secret, day, region, "s3")
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.keys) >= maxCachedKeys {
		// Evict an arbitrary entry: map order is unspecified, which is enough
		// to keep the cache bounded without bookkeeping on the hot path.
		for old := range c.keys {
			delete(c.keys, old)
			break
		}
	}
	c.keys[id] = k
	return k
}
