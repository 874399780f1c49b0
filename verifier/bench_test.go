package verifier

import (
	"crypto/sha256"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/benchcpu"
)

// The per-request budget of an authentic SigV4 request, signing key cached:
// 2 µs and 10 allocations. Each benchmark also runs its ceiling in the same
// process: the SHA-256 and HMAC the signature itself needs, over the same
// canonical request. "x-crypto" is how many times that floor the whole
// verification costs, a ratio that holds on any machine.

func benchPresignedRequest(b testing.TB) (*Verifier, *http.Request) {
	v, _ := newTestVerifier(b, testRegion)
	u, h := presignedURL(b, keyMain, testRegion, "GET", "http://localhost:9000/bucket/some/key%20with%20spaces.txt?response-content-type=text%2Fplain", time.Hour, nil)
	return v, presignedRequest(b, "GET", u, h)
}

func benchHeaderRequest(b testing.TB) (*Verifier, *http.Request) {
	v, _ := newTestVerifier(b, testRegion)
	return v, signedHeaderRequest(b, keyMain, "PUT", "http://localhost:9000/bucket/some/key.txt", "hello world",
		map[string]string{"Content-Type": "text/plain", "X-Amz-Meta-Color": "blue"})
}

func BenchmarkVerifyPresigned(b *testing.B) {
	v, r := benchPresignedRequest(b)
	benchAuthenticate(b, v, r)
}

func BenchmarkVerifyHeader(b *testing.B) {
	v, r := benchHeaderRequest(b)
	benchAuthenticate(b, v, r)
}

func benchAuthenticate(b *testing.B, v *Verifier, r *http.Request) {
	e := v.Explain(r)
	require.NoError(b, e.Err)
	key := v.keys.get(keyMain.SecretAccessKey, signTime.Format(dayLayout), testRegion).raw
	canonical := []byte(e.CanonicalRequest)

	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := benchcpu.Used()
	for b.Loop() {
		if _, err := v.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
	verify := benchcpu.Meter{CPU: benchcpu.Used() - cpu0, Ops: b.N}
	var floor benchcpu.Meter
	floor.Measure(b.N, func() {
		for range b.N {
			sum := sha256.Sum256(canonical)
			_ = hmacSum(key, sum[:]) // the string to sign is about as long
		}
	})
	b.ReportMetric(verify.CPUPerOp(), "cpu-ns/op")
	b.ReportMetric(floor.CPUPerOp(), "crypto-cpu-ns/op")
	if floor.CPU > 0 {
		b.ReportMetric(verify.CPUPerOp()/floor.CPUPerOp(), "x-crypto")
	}
}

// TestAuthenticate_AuthenticRequestsStayWithinTheAllocationBudget pins the
// allocation half of the budget: diagnosis work happens only on failure.
func TestAuthenticate_AuthenticRequestsStayWithinTheAllocationBudget(t *testing.T) {
	for name, build := range map[string]func(testing.TB) (*Verifier, *http.Request){
		"presigned": benchPresignedRequest, "header": benchHeaderRequest,
	} {
		t.Run(name, func(t *testing.T) {
			v, r := build(t)
			_, err := v.Authenticate(r) // warms the signing-key cache
			require.NoError(t, err)
			allocs := testing.AllocsPerRun(50, func() {
				if _, err := v.Authenticate(r); err != nil {
					t.Fatal(err)
				}
			})
			assert.LessOrEqual(t, allocs, 10.0)
			// Bytes too: a stack buffer that starts escaping (the query
			// parameters, 1.3 KB) costs one allocation but ten times the
			// bytes of the Result itself.
			const runs = 200
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range runs {
				if _, err := v.Authenticate(r); err != nil {
					t.Fatal(err)
				}
			}
			runtime.ReadMemStats(&after)
			assert.LessOrEqual(t, (after.TotalAlloc-before.TotalAlloc)/runs, uint64(512), "bytes allocated per authentic request")
		})
	}
}
