package emulator

import (
	"context"
	"log/slog"
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

// legacyBucket creates an ACL-enabled bucket (ObjectWriter) whose Block
// Public Access is lifted, as a pre-2023 bucket was.
func legacyBucket(t *testing.T, c *s3.Client, bucket string) {
	t.Helper()
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket), ObjectOwnership: types.ObjectOwnershipObjectWriter})
	require.NoError(t, err)
	allowPublicPolicies(t, c, bucket)
}

// putWithACL uploads body to legacy/key with the canned ACL acl.
func putWithACL(t *testing.T, c *s3.Client, key, body string, acl types.ObjectCannedACL) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("legacy"), Key: aws.String(key), Body: strings.NewReader(body), ACL: acl})
	require.NoError(t, err)
}

// A public-read object on an ACL-enabled bucket is served to anonymous
// GET and HEAD; a private one beside it is not, and listing needs the
// bucket's own READ grant. IgnorePublicAcls turns the grant off again and
// the diagnosis says so.
func TestACLGrants_PublicReadObject_AnonymousGet_UntilIgnorePublicAcls(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	legacyBucket(t, ts.Client, "legacy")
	putWithACL(t, ts.Client, "pub", "hello", types.ObjectCannedACLPublicRead)
	putWithACL(t, ts.Client, "priv", "secret", "")

	resp, body := anonymous(t, ts, http.MethodGet, ts.URL+"/legacy/pub", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "hello", string(body))
	resp, _ = anonymous(t, ts, http.MethodHead, ts.URL+"/legacy/pub", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, _ = anonymous(t, ts, http.MethodGet, ts.URL+"/legacy/priv", nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a private object beside it stays private")
	resp, _ = anonymous(t, ts, http.MethodGet, ts.URL+"/legacy", nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "an object grant does not open the bucket listing")

	_, err := ts.Client.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("legacy"), ACL: types.BucketCannedACLPublicRead})
	require.NoError(t, err)
	resp, body = anonymous(t, ts, http.MethodGet, ts.URL+"/legacy", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "<Key>priv</Key>", "AllUsers READ on the bucket lists it")

	_, err = ts.Client.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("legacy"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true)}})
	require.NoError(t, err)
	resp, _ = anonymous(t, ts, http.MethodGet, ts.URL+"/legacy/pub", nil)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("X-Stricts3-Diagnosis"), "the object ACL grants READ to group AllUsers, but IgnorePublicAcls is on for bucket legacy")
}

// An explicit Deny in the bucket policy wins over a public-read grant.
func TestACLGrants_ExplicitPolicyDenyWinsOverGrant(t *testing.T) {
	ts := NewTestServer(t)
	legacyBucket(t, ts.Client, "legacy")
	putWithACL(t, ts.Client, "pub", "hello", types.ObjectCannedACLPublicRead)
	require.NoError(t, putPolicy(t, ts.Client, "legacy", `{"Version":"2012-10-17","Statement":[
		{"Sid":"NoReads","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::legacy/*"}]}`))
	resp, _ := anonymous(t, ts, http.MethodGet, ts.URL+"/legacy/pub", nil)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("X-Stricts3-Diagnosis"), `statement "NoReads"`)
}

// Another account gets in through grants to its canonical id: WRITE on
// the bucket lets it upload (and, on ObjectWriter, own what it wrote),
// READ on an object lets it read that object; AuthenticatedUsers covers
// any signed key but not anonymous callers.
func TestACLGrants_OtherAccount_ByCanonicalIDAndAuthenticatedUsers(t *testing.T) {
	ts, other := twoAccounts(t)
	ctx := context.Background()
	legacyBucket(t, ts.Client, "legacy")
	otherID := ownerOf(otherAccount).ID
	put := func(c *s3.Client, key string, acl types.ObjectCannedACL) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("legacy"), Key: aws.String(key), Body: strings.NewReader("x"), ACL: acl})
		return err
	}

	apiErr(t, put(other, "from-other", ""), "AccessDenied", http.StatusForbidden)
	_, err := ts.Client.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("legacy"),
		GrantWrite: aws.String(`id="` + otherID + `"`), GrantFullControl: aws.String(`id="` + theOwner.ID + `"`)})
	require.NoError(t, err)
	require.NoError(t, put(other, "from-other", ""), "WRITE on the bucket lets the grantee upload")
	acl, err := other.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("legacy"), Key: aws.String("from-other")})
	require.NoError(t, err, "the writer owns its object and has FULL_CONTROL of it")
	assert.Equal(t, otherID, *acl.Owner.ID)
	require.Len(t, acl.Grants, 1)
	assert.Equal(t, types.PermissionFullControl, acl.Grants[0].Permission)

	require.NoError(t, put(ts.Client, "shared", ""))
	_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("legacy"), Key: aws.String("shared")})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	_, err = ts.Client.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("legacy"), Key: aws.String("shared"), GrantRead: aws.String(`id="` + otherID + `"`)})
	require.NoError(t, err)
	_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("legacy"), Key: aws.String("shared")})
	require.NoError(t, err, "READ to its canonical id lets the other account read")

	require.NoError(t, put(ts.Client, "members", types.ObjectCannedACLAuthenticatedRead))
	_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("legacy"), Key: aws.String("members")})
	require.NoError(t, err, "authenticated-read serves any signed key")
	resp, _ := anonymous(t, ts, http.MethodGet, ts.URL+"/legacy/members", nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "but not an anonymous caller")
}

