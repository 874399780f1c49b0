package emulator

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// On a bucket with ACLs enabled (ObjectWriter, as before 2023), a public
// ACL is refused while BlockPublicAcls is on — new buckets have it on — and
// accepted once it is off. With ACLs disabled the ACL is refused first as
// AccessControlListNotSupported.
func TestBlockPublicAcls_RefusesPublicACLOnACLEnabledBucket(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	_, err := ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy"), ObjectOwnership: types.ObjectOwnershipObjectWriter})
	require.NoError(t, err)
	_, err = ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("modern")})
	require.NoError(t, err)
	put := func(bucket string, acl types.ObjectCannedACL) error {
		_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("x"), ACL: acl})
		return err
	}

	err = put("legacy", types.ObjectCannedACLPublicRead)
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	assert.Contains(t, diagnosisOf(t, err), "x-amz-acl: public-read would make the object public, and BlockPublicAcls is on for bucket legacy")
	require.NoError(t, put("legacy", types.ObjectCannedACLPrivate), "a private ACL is not public")
	apiErr(t, put("modern", types.ObjectCannedACLPublicRead), "AccessControlListNotSupported", http.StatusBadRequest)

	_, err = ts.Client.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("legacy"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(true)}})
	require.NoError(t, err)
	require.NoError(t, put("legacy", types.ObjectCannedACLPublicRead))
	got, err := ts.Client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("legacy")})
	require.NoError(t, err)
	c := got.PublicAccessBlockConfiguration
	assert.False(t, *c.BlockPublicAcls)
	assert.True(t, *c.BlockPublicPolicy)
	assert.False(t, *c.IgnorePublicAcls, "a switch left out of the document is off")
}
