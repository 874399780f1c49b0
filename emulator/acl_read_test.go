package emulator

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
)

// S3 answers ACL reads on buckets with ACLs disabled (the default since
// 2023): the owner has FULL_CONTROL. The owner is the bucket owner's
// account, for the bucket and for every object in it.
func TestACLReads_AnswerBucketOwnerFullControl(t *testing.T) {
	ts, other := twoAccounts(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, other, "theirs")
	s3test.MustPutObject(t, other, "theirs", "k", "v")
	want := ownerOf(otherAccount)

	b, err := other.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("theirs")})
	require.NoError(t, err)
	o, err := other.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("theirs"), Key: aws.String("k")})
	require.NoError(t, err)
	for _, acl := range []struct {
		owner  *types.Owner
		grants []types.Grant
	}{{b.Owner, b.Grants}, {o.Owner, o.Grants}} {
		assert.Equal(t, want.ID, *acl.owner.ID)
		require.Len(t, acl.grants, 1)
		assert.Equal(t, types.PermissionFullControl, acl.grants[0].Permission)
		assert.Equal(t, types.TypeCanonicalUser, acl.grants[0].Grantee.Type)
		assert.Equal(t, want.ID, *acl.grants[0].Grantee.ID)
	}

	_, err = other.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("theirs"), Key: aws.String("absent")})
	apiErr(t, err, "NoSuchKey", http.StatusNotFound)
	_, err = ts.Client.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("theirs")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
}
