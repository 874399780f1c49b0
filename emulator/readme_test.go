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
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/presign"
	"github.com/stricts3/stricts3/verifier"
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

// TestReadme_PermissionsWhoSignedMatters is the README's access.Policy
// example: the reader's pre-signed PUT is refused outside uploads/ and
// accepted inside it.
func TestReadme_PermissionsWhoSignedMatters(t *testing.T) {
	reader := access.Policy{
		{Effect: access.Allow, Actions: []string{"s3:GetObject", "s3:ListBucket"},
			Resources: []string{"arn:aws:s3:::photos", "arn:aws:s3:::photos/*"}},
		{Effect: access.Allow, Actions: []string{"s3:PutObject"},
			Resources: []string{"arn:aws:s3:::photos/uploads/*"}},
	}
	srv := emulator.NewTestServer(t, emulator.WithCredentials(
		verifier.Credential{AccessKeyID: "AKIAOWNEREXAMPLE", SecretAccessKey: "owner-secret"}, // srv.Client signs with the first
		verifier.Credential{AccessKeyID: "AKIAREADEREXAMPLE", SecretAccessKey: "reader-secret", Allow: reader.Allow},
	))
	require.Equal(t, "AKIAOWNEREXAMPLE", srv.AccessKeyID)
	s3test.MustCreateBucket(t, srv.Client, "photos")
	ctx := context.Background()
	signer := signerFor(srv, verifier.Credential{AccessKeyID: "AKIAREADEREXAMPLE", SecretAccessKey: "reader-secret"})

	for key, want := range map[string]int{"cat.png": http.StatusForbidden, "uploads/cat.png": http.StatusOK} {
		pr, err := signer.PutObject(ctx, "photos", key, 15*time.Minute, presign.PutOptions{})
		require.NoError(t, err)
		resp := sendPresigned(t, srv, pr, "png bytes")
		require.Equal(t, want, resp.StatusCode, key)
	}
	require.Equal(t, "png bytes", s3test.MustGetBody(t, srv.Client, "photos", "uploads/cat.png"))
}

// TestReadme_Gofakes3Backends is the README's gofakes3 example: a team's
// s3mem backend behind the strict front keeps what valid requests upload
// and sees nothing of a request whose signature does not match.
func TestReadme_Gofakes3Backends(t *testing.T) {
	backend := s3mem.New()
	srv := emulator.NewTestServer(t, emulator.WithStore(store.FromGofakes3(backend)))
	s3test.MustCreateBucket(t, srv.Client, "team")
	s3test.MustPutObject(t, srv.Client, "team", "kept.txt", "through the strict front")

	obj, err := backend.GetObject("team", "kept.txt", nil)
	require.NoError(t, err)
	b, err := io.ReadAll(obj.Contents)
	obj.Contents.Close()
	require.NoError(t, err)
	require.Equal(t, "through the strict front", string(b))

	req, err := srv.Presign.PresignPutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("team"), Key: aws.String("forged.txt")})
	require.NoError(t, err)
	put, err := http.NewRequest(http.MethodPut, strings.Replace(req.URL, "X-Amz-Signature=", "X-Amz-Signature=0", 1), strings.NewReader("forged"))
	require.NoError(t, err)
	resp, err := srv.HTTPClient.Do(put)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	_, err = backend.HeadObject("team", "forged.txt")
	require.Error(t, err, "a rejected upload never reaches the backend")
}
