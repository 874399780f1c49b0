package verifier

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLaxResult_IsTheClaimedIdentity(t *testing.T) {
	v, _ := newTestVerifier(t, testRegion)
	cases := []struct {
		name      string
		target    string
		authz     string
		sha       string
		auth      AuthType
		key       string
		knownKey  bool
		mode      PayloadMode
		queryHdrs bool
	}{
		{name: "SigV4 header, known key", target: "/b/k", sha: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
			authz: "AWS4-HMAC-SHA256 Credential=" + keyMain.AccessKeyID + "/20260221/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
			auth:  AuthSigV4Header, key: keyMain.AccessKeyID, knownKey: true, mode: PayloadStreamingSigned},
		{name: "SigV4 header, unknown key gets no policy", target: "/b/k", sha: "UNSIGNED-PAYLOAD",
			authz: "AWS4-HMAC-SHA256 Credential=AKIANOBODY/20260221/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
			auth:  AuthSigV4Header, key: "AKIANOBODY", mode: PayloadUnsigned},
		{name: "pre-signed URL keeps its x-amz-* parameters", target: "/b/k?X-Amz-Credential=" + keyOdd.AccessKeyID + "%2F20260221%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00&x-amz-meta-a=1",
			auth: AuthSigV4Query, key: keyOdd.AccessKeyID, knownKey: true, mode: PayloadUnsigned, queryHdrs: true},
		{name: "SigV2 header", target: "/b/k", authz: "AWS " + keyMain.AccessKeyID + ":bad", auth: AuthSigV2Header, key: keyMain.AccessKeyID, knownKey: true},
		{name: "an Authorization S3 does not know is anonymous", target: "/b/k", authz: "Bearer x", auth: AuthAnonymous},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := clientRequest(t, http.MethodPut, "http://localhost"+tc.target, "", map[string]string{"Authorization": tc.authz, "X-Amz-Content-Sha256": tc.sha})
			r.Header.Set("X-Amz-Decoded-Content-Length", "0")
			res := v.LaxResult(r)
			require.NotNil(t, res)
			assert.Equal(t, tc.auth, res.Identity.Auth)
			assert.Equal(t, tc.key, res.Identity.AccessKeyID)
			assert.Equal(t, tc.mode, res.Payload.Mode)
			if tc.knownKey {
				assert.NotEmpty(t, res.Identity.Credential.SecretAccessKey, "the key's own record, policy included")
			} else {
				assert.Empty(t, res.Identity.Credential.SecretAccessKey)
				assert.Nil(t, res.Identity.Credential.Allow)
			}
			assert.Equal(t, tc.queryHdrs, res.QueryHeaders.Get("X-Amz-Meta-A") == "1")
			_, err := v.Body(r, res)
			assert.NoError(t, err, "a lax streaming result needs no signing key")
		})
	}
}
