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
	"github.com/stricts3/stricts3/internal/s3test"
)

func TestPutObject_ACLOnDefaultBucket_IsAccessControlListNotSupported(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "no-acls")
	s3test.MustPutObject(t, ts.Client, "no-acls", "k", "before")

	_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("no-acls"), Key: aws.String("k"),
		Body: strings.NewReader("after"), ACL: types.ObjectCannedACLPublicRead})
	apiErr(t, err, "AccessControlListNotSupported", http.StatusBadRequest)
	assert.Contains(t, err.Error(), "The bucket does not allow ACLs")
	assert.Equal(t, "before", s3test.MustGetBody(t, ts.Client, "no-acls", "k"))

	_, err = ts.Client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("no-acls"), Key: aws.String("m"),
		GrantRead: aws.String(`uri="http://acs.amazonaws.com/groups/global/AllUsers"`)})
	apiErr(t, err, "AccessControlListNotSupported", http.StatusBadRequest)

	_, err = ts.Client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("no-acls"), Key: aws.String("c"),
		CopySource: aws.String("no-acls/k"), ACL: types.ObjectCannedACLPublicRead})
	apiErr(t, err, "AccessControlListNotSupported", http.StatusBadRequest)

	// bucket-owner-full-control is what an ACL-disabled bucket means anyway.
	_, err = ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("no-acls"), Key: aws.String("k"),
		Body: strings.NewReader("after"), ACL: types.ObjectCannedACLBucketOwnerFullControl})
	require.NoError(t, err)
}

func TestCreateBucket_PublicACLWithDefaultOwnership_IsInvalidBucketAclWithObjectOwnership(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	_, err := ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("public"), ACL: types.BucketCannedACLPublicRead})
	apiErr(t, err, "InvalidBucketAclWithObjectOwnership", http.StatusBadRequest)
	_, err = ts.Client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("public")})
	require.Error(t, err, "the bucket was not created")

	_, err = ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("private"), ACL: types.BucketCannedACLPrivate})
	require.NoError(t, err)
}

func TestObjectWriterBucket_AcceptsACLHeaders(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	_, err := ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy-acls"),
		ObjectOwnership: types.ObjectOwnershipObjectWriter, ACL: types.BucketCannedACLPrivate})
	require.NoError(t, err)
	// New buckets block public ACLs, as on S3 since 2023: lift it first.
	_, err = ts.Client.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("legacy-acls")})
	require.NoError(t, err)
	_, err = ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("legacy-acls"), Key: aws.String("k"),
		Body: strings.NewReader("v"), ACL: types.ObjectCannedACLPublicRead})
	require.NoError(t, err)
	assert.Equal(t, "v", s3test.MustGetBody(t, ts.Client, "legacy-acls", "k"))
}

// S3 since April 2023: a public ACL on CreateBucket fails even with ACLs
// enabled, because the new bucket blocks public access; with ACLs disabled
// the ownership error comes first.
func TestCreateBucket_PublicACL_IsInvalidBucketAclWithBlockPublicAccessError(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	_, err := ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy-public"),
		ObjectOwnership: types.ObjectOwnershipObjectWriter, ACL: types.BucketCannedACLPublicRead})
	apiErr(t, err, "InvalidBucketAclWithBlockPublicAccessError", http.StatusBadRequest)
	_, err = ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy-public"),
		ObjectOwnership: types.ObjectOwnershipObjectWriter, GrantRead: aws.String("uri=http://acs.amazonaws.com/groups/global/AllUsers")})
	apiErr(t, err, "InvalidBucketAclWithBlockPublicAccessError", http.StatusBadRequest)
	_, err = ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy-public"), ACL: types.BucketCannedACLPublicRead})
	apiErr(t, err, "InvalidBucketAclWithObjectOwnership", http.StatusBadRequest)
	_, err = ts.Client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("legacy-public")})
	require.Error(t, err, "no bucket was created")
}
