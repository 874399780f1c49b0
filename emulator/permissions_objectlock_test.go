package emulator_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/verifier"
)

// The Object Lock operations ask for the IAM actions AWS's Service
// Authorization Reference lists; lock headers on PutObject ask for
// s3:PutObjectRetention / s3:PutObjectLegalHold too, and a bypass of
// GOVERNANCE retention for s3:BypassGovernanceRetention.
func TestPermissions_ObjectLockOperationsAskForTheirIAMActions(t *testing.T) {
	ts, rec := recordingServer(t)
	ctx := context.Background()
	c := ts.Client
	b, k := aws.String("iaml"), aws.String("k")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	bucket, obj := "arn:aws:s3:::iaml", "arn:aws:s3:::iaml/k"
	until := aws.Time(ts.Clock.Now().Add(time.Hour))
	var version *string
	steps := []actionStep{
		{"PutObjectLockConfiguration", func() error {
			_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: b,
				ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}})
			return err
		}, []string{"s3:PutBucketObjectLockConfiguration " + bucket}},
		{"GetObjectLockConfiguration", func() error {
			_, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b})
			return err
		}, []string{"s3:GetBucketObjectLockConfiguration " + bucket}},
		{"PutObject with lock headers", func() error {
			out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("x"),
				ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: until,
				ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOff})
			if err == nil {
				version = out.VersionId
			}
			return err
		}, []string{"s3:PutObject " + obj, "s3:PutObjectRetention " + obj, "s3:PutObjectLegalHold " + obj}},
		{"PutObjectRetention", func() error {
			_, err := c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: b, Key: k,
				Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: until}})
			return err
		}, []string{"s3:PutObjectRetention " + obj}},
		{"GetObjectRetention", func() error {
			_, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: b, Key: k})
			return err
		}, []string{"s3:GetObjectRetention " + obj}},
		{"PutObjectLegalHold", func() error {
			_, err := c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: b, Key: k,
				LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOff}})
			return err
		}, []string{"s3:PutObjectLegalHold " + obj}},
		{"GetObjectLegalHold", func() error {
			_, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: b, Key: k})
			return err
		}, []string{"s3:GetObjectLegalHold " + obj}},
		{"DeleteObject versionId with bypass", func() error {
			_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k, VersionId: version,
				BypassGovernanceRetention: aws.Bool(true)})
			return err
		}, []string{"s3:DeleteObjectVersion " + obj, "s3:BypassGovernanceRetention " + obj}},
	}
	checkActions(t, rec, steps)
}

// A key not allowed s3:BypassGovernanceRetention cannot bypass: its
// x-amz-bypass-governance-retention is refused as none, 403 AccessDenied.
func TestPermissions_BypassGovernanceRetention_NeedsTheAction(t *testing.T) {
	ts := emulator.NewTestServer(t, emulator.WithCredentials(verifier.Credential{
		AccessKeyID: emulator.TestAccessKeyID, SecretAccessKey: emulator.TestSecretAccessKey,
		Allow: func(action, _, _ string) bool { return action != "s3:BypassGovernanceRetention" },
	}))
	ctx := context.Background()
	c := ts.Client
	b, k := aws.String("nobypass"), aws.String("k")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("x"),
		ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(ts.Clock.Now().Add(time.Hour))})
	require.NoError(t, err)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k, VersionId: out.VersionId, BypassGovernanceRetention: aws.Bool(true)})
	requireAPIError(t, err, "AccessDenied", http.StatusForbidden)
	_, err = c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: b, Key: k, BypassGovernanceRetention: aws.Bool(true),
		Retention: &types.ObjectLockRetention{}})
	requireAPIError(t, err, "AccessDenied", http.StatusForbidden)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k, VersionId: out.VersionId})
	require.NoError(t, err, "the version stays")
}

// GET and HEAD show a version's retention only to a caller allowed
// s3:GetObjectRetention, and its legal hold only to one allowed
// s3:GetObjectLegalHold, as S3 does.
func TestPermissions_LockHeadersShownOnlyToReaders(t *testing.T) {
	owner := verifier.Credential{AccessKeyID: emulator.TestAccessKeyID, SecretAccessKey: emulator.TestSecretAccessKey}
	noRetention := verifier.Credential{AccessKeyID: "AKIANORETENTION", SecretAccessKey: "no-retention-secret",
		Allow: func(action, _, _ string) bool { return action != "s3:GetObjectRetention" }}
	ts := emulator.NewTestServer(t, emulator.WithCredentials(owner, noRetention))
	ctx := context.Background()
	c := ts.Client
	b, k := aws.String("readers"), aws.String("k")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("x"),
		ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(ts.Clock.Now().Add(time.Hour)),
		ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	require.NoError(t, err)

	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockModeGovernance, head.ObjectLockMode)

	rc := s3.New(c.Options(), func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(noRetention.AccessKeyID, noRetention.SecretAccessKey, "")
	})
	head, err = rc.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k})
	require.NoError(t, err)
	assert.Empty(t, head.ObjectLockMode)
	assert.Nil(t, head.ObjectLockRetainUntilDate)
	assert.Equal(t, types.ObjectLockLegalHoldStatusOn, head.ObjectLockLegalHoldStatus)
}

// In warn mode a missing s3:BypassGovernanceRetention is a policy denial
// like any other and is served (with a warning), but Object Lock itself is
// not a permission: a COMPLIANCE version still cannot be deleted.
func TestWarnMode_ObjectLock_BypassWarnedComplianceStillRefused(t *testing.T) {
	ts := emulator.NewTestServer(t, emulator.WithCredentials(verifier.Credential{
		AccessKeyID: emulator.TestAccessKeyID, SecretAccessKey: emulator.TestSecretAccessKey,
		Allow: func(action, _, _ string) bool { return action != "s3:BypassGovernanceRetention" },
	}), emulator.WithOptions(func(o *emulator.Options) { o.Enforce = emulator.EnforceWarn }))
	ctx := context.Background()
	c := ts.Client
	b := aws.String("warnlock")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	until := aws.Time(ts.Clock.Now().Add(time.Hour))
	for _, tc := range []struct {
		mode    types.ObjectLockMode
		deleted bool
	}{{types.ObjectLockModeGovernance, true}, {types.ObjectLockModeCompliance, false}} {
		k := aws.String(string(tc.mode))
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("x"),
			ObjectLockMode: tc.mode, ObjectLockRetainUntilDate: until})
		require.NoError(t, err)
		_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k, VersionId: out.VersionId, BypassGovernanceRetention: aws.Bool(true)})
		if tc.deleted {
			require.NoError(t, err, tc.mode)
			continue
		}
		requireAPIError(t, err, "AccessDenied", http.StatusForbidden)
	}
}

func requireAPIError(t *testing.T, err error, code string, status int) {
	t.Helper()
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, code, ae.ErrorCode())
	var re *smithyhttp.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, status, re.HTTPStatusCode())
}
