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

// With ACLs disabled (the default), PutBucketAcl and PutObjectAcl accept
// only what changes nothing — bucket-owner-full-control, or a document
// granting the owner FULL_CONTROL alone — and refuse the rest with
// AccessControlListNotSupported. With ACLs enabled strictS3 answers 501.
func TestACLWrites_ACLsDisabledAcceptOnlyOwnerFullControl(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "acls-off")
	s3test.MustPutObject(t, ts.Client, "acls-off", "k", "v")
	b, k := aws.String("acls-off"), aws.String("k")
	ownerOnly := &types.AccessControlPolicy{Owner: &types.Owner{ID: aws.String(theOwner.ID)}, Grants: []types.Grant{{
		Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(theOwner.ID)}, Permission: types.PermissionFullControl}}}
	withPublic := &types.AccessControlPolicy{Owner: ownerOnly.Owner, Grants: append(append([]types.Grant(nil), ownerOnly.Grants...), types.Grant{
		Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: types.PermissionRead})}

	tests := []struct {
		name string
		run  func() error
		code string
	}{
		{"object: bucket-owner-full-control", func() error {
			_, err := ts.Client.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: k, ACL: types.ObjectCannedACLBucketOwnerFullControl})
			return err
		}, ""},
		{"object: public-read", func() error {
			_, err := ts.Client.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: k, ACL: types.ObjectCannedACLPublicRead})
			return err
		}, "AccessControlListNotSupported"},
		{"object: owner-only document", func() error {
			_, err := ts.Client.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: k, AccessControlPolicy: ownerOnly})
			return err
		}, ""},
		{"object: document with a public grant", func() error {
			_, err := ts.Client.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: k, AccessControlPolicy: withPublic})
			return err
		}, "AccessControlListNotSupported"},
		{"bucket: owner-only document", func() error {
			_, err := ts.Client.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, AccessControlPolicy: ownerOnly})
			return err
		}, ""},
		{"bucket: public-read", func() error {
			_, err := ts.Client.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead})
			return err
		}, "AccessControlListNotSupported"},
		{"bucket: grant header to AllUsers", func() error {
			_, err := ts.Client.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, GrantRead: aws.String("uri=http://acs.amazonaws.com/groups/global/AllUsers")})
			return err
		}, "AccessControlListNotSupported"},
		{"object: missing key", func() error {
			_, err := ts.Client.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: aws.String("absent"), ACL: types.ObjectCannedACLBucketOwnerFullControl})
			return err
		}, "NoSuchKey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if tt.code == "" {
				require.NoError(t, err)
				return
			}
			apiErr(t, err, tt.code, 0)
		})
	}

	_, err := ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acls-on"), ObjectOwnership: types.ObjectOwnershipObjectWriter})
	require.NoError(t, err)
	_, err = ts.Client.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("acls-on"), ACL: types.BucketCannedACLPrivate})
	require.NoError(t, err, "a bucket with ACLs enabled takes the ACL")
}
