package emulator_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/verifier"
)

// TestReadme_PublicAndSharedBuckets is the README's "Public and shared
// buckets" example: a public-read policy and a partner account's upload
// with bucket-owner-full-control; without the ACL the upload is refused.
func TestReadme_PublicAndSharedBuckets(t *testing.T) {
	srv := emulator.NewTestServer(t, emulator.WithCredentials(
		verifier.Credential{AccessKeyID: "AKIAOWNEREXAMPLE", SecretAccessKey: "owner-secret"}, // account 123456789012
		verifier.Credential{AccessKeyID: "AKIAPARTNEREXAMPLE", SecretAccessKey: "partner-secret", Account: "111122223333"},
	))
	ctx := context.Background()
	_, err := srv.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	_, err = srv.Client.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	_, err = srv.Client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("site"), Policy: aws.String(`{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"},
    {"Sid": "PartnerUploads", "Effect": "Allow", "Principal": {"AWS": "111122223333"},
     "Action": "s3:PutObject", "Resource": "arn:aws:s3:::site/uploads/*",
     "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}
  ]}`)})
	require.NoError(t, err)

	partner := s3.New(srv.Client.Options(), func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider("AKIAPARTNEREXAMPLE", "partner-secret", "")
	})
	_, err = partner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("site"), Key: aws.String("uploads/logo.png"),
		Body: strings.NewReader("png"), ACL: types.ObjectCannedACLBucketOwnerFullControl})
	require.NoError(t, err)
	_, err = partner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("site"), Key: aws.String("uploads/other.png"),
		Body: strings.NewReader("png")})
	require.ErrorContains(t, err, "AccessDenied", "without the ACL the condition fails")

	resp, err := http.Get(srv.URL + "/site/uploads/logo.png") // anonymous
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// The README's site-policy.json is a policy S3 (and strictS3) accepts for
// bucket site.
func TestReadme_SitePolicyFileParses(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(readme), "$ cat site-policy.json\n")
	require.True(t, ok, "the README shows site-policy.json")
	doc, _, ok := strings.Cut(rest, "\n$ ")
	require.True(t, ok)
	p, err := access.ParseBucketPolicy([]byte(doc), "site")
	require.NoError(t, err)
	require.True(t, p.IsPublic())
	require.Len(t, p.Statements, 2)
}
