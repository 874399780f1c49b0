package emulator

import (
	"sync"

	"github.com/stricts3/stricts3/emulator/access"
)

// maxCachedPolicies bounds the parsed-policy cache: past it the cache is
// emptied and refilled by the requests that follow, so creating and
// deleting buckets forever cannot grow it.
const maxCachedPolicies = 1024

// policyCache keeps each bucket's parsed policy with the document it came
// from: parsing a 20 KB policy on every request would cost more than the
// request. A document that differs from the cached one (PutBucketPolicy,
// or a store changed behind the server) is parsed again.
type policyCache struct {
	mu      sync.Mutex
	entries map[string]cachedPolicy
}

type cachedPolicy struct {
	doc    string
	policy *access.BucketPolicy
}

func (pc *policyCache) parse(bucket string, doc []byte) (*access.BucketPolicy, error) {
	pc.mu.Lock()
	e, ok := pc.entries[bucket]
	pc.mu.Unlock()
	if ok && e.doc == string(doc) {
		return e.policy, nil
	}
	p, err := access.ParseBucketPolicy(doc, bucket)
	if err != nil {
		return nil, err
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.entries == nil || len(pc.entries) >= maxCachedPolicies {
		pc.entries = map[string]cachedPolicy{}
	}
	pc.entries[bucket] = cachedPolicy{doc: string(doc), policy: p}
	return p, nil
}
