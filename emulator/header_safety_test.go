package emulator_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A response header holding a control byte makes Go's HTTP client refuse
// the whole response ("malformed MIME header line"), so an aws-sdk-go-v2
// caller sees a transport error instead of the object or the S3 error.
// Requests cannot carry such bytes in headers (net/http refuses them), but
// the query can: as a response-* override or as a pre-signed x-amz-meta-*
// value that is stored and sent back on every GET. (Found by FuzzServer's
// header invariant.)

func sendIn(t *testing.T, env *fuzzEnv, method, target string, sign uint8) *http.Response {
	t.Helper()
	req, ok := rawRequest(method, target, "", nil)
	require.True(t, ok)
	require.True(t, fuzzSign(req, nil, sign))
	return env.check(t, req).Result()
}

func TestHeaderSafety_OverrideWithControlCharacter_IsInvalidArgument(t *testing.T) {
	for _, param := range []string{"response-content-disposition", "response-content-type", "response-cache-control"} {
		t.Run(param, func(t *testing.T) {
			env := newFuzzEnv(t)
			resp := sendIn(t, env, "GET", "/fuzz/obj?"+param+"=a%01b%7F", 2)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		})
	}
}

func TestHeaderSafety_PresignedMetadataWithControlCharacter_IsStoredEncodedAndReadable(t *testing.T) {
	env := newFuzzEnv(t)
	put := sendIn(t, env, "PUT", "/fuzz/meta?x-amz-meta-note=line1%0Aline2%01", 2)
	require.Equal(t, http.StatusOK, put.StatusCode)
	get := sendIn(t, env, "GET", "/fuzz/meta", 1)
	require.Equal(t, http.StatusOK, get.StatusCode)
	// The server writes metadata names as stored (lower case), which
	// Header.Get would not find in a recorder's map.
	assert.Equal(t, []string{"=?UTF-8?Q?line1=0Aline2=01?="}, get.Header["X-Amz-Meta-note"],
		"RFC 2047, as S3 stores non-ASCII metadata, so the value survives")
}
