package emulator_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/presign"
)

// A form's acl field is the upload's ACL: public-read on a bucket with
// ACLs enabled serves the object to anonymous GETs; on a bucket with ACLs
// disabled (the default) it is refused as x-amz-acl would be.
func TestPostObject_ACLField_PublicReadServesAnonymousGet(t *testing.T) {
	ts, signer := postServer(t)
	ctx := context.Background()
	_, err := ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy"), ObjectOwnership: types.ObjectOwnershipObjectWriter})
	require.NoError(t, err)
	_, err = ts.Client.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("legacy")})
	require.NoError(t, err)

	form, err := signer.PresignPost(ctx, "legacy", "pub.txt", time.Hour, presign.Field("acl", "public-read"))
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, sendForm(t, ts, form, "hello").StatusCode)
	resp, err := ts.HTTPClient.Get(ts.URL + "/legacy/pub.txt")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "hello", string(body))

	form, err = signer.PresignPost(ctx, postBucket, "pub.txt", time.Hour, presign.Field("acl", "public-read"))
	require.NoError(t, err)
	refused := sendForm(t, ts, form, "hello")
	assert.Equal(t, http.StatusBadRequest, refused.StatusCode)
	assert.Equal(t, "AccessControlListNotSupported", readError(t, refused).Code)
	_, err = headObject(t, ts, "pub.txt")
	require.Error(t, err, "a refused upload stores nothing")
}
