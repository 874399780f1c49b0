package verifier

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
)

// testdata/boto3_presigned.json holds URLs pre-signed by boto3 (SigV2 by
// default in us-east-1, and SigV4 with signature_version='s3v4'), the
// everyday client of spec §12.
func TestBoto3_PresignedURLs_AreAuthentic(t *testing.T) {
	raw, err := os.ReadFile("testdata/boto3_presigned.json")
	require.NoError(t, err)
	var fx struct {
		SignedAt int64 `json:"signed_at_unix"`
		URLs     []struct {
			Signer, Method, Key, URL string
			Headers                  map[string]string
		}
	}
	require.NoError(t, json.Unmarshal(raw, &fx))
	require.NotEmpty(t, fx.URLs)
	for _, u := range fx.URLs {
		t.Run(u.Signer+" "+u.Method+" "+u.Key, func(t *testing.T) {
			clk := s3test.NewClock(time.Unix(fx.SignedAt+60, 0).UTC())
			v := New(Config{Region: "us-east-1", Credentials: NewStaticCredentials(keyMain), Clock: clk})
			h := http.Header{}
			for k, val := range u.Headers {
				h.Set(k, val)
			}
			res, err := v.Authenticate(presignedRequest(t, u.Method, u.URL, h))
			require.NoError(t, err)
			if u.Signer == "default" {
				assert.Equal(t, AuthSigV2Query, res.Identity.Auth)
			} else {
				assert.Equal(t, AuthSigV4Query, res.Identity.Auth)
			}
			if u.Method == "PUT" && u.Signer == "default" {
				// SigV2: botocore moved the metadata header into the query.
				assert.Equal(t, "blue", res.QueryHeaders.Get("X-Amz-Meta-Color"))
			}
			clk.Advance(2 * time.Hour)
			_, err = v.Authenticate(presignedRequest(t, u.Method, u.URL, h))
			require.Error(t, err, "expired an hour after signing")
		})
	}
}
