package verifier

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Requests signed by aws-sdk-go-v2 must verify, byte for byte, for keys and
// secrets that trip up hand-written signers.
func TestSigV4Header_SDKSignedRequests_AreAuthentic(t *testing.T) {
	cases := []struct {
		name, method, target, body string
		headers                    map[string]string
		cred                       Credential
	}{
		{"get object", "GET", "http://localhost:9000/bucket/key.txt", "", nil, keyMain},
		{"put with body and metadata", "PUT", "http://localhost:9000/bucket/dir/file", "hello",
			map[string]string{"Content-Type": "text/plain", "X-Amz-Meta-Color": "  blue   green "}, keyMain},
		{"key with spaces plus equals percent unicode", "GET",
			"http://localhost:9000/bucket/a%20b%2Bc%3Dd%25e%C3%A9", "", nil, keyMain},
		{"key with double slash", "GET", "http://localhost:9000/bucket//x//y", "", nil, keyMain},
		{"query with sorting and encoding", "GET",
			"http://localhost:9000/bucket?list-type=2&prefix=a%20b%2F&delimiter=%2F&max-keys=10", "", nil, keyMain},
		{"odd secret", "GET", "http://localhost:9000/bucket/k", "", nil, keyOdd},
		{"virtual hosted", "GET", "http://bucket.localhost:9000/k", "", nil, keyMain},
		{"unsigned payload", "PUT", "http://localhost:9000/bucket/k", "data",
			map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"}, keyMain},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newTestVerifier(t, testRegion)
			r := signedHeaderRequest(t, tc.cred, tc.method, tc.target, tc.body, tc.headers)
			res, err := v.Authenticate(r)
			require.NoError(t, err)
			assert.Equal(t, AuthSigV4Header, res.Identity.Auth)
			assert.Equal(t, tc.cred.AccessKeyID, res.Identity.AccessKeyID)
		})
	}
}

func TestSigV4Query_SDKPresignedURLs_AreAuthentic(t *testing.T) {
	cases := []struct {
		name, method, target string
		headers              map[string]string
		cred                 Credential
	}{
		{"get", "GET", "http://localhost:9000/bucket/key.txt", nil, keyMain},
		{"put with content type signed", "PUT", "http://localhost:9000/bucket/k", map[string]string{"Content-Type": "image/png"}, keyMain},
		{"special key", "GET", "http://localhost:9000/bucket/a%20b%2Bc%3Dd%25e%C3%A9//f", nil, keyMain},
		{"odd secret", "GET", "http://localhost:9000/bucket/k", nil, keyOdd},
		{"metadata hoisted into the query", "PUT", "http://localhost:9000/bucket/k", map[string]string{"X-Amz-Meta-Foo": "bar"}, keyMain},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := newTestVerifier(t, testRegion)
			u, h := presignedURL(t, tc.cred, testRegion, tc.method, tc.target, 15*time.Minute, tc.headers)
			r := presignedRequest(t, tc.method, u, h)
			res, err := v.Authenticate(r)
			require.NoError(t, err)
			assert.Equal(t, AuthSigV4Query, res.Identity.Auth)
			assert.Equal(t, PayloadUnsigned, res.Payload.Mode)
		})
	}
}
