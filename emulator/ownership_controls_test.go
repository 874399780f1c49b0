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

	"github.com/stricts3/stricts3/verifier"
)

func TestOwnershipControls_GetPutDelete_DecideWhetherACLsAreAccepted(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	_, err := ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("owned")})
	require.NoError(t, err)
	get := func() (types.ObjectOwnership, error) {
		out, err := ts.Client.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("owned")})
		if err != nil {
			return "", err
		}
		require.Len(t, out.OwnershipControls.Rules, 1)
		return out.OwnershipControls.Rules[0].ObjectOwnership, nil
	}
	set := func(o types.ObjectOwnership) {
		_, err := ts.Client.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String("owned"),
			OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: o}}}})
		require.NoError(t, err)
	}
	putWithACL := func() error {
		_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("owned"), Key: aws.String("k"), Body: strings.NewReader("x"),
			ACL: types.ObjectCannedACLPrivate})
		return err
	}

	own, err := get()
	require.NoError(t, err)
	assert.Equal(t, types.ObjectOwnershipBucketOwnerEnforced, own, "new buckets have ACLs disabled")
	apiErr(t, putWithACL(), "AccessControlListNotSupported", http.StatusBadRequest)

	set(types.ObjectOwnershipObjectWriter)
	own, err = get()
	require.NoError(t, err)
	assert.Equal(t, types.ObjectOwnershipObjectWriter, own)
	require.NoError(t, putWithACL(), "ObjectWriter enables ACLs")

	set(types.ObjectOwnershipBucketOwnerEnforced)
	apiErr(t, putWithACL(), "AccessControlListNotSupported", http.StatusBadRequest)

	_, err = ts.Client.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: aws.String("owned")})
	require.NoError(t, err)
	_, err = get()
	apiErr(t, err, "OwnershipControlsNotFoundError", http.StatusNotFound)
	require.NoError(t, putWithACL(), "a bucket without ownership controls accepts ACLs")

	_, err = ts.Client.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String("owned"),
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: "Nobody"}}}})
	apiErr(t, err, "MalformedXML", http.StatusBadRequest)
	_, err = ts.Client.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("absent")})
	apiErr(t, err, "NoSuchBucket", http.StatusNotFound)
}

func TestOptionsDefaultObjectOwnership_ObjectWriterReproducesAPre2023Bucket(t *testing.T) {
	owner := verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}
	_, err := New(Options{Credentials: verifier.NewStaticCredentials(owner), DefaultObjectOwnership: "Everyone"})
	require.EqualError(t, err, `emulator: Options.DefaultObjectOwnership "Everyone": want BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter`)

	ts := NewTestServer(t, WithDefaultObjectOwnership("ObjectWriter"))
	ctx := context.Background()
	_, err = ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy")})
	require.NoError(t, err)
	out, err := ts.Client.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("legacy")})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectOwnershipObjectWriter, out.OwnershipControls.Rules[0].ObjectOwnership)
	_, err = ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("modern"), ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced})
	require.NoError(t, err)
	out, err = ts.Client.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("modern")})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectOwnershipBucketOwnerEnforced, out.OwnershipControls.Rules[0].ObjectOwnership, "the header wins over the default")
}
