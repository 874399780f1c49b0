package verifier

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClaimedAccessKeyID_EachScheme(t *testing.T) {
	tests := []struct {
		name, url, authz, want string
	}{
		{"sigv4 header", "/b/k", "AWS4-HMAC-SHA256 Credential=AKIAV4/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00", "AKIAV4"},
		{"sigv2 header", "/b/k", "AWS AKIAV2:c2lnbmF0dXJl", "AKIAV2"},
		{"sigv4 query", "/b/k?X-Amz-Credential=AKIAQ4%2F20260101%2Fus-east-1%2Fs3%2Faws4_request", "", "AKIAQ4"},
		{"sigv2 query", "/b/k?AWSAccessKeyId=AKIAQ2&Expires=1&Signature=x", "", "AKIAQ2"},
		{"anonymous", "/b/k", "", ""},
		{"over-long id is cut", "/b/k?AWSAccessKeyId=" + strings.Repeat("A", 500), "", strings.Repeat("A", maxClaimedKeyLen)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := http.NewRequest(http.MethodGet, "http://localhost"+tc.url, nil)
			require.NoError(t, err)
			if tc.authz != "" {
				r.Header.Set("Authorization", tc.authz)
			}
			assert.Equal(t, tc.want, ClaimedAccessKeyID(r))
		})
	}
}