// Get*Acl answers what Put*Acl stored, in each of its three forms.
func TestACLGrants_PutThenGet_RoundTrips(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	legacyBucket(t, ts.Client, "legacy")
	putWithACL(t, ts.Client, "k", "x", "")
	got, err := ts.Client.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("legacy"), Key: aws.String("k")})
	require.NoError(t, err)
	require.Len(t, got.Grants, 1, "private by default: the owner's FULL_CONTROL")

	_, err = ts.Client.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("legacy"), Key: aws.String("k"),
		AccessControlPolicy: &types.AccessControlPolicy{Owner: &types.Owner{ID: aws.String(theOwner.ID)}, Grants: []types.Grant{
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(theOwner.ID)}, Permission: types.PermissionFullControl},
			{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String(groupAllUsers)}, Permission: types.PermissionRead},
		}}})
	require.NoError(t, err)
	got, err = ts.Client.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("legacy"), Key: aws.String("k")})
	require.NoError(t, err)
	require.Len(t, got.Grants, 2)
	assert.Equal(t, types.TypeGroup, got.Grants[1].Grantee.Type)
	assert.Equal(t, groupAllUsers, *got.Grants[1].Grantee.URI)
	assert.Equal(t, types.PermissionRead, got.Grants[1].Permission)

	_, err = ts.Client.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("legacy"), ACL: types.BucketCannedACLPublicReadWrite})
	require.NoError(t, err)
	b, err := ts.Client.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("legacy")})
	require.NoError(t, err)
	require.Len(t, b.Grants, 3)
	assert.Equal(t, types.PermissionWrite, b.Grants[2].Permission)

	_, err = ts.Client.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("legacy"), ACL: types.BucketCannedACLPrivate,
		GrantRead: aws.String(`id="` + theOwner.ID + `"`)})
	apiErr(t, err, "InvalidRequest", http.StatusBadRequest)
}

// The log line of a request a grant let in names that grant, as a denial's
// names what decided it.
func TestACLGrants_LogNamesTheGrantThatAllowed(t *testing.T) {
	var logs s3test.LockedBuffer
	ts := NewTestServer(t, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	legacyBucket(t, ts.Client, "legacy")
	putWithACL(t, ts.Client, "pub", "hello", types.ObjectCannedACLPublicRead)
	resp, _ := anonymous(t, ts, http.MethodGet, ts.URL+"/legacy/pub", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, logs.String(), `granted_by="object ACL of arn:aws:s3:::legacy/pub grants READ to group AllUsers"`)
}

// BlockPublicAcls refuses a public grant in any of the three forms, the
// document too, and the ACL stays as it was.
func TestACLGrants_BlockPublicAcls_RefusesPublicDocument(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	_, err := ts.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy"), ObjectOwnership: types.ObjectOwnershipObjectWriter})
	require.NoError(t, err)
	putWithACL(t, ts.Client, "k", "x", "")
	_, err = ts.Client.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("legacy"), Key: aws.String("k"),
		AccessControlPolicy: &types.AccessControlPolicy{Owner: &types.Owner{ID: aws.String(theOwner.ID)}, Grants: []types.Grant{
			{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String(groupAuthenticatedUsers)}, Permission: types.PermissionRead},
		}}})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
	assert.Contains(t, diagnosisOf(t, err), "the grant of READ to group AuthenticatedUsers would make the object public, and BlockPublicAcls is on for bucket legacy")
	got, err := ts.Client.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("legacy"), Key: aws.String("k")})
	require.NoError(t, err)
	require.Len(t, got.Grants, 1, "the refused ACL changed nothing")
	assert.Equal(t, types.PermissionFullControl, got.Grants[0].Permission)
}

// On a versioned bucket an ACL belongs to one version: making an older
// version public-read serves it by versionId, not the current one.
func TestACLGrants_VersionedBucket_ACLPerVersion(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	legacyBucket(t, ts.Client, "legacy")
	_, err := ts.Client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("legacy"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	first, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("legacy"), Key: aws.String("k"), Body: strings.NewReader("v1")})
	require.NoError(t, err)
	putWithACL(t, ts.Client, "k", "v2", "")
	_, err = ts.Client.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("legacy"), Key: aws.String("k"), VersionId: first.VersionId, ACL: types.ObjectCannedACLPublicRead})
	require.NoError(t, err)

	resp, body := anonymous(t, ts, http.MethodGet, ts.URL+"/legacy/k?versionId="+*first.VersionId, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "v1", string(body))
	resp, _ = anonymous(t, ts, http.MethodGet, ts.URL+"/legacy/k", nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "the current version stays private")
}

// Disabling a bucket's ACLs (BucketOwnerEnforced) voids the grants it
// kept: they are neither applied nor shown, as on S3.
func TestACLGrants_DisablingACLs_VoidsKeptGrants(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	legacyBucket(t, ts.Client, "legacy")
	putWithACL(t, ts.Client, "pub", "hello", types.ObjectCannedACLPublicRead)
	resp, _ := anonymous(t, ts, http.MethodGet, ts.URL+"/legacy/pub", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)

	_, err := ts.Client.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String("legacy"),
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}})
	require.NoError(t, err)
	resp, _ = anonymous(t, ts, http.MethodGet, ts.URL+"/legacy/pub", nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	got, err := ts.Client.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("legacy"), Key: aws.String("pub")})
	require.NoError(t, err)
	require.Len(t, got.Grants, 1)
	assert.Equal(t, theOwner.ID, *got.Grants[0].Grantee.ID)
}
