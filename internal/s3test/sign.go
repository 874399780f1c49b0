package s3test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/require"
)

// Signer signs as S3 clients do: the request path is already escaped and is
// signed as sent, never escaped a second time (the SDK's default escapes it
// again, which S3 does not). opts adjust the signer further.
func Signer(opts ...func(*v4.SignerOptions)) *v4.Signer {
	return v4.NewSigner(append([]func(*v4.SignerOptions){func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }}, opts...)...)
}

// PayloadHash is the hex SHA-256 of body, the x-amz-content-sha256 of a
// signed payload.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// SignRequest signs r in its Authorization header with creds for region at
// at. The payload hash is r's X-Amz-Content-Sha256 header when set (e.g.
// UNSIGNED-PAYLOAD or a STREAMING-* mode), else the SHA-256 of body, which
// is then set as that header.
func SignRequest(t testing.TB, r *http.Request, body []byte, creds aws.Credentials, region string, at time.Time) {
	t.Helper()
	hash := r.Header.Get("X-Amz-Content-Sha256")
	if hash == "" {
		hash = PayloadHash(body)
		r.Header.Set("X-Amz-Content-Sha256", hash)
	}
	require.NoError(t, Signer().SignHTTP(context.Background(), creds, r, hash, "s3", region, at))
}

// PresignURL pre-signs r's method and URL (which carries X-Amz-Expires and
// any other query parameters to sign) for UNSIGNED-PAYLOAD at at, as S3
// presign clients do, and returns the URL.
func PresignURL(t testing.TB, r *http.Request, creds aws.Credentials, region string, at time.Time) string {
	t.Helper()
	u, _, err := Signer().PresignHTTP(context.Background(), creds, r, "UNSIGNED-PAYLOAD", "s3", region, at)
	require.NoError(t, err)
	return u
}
