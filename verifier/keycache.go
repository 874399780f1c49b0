package verifier

import "sync"

// maxCachedKeys bounds the signing-key cache. A key is valid for one
// secret, day and region, so a server sees few distinct ones; the bound only
// matters when many credentials are in use at once.
const maxCachedKeys = 256

// signingKeyCache remembers derived SigV4 signing keys: deriving one costs
// four HMACs, and every request of the day by the same key reuses it, with
// its HMAC pad states.
type signingKeyCache struct {
	mu   sync.Mutex
	keys map[signingKeyID]*signingKey
}

// signingKey is a derived SigV4 key. mac holds it prepared for signing;
// raw is the key itself, which callers must not modify.
type signingKey struct {
	raw []byte
	mac hmacKey
}

func newSigningKey(raw []byte) *signingKey {
	return &signingKey{raw: raw, mac: newHMACKey(raw)}
}

type signingKeyID struct {
	secret, day, region string
}

func newSigningKeyCache() *signingKeyCache {
	return &signingKeyCache{keys: make(map[signingKeyID]*signingKey)}
}

// get returns the S3 signing key for secret, day and region, deriving and
// caching it when needed.
func (c *signingKeyCache) get(secret, day, region string) *signingKey {
	id := signingKeyID{secret, day, region}
	c.mu.Lock()
	k, ok := c.keys[id]
	c.mu.Unlock()
	if ok {
		return k
	}
	k = newSigningKey(deriveSigningKey(secret, day, region, "s3"))
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
