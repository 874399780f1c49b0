package emulator_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

// TestReadme_UploadLinkExpires is the README's Go example, kept compiling
// and passing so the documentation cannot drift from the API.
func TestReadme_UploadLinkExpires(t *testing.T) {
	srv := emulator.NewTestServer(t)
	ctx := context.Background()
	_, err := srv.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("uploads")})
	require.NoError(t, err)

	req, err := srv.Presign.PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("uploads"), Key: aws.String("avatar.png"),
	}, s3.WithPresignExpires(15*time.Minute))
	require.NoError(t, err)

	srv.Clock.Advance(16 * time.Minute)
	put, err := http.NewRequest(http.MethodPut, req.URL, strings.NewReader("png bytes"))
	require.NoError(t, err)
	resp, err := srv.HTTPClient.Do(put)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, string(body), "<Message>Request has expired</Message>")

	// Client signs with srv.Clock, so it keeps working after the Advance.
	_, err = srv.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("uploads"), Key: aws.String("avatar.png")})
	var notFound *types.NotFound
	require.ErrorAs(t, err, &notFound, "an expired upload must store nothing")
}
