package emulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// Options.MinPartSize lowers the floor for parts before the last, so a
// strictS3 serving as another's backend takes what the front accepted.
func TestOptions_MinPartSize_LowersThePartFloor(t *testing.T) {
	for name, tt := range map[string]struct {
		floor int64
		want  string // error code, "" for success
	}{
		"default is S3's 5 MiB": {0, "EntityTooSmall"},
		"lowered to 4 bytes":    {4, ""},
		"lowered, still above":  {6, "EntityTooSmall"},
	} {
		t.Run(name, func(t *testing.T) {
			srv, err := New(Options{
				Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}),
				MinPartSize: tt.floor,
			})
			require.NoError(t, err)
			hs := httptest.NewServer(srv)
			defer hs.Close()
			c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL), UsePathStyle: true,
				Credentials: credentials.NewStaticCredentialsProvider(TestAccessKeyID, TestSecretAccessKey, "")})
			s3test.MustCreateBucket(t, c, "mpu")
			ctx := context.Background()
			up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k")})
			require.NoError(t, err)
			parts := uploadParts(t, c, "mpu", "k", aws.ToString(up.UploadId), []byte("small"), []byte("last"))
			_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k"),
				UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			apiErr(t, err, tt.want, http.StatusBadRequest)
		})
	}
}
