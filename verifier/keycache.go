package verifier

import (
	"sync"
	"sync/atomic"
)

// maxCachedKeys bounds the signing-key cache. A key is valid for one
// secret, day and region, so a server sees few distinct ones; the bound only
// matters when many credentials are in use at once.
const maxCachedKeys = 256

// signingKeyCache remembers derived SigV4 signing keys: deriving one costs
// four HMACs, and every request of the day by the same key reuses it, with
// its HMAC pad states.
type signingKeyCache struct {
	mu   sync.Mutex
	keys map[signingKeyID]*cachedKey
	// last is the entry get returned last. Requests come in runs signed by
	// one key on one day, which it answers with a load and three string
	// compares, without the lock and the map's hash of the secret.
	last atomic.Pointer[cachedKey]
}

// cachedKey is one entry of the cache; it never changes once stored.
type cachedKey struct {
	id  signingKeyID
	key *signingKey
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
	return &signingKeyCache{keys: make(map[signingKeyID]*cachedKey)}
}

// get returns the S3 signing key for secret, day and region, deriving and
// caching it when needed.
func (c *signingKeyCache) get(secret, day, region string) *signingKey {
	id := signingKeyID{secret, day, region}
	if e := c.last.Load(); e != nil && e.id == id {
		return e.key
	}
	c.mu.Lock()
	e, ok := c.keys[id]
	c.mu.Unlock()
	if ok {
		c.last.Store(e)
		return e.key
	}
	k := newSigningKey(deriveSigningKey(secret, day, region, "s3"))
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
	e = &cachedKey{id, k}
	c.keys[id] = e
	c.last.Store(e)
	return k
}
