package emulator_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/verifier"
)

// The versioning operations, and the object operations when they name a
// versionId, ask for the actions AWS's Service Authorization Reference
// lists: a policy granting s3:GetObject alone does not reach old versions.
func TestPermissions_VersioningOperationsAskForTheirIAMActions(t *testing.T) {
	ts, rec := recordingServer(t)
	ctx := context.Background()
	c := ts.Client
	b, k := aws.String("iamv"), aws.String("k")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	var v1 *string
	obj := "arn:aws:s3:::iamv/k"
	steps := []actionStep{
		{"PutBucketVersioning", func() error {
			_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
				VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
			return err
		}, []string{"s3:PutBucketVersioning arn:aws:s3:::iamv"}},
		{"PutObject", func() error {
			out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("v1")})
			if err == nil {
				v1 = out.VersionId
			}
			return err
		}, []string{"s3:PutObject " + obj}},
		{"ListObjectVersions", func() error {
			_, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: b})
			return err
		}, []string{"s3:ListBucketVersions arn:aws:s3:::iamv"}},
		{"GetObject versionId", func() error {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: k, VersionId: v1})
			if err == nil {
				out.Body.Close()
			}
			return err
		}, []string{"s3:GetObjectVersion " + obj}},
		{"HeadObject versionId", func() error {
			_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k, VersionId: v1})
			return err
		}, []string{"s3:GetObjectVersion " + obj}},
		{"GetObjectAttributes", func() error {
			_, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: b, Key: k,
				ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag}})
			return err
		}, []string{"s3:GetObjectAttributes " + obj}},
		{"GetObjectAttributes versionId", func() error {
			_, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: b, Key: k, VersionId: v1,
				ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag}})
			return err
		}, []string{"s3:GetObjectVersionAttributes " + obj}},
		{"PutObjectTagging versionId", func() error {
			_, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: b, Key: k, VersionId: v1,
				Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}}})
			return err
		}, []string{"s3:PutObjectVersionTagging " + obj}},
		{"GetObjectTagging versionId", func() error {
			_, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: k, VersionId: v1})
			return err
		}, []string{"s3:GetObjectVersionTagging " + obj}},
		{"DeleteObjectTagging versionId", func() error {
			_, err := c.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: b, Key: k, VersionId: v1})
			return err
		}, []string{"s3:DeleteObjectVersionTagging " + obj}},
		{"CopyObject from a version", func() error {
			_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"), CopySource: aws.String("iamv/k?versionId=" + aws.ToString(v1))})
			return err
		}, []string{"s3:PutObject arn:aws:s3:::iamv/copy", "s3:GetObjectVersion " + obj}},
		{"DeleteObjects with a VersionId", func() error {
			_, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, Delete: &types.Delete{
				Objects: []types.ObjectIdentifier{{Key: aws.String("copy")}, {Key: k, VersionId: v1}}}})
			return err
		}, []string{"s3:DeleteObject arn:aws:s3:::iamv/copy", "s3:DeleteObjectVersion " + obj}},
		{"DeleteObject versionId", func() error {
			_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("copy"), VersionId: aws.String("null")})
			return err
		}, []string{"s3:DeleteObjectVersion arn:aws:s3:::iamv/copy"}},
	}
	checkActions(t, rec, steps)
}

// A key allowed s3:GetObject but not s3:GetObjectVersion reads the
// current version and is refused an old one by id.
func TestPermissions_GetObjectWithoutGetObjectVersion_OldVersionIsAccessDenied(t *testing.T) {
	reader := access.Policy{{Effect: access.Allow, Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::*"}}}
	readerKey := verifier.Credential{AccessKeyID: "AKIAVERREADEREXAMPLE", SecretAccessKey: "reader-secret", Allow: reader.Allow}
	ts := emulator.NewTestServer(t, emulator.WithCredentials(permOwner, readerKey))
	ctx := context.Background()
	c := ts.Client
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vbucket")})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("vbucket"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vbucket"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)

	rc := s3.New(ts.Client.Options(), func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(readerKey.AccessKeyID, readerKey.SecretAccessKey, "")
	})
	out, err := rc.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vbucket"), Key: aws.String("k")})
	require.NoError(t, err)
	out.Body.Close()
	_, err = rc.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vbucket"), Key: aws.String("k"), VersionId: put.VersionId})
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "AccessDenied", ae.ErrorCode())
	var re *smithyhttp.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, http.StatusForbidden, re.HTTPStatusCode())
}
