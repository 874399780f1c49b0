package emulator

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/store"
)

// A directory store keeps the bucket's lock configuration and each
// version's retention and legal hold across a restart: the reopened store
// still refuses to delete the protected version.
func TestObjectLock_DirectoryStore_SurvivesRestart(t *testing.T) {
	root := t.TempDir()
	ctx := context.Background()
	d1, err := store.NewDir(root)
	require.NoError(t, err)
	ts1 := NewTestServer(t, WithStore(d1))
	createLockedBucket(t, ts1.Client, "locked")
	require.NoError(t, putLockRule(ts1.Client, "locked", types.ObjectLockRetentionModeGovernance, nil, aws.Int32(1)))
	until := ts1.Clock.Now().Add(24 * time.Hour).Truncate(time.Second)
	v := lockedPut(t, ts1.Client, "locked", "k", func(in *s3.PutObjectInput) {
		withRetention(types.ObjectLockModeCompliance, until)(in)
		withLegalHold(in)
	})
	require.NoError(t, d1.Close())

	d2, err := store.NewDir(root)
	require.NoError(t, err)
	ts2 := NewTestServer(t, WithStore(d2))
	c := ts2.Client
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("k"), VersionId: aws.String(v)})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockModeCompliance, head.ObjectLockMode)
	assert.True(t, until.Equal(*head.ObjectLockRetainUntilDate))
	assert.Equal(t, types.ObjectLockLegalHoldStatusOn, head.ObjectLockLegalHoldStatus)

	cfg, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String("locked")})
	require.NoError(t, err)
	assert.Equal(t, int32(1), aws.ToInt32(cfg.ObjectLockConfiguration.Rule.DefaultRetention.Years))

	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("locked"), Key: aws.String("k"), VersionId: aws.String(v),
		BypassGovernanceRetention: aws.Bool(true)})
	apiErr(t, err, "AccessDenied", http.StatusForbidden)
}
