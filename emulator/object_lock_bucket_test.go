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

// createLockedBucket creates bucket with Object Lock enabled, as the SDK
// asks for it.
func createLockedBucket(t *testing.T, c *s3.Client, bucket string) {
	t.Helper()
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket),
		ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
}

func putLockRule(c *s3.Client, bucket string, mode types.ObjectLockRetentionMode, days, years *int32) error {
	_, err := c.PutObjectLockConfiguration(context.Background(), &s3.PutObjectLockConfigurationInput{
		Bucket: aws.String(bucket),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: mode, Days: days, Years: years}}},
	})
	return err
}

// A bucket created with x-amz-bucket-object-lock-enabled: true has
// versioning Enabled and Object Lock enabled without a default rule, and
// its versioning can no longer be suspended (409 InvalidBucketState).
func TestCreateBucket_ObjectLockEnabled_VersioningEnabledAndCannotBeSuspended(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	c := ts.Client
	createLockedBucket(t, c, "locked")

	v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("locked")})
	require.NoError(t, err)
	assert.Equal(t, types.BucketVersioningStatusEnabled, v.Status)

	cfg, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String("locked")})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockEnabledEnabled, cfg.ObjectLockConfiguration.ObjectLockEnabled)
	assert.Nil(t, cfg.ObjectLockConfiguration.Rule)

	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("locked"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	apiErr(t, err, "InvalidBucketState", http.StatusConflict)
	assert.Contains(t, err.Error(), "An Object Lock configuration is present on this bucket")
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("locked"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err, "re-enabling changes nothing and is allowed")
}

// A bucket without Object Lock has no configuration (404
// ObjectLockConfigurationNotFoundError); PutObjectLockConfiguration enables
// it only once versioning is Enabled (else 409 InvalidBucketState).
func TestObjectLockConfiguration_BucketWithoutLock(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	c := ts.Client
	s3test.MustCreateBucket(t, c, "plain")
	_, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String("plain")})
	apiErr(t, err, "ObjectLockConfigurationNotFoundError", http.StatusNotFound)

	err = putLockRule(c, "plain", types.ObjectLockRetentionModeGovernance, aws.Int32(1), nil)
	apiErr(t, err, "InvalidBucketState", http.StatusConflict)

	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("plain"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	require.NoError(t, putLockRule(c, "plain", types.ObjectLockRetentionModeGovernance, aws.Int32(1), nil))
	cfg, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String("plain")})
	require.NoError(t, err)
	require.NotNil(t, cfg.ObjectLockConfiguration.Rule)
	assert.Equal(t, types.ObjectLockRetentionModeGovernance, cfg.ObjectLockConfiguration.Rule.DefaultRetention.Mode)
	assert.Equal(t, int32(1), aws.ToInt32(cfg.ObjectLockConfiguration.Rule.DefaultRetention.Days))

	_, err = c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String("absent")})
	apiErr(t, err, "NoSuchBucket", http.StatusNotFound)
}

// PutObjectLockConfiguration validates its rule as S3 does; a refused
// document leaves the stored configuration as it was.
func TestPutObjectLockConfiguration_InvalidRules(t *testing.T) {
	ts := NewTestServer(t)
	c := ts.Client
	createLockedBucket(t, c, "locked")
	require.NoError(t, putLockRule(c, "locked", types.ObjectLockRetentionModeCompliance, nil, aws.Int32(2)))
	tests := []struct {
		name        string
		mode        types.ObjectLockRetentionMode
		days, years *int32
		code        string
	}{
		{"days and years", types.ObjectLockRetentionModeGovernance, aws.Int32(1), aws.Int32(1), "MalformedXML"},
		{"neither days nor years", types.ObjectLockRetentionModeGovernance, nil, nil, "MalformedXML"},
		{"no mode", "", aws.Int32(1), nil, "MalformedXML"},
		{"unknown mode", "FOREVER", aws.Int32(1), nil, "MalformedXML"},
		{"zero days", types.ObjectLockRetentionModeGovernance, aws.Int32(0), nil, "InvalidArgument"},
		{"negative years", types.ObjectLockRetentionModeGovernance, nil, aws.Int32(-1), "InvalidArgument"},
		{"over 100 years", types.ObjectLockRetentionModeGovernance, nil, aws.Int32(101), "InvalidArgument"},
		{"over 36500 days", types.ObjectLockRetentionModeGovernance, aws.Int32(36501), nil, "InvalidArgument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			apiErr(t, putLockRule(c, "locked", tc.mode, tc.days, tc.years), tc.code, http.StatusBadRequest)
			cfg, err := c.GetObjectLockConfiguration(context.Background(), &s3.GetObjectLockConfigurationInput{Bucket: aws.String("locked")})
			require.NoError(t, err)
			assert.Equal(t, int32(2), aws.ToInt32(cfg.ObjectLockConfiguration.Rule.DefaultRetention.Years))
		})
	}
}

// PutObjectLockConfiguration, PutObjectRetention and PutObjectLegalHold
// need Content-MD5 or an x-amz-checksum-* value, as S3 requires.
func TestObjectLock_PutsWithoutIntegrityCheck_AreInvalidRequest(t *testing.T) {
	ts := NewTestServer(t)
	createLockedBucket(t, ts.Client, "locked")
	_, err := ts.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("locked"), Key: aws.String("k")})
	require.NoError(t, err)
	tests := []struct{ name, query, doc string }{
		{"PutObjectLockConfiguration", "/locked?object-lock", `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`},
		{"PutObjectRetention", "/locked/k?retention", `<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2999-01-01T00:00:00Z</RetainUntilDate></Retention>`},
		{"PutObjectLegalHold", "/locked/k?legal-hold", `<LegalHold><Status>ON</Status></LegalHold>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, ts, signedRequest(t, ts, http.MethodPut, ts.URL+tc.query, []byte(tc.doc), nil))
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			e := parseError(t, body)
			assert.Equal(t, "InvalidRequest", e.Code)
			assert.Equal(t, "Missing required header for this request: Content-MD5", e.Message)
		})
	}
	head, err := ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("k")})
	require.NoError(t, err)
	assert.Empty(t, head.ObjectLockMode, "nothing was set")
	assert.Empty(t, head.ObjectLockLegalHoldStatus)
}
