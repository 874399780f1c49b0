package emulator

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
)

// lockedPut writes key to a lock-enabled bucket with the given lock
// headers and returns the new version's id.
func lockedPut(t *testing.T, c *s3.Client, bucket, key string, edit func(*s3.PutObjectInput)) string {
	t.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("data")}
	if edit != nil {
		edit(in)
	}
	out, err := c.PutObject(context.Background(), in)
	require.NoError(t, err)
	return aws.ToString(out.VersionId)
}

func withRetention(mode types.ObjectLockMode, until time.Time) func(*s3.PutObjectInput) {
	return func(in *s3.PutObjectInput) {
		in.ObjectLockMode, in.ObjectLockRetainUntilDate = mode, aws.Time(until)
	}
}

func withLegalHold(in *s3.PutObjectInput) {
	in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatusOn
}

// The bucket's default retention is applied to each new version, counted
// from the server's clock, and GET/HEAD and GetObjectRetention show it;
// headers on the PUT override it.
func TestObjectLock_DefaultRetention_AppliedToNewVersions(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	c := ts.Client
	createLockedBucket(t, c, "locked")
	require.NoError(t, putLockRule(c, "locked", types.ObjectLockRetentionModeGovernance, aws.Int32(3), nil))
	now := ts.Clock.Now()
	v := lockedPut(t, c, "locked", "k", nil)

	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("k"), VersionId: aws.String(v)})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockModeGovernance, head.ObjectLockMode)
	require.NotNil(t, head.ObjectLockRetainUntilDate)
	assert.WithinDuration(t, now.AddDate(0, 0, 3), *head.ObjectLockRetainUntilDate, time.Second)
	assert.Empty(t, head.ObjectLockLegalHoldStatus)

	ret, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String("locked"), Key: aws.String("k")})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockRetentionModeGovernance, ret.Retention.Mode)
	assert.WithinDuration(t, now.AddDate(0, 0, 3), *ret.Retention.RetainUntilDate, time.Second)

	until := now.Add(48 * time.Hour).Truncate(time.Second)
	lockedPut(t, c, "locked", "k2", func(in *s3.PutObjectInput) {
		withRetention(types.ObjectLockModeCompliance, until)(in)
		withLegalHold(in)
	})
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("locked"), Key: aws.String("k2")})
	require.NoError(t, err)
	got.Body.Close()
	assert.Equal(t, types.ObjectLockModeCompliance, got.ObjectLockMode)
	assert.True(t, until.Equal(*got.ObjectLockRetainUntilDate), "%v", got.ObjectLockRetainUntilDate)
	assert.Equal(t, types.ObjectLockLegalHoldStatusOn, got.ObjectLockLegalHoldStatus)
}

// Lock headers on a write are checked as S3 checks them; a refused write
// stores nothing.
func TestObjectLock_PutObjectHeaders_Invalid(t *testing.T) {
	ts := NewTestServer(t)
	c := ts.Client
	createLockedBucket(t, c, "locked")
	s3test.MustCreateBucket(t, c, "plain")
	future := ts.Clock.Now().Add(time.Hour)
	tests := []struct {
		name, bucket, code string
		edit               func(*s3.PutObjectInput)
	}{
		{"mode without date", "locked", "InvalidArgument", func(in *s3.PutObjectInput) { in.ObjectLockMode = types.ObjectLockModeGovernance }},
		{"date without mode", "locked", "InvalidArgument", func(in *s3.PutObjectInput) { in.ObjectLockRetainUntilDate = aws.Time(future) }},
		{"unknown mode", "locked", "InvalidArgument", withRetention("FOREVER", future)},
		{"date in the past", "locked", "InvalidArgument", withRetention(types.ObjectLockModeGovernance, ts.Clock.Now().Add(-time.Minute))},
		{"unknown legal hold", "locked", "InvalidArgument", func(in *s3.PutObjectInput) { in.ObjectLockLegalHoldStatus = "MAYBE" }},
		{"retention on a bucket without lock", "plain", "InvalidRequest", withRetention(types.ObjectLockModeGovernance, future)},
		{"legal hold on a bucket without lock", "plain", "InvalidRequest", withLegalHold},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &s3.PutObjectInput{Bucket: aws.String(tc.bucket), Key: aws.String("k"), Body: strings.NewReader("x")}
			tc.edit(in)
			_, err := c.PutObject(context.Background(), in)
			apiErr(t, err, tc.code, http.StatusBadRequest)
			_, err = c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(tc.bucket), Key: aws.String("k")})
			apiErr(t, err, "NotFound", http.StatusNotFound)
		})
	}
}

// Deleting a version for good is refused (403 AccessDenied) while it is
// protected: COMPLIANCE until its date passes, whatever the request;
// GOVERNANCE unless the request bypasses it; a legal hold until it is
// turned OFF. A DELETE without a version id adds a delete marker.
func TestObjectLock_DeleteProtectedVersion(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(*s3.PutObjectInput)
		bypass   bool
		deleted  bool
		advanced bool // the server's clock passed the retain-until date
	}{
		{"compliance", withRetention(types.ObjectLockModeCompliance, time.Time{}), false, false, false},
		{"compliance with bypass", withRetention(types.ObjectLockModeCompliance, time.Time{}), true, false, false},
		{"compliance once passed", withRetention(types.ObjectLockModeCompliance, time.Time{}), false, true, true},
		{"governance", withRetention(types.ObjectLockModeGovernance, time.Time{}), false, false, false},
		{"governance with bypass", withRetention(types.ObjectLockModeGovernance, time.Time{}), true, true, false},
		{"governance once passed", withRetention(types.ObjectLockModeGovernance, time.Time{}), false, true, true},
		{"legal hold", withLegalHold, false, false, false},
		{"legal hold with bypass", withLegalHold, true, false, false},
		{"legal hold after any date", withLegalHold, false, false, true},
		{"unlocked", func(*s3.PutObjectInput) {}, false, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := NewTestServer(t)
			ctx := context.Background()
			c := ts.Client
			createLockedBucket(t, c, "locked")
			until := ts.Clock.Now().Add(24 * time.Hour)
			v := lockedPut(t, c, "locked", "k", func(in *s3.PutObjectInput) {
				tc.edit(in)
				if in.ObjectLockRetainUntilDate != nil {
					in.ObjectLockRetainUntilDate = aws.Time(until)
				}
			})

			marker, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("locked"), Key: aws.String("k")})
			require.NoError(t, err, "a delete marker is always allowed")
			assert.True(t, aws.ToBool(marker.DeleteMarker))

			if tc.advanced {
				ts.Clock.Advance(25 * time.Hour)
			}
			in := &s3.DeleteObjectInput{Bucket: aws.String("locked"), Key: aws.String("k"), VersionId: aws.String(v)}
			if tc.bypass {
				in.BypassGovernanceRetention = aws.Bool(true)
			}
			_, err = c.DeleteObject(ctx, in)
			_, getErr := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("k"), VersionId: aws.String(v)})
			if tc.deleted {
				require.NoError(t, err)
				apiErr(t, getErr, "NotFound", http.StatusNotFound)
				return
			}
			apiErr(t, err, "AccessDenied", http.StatusForbidden)
			require.NoError(t, getErr, "the version stays")

			// DeleteObjects reports the same refusal for the entry.
			out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("locked"), BypassGovernanceRetention: in.BypassGovernanceRetention,
				Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k"), VersionId: aws.String(v)}}}})
			require.NoError(t, err)
			require.Len(t, out.Errors, 1)
			assert.Equal(t, "AccessDenied", aws.ToString(out.Errors[0].Code))
			assert.Equal(t, v, aws.ToString(out.Errors[0].VersionId))
			assert.Empty(t, out.Deleted)
		})
	}
}

// A legal hold turned OFF no longer protects the version; Get answers the
// state as set, and NoSuchObjectLockConfiguration before any.
func TestObjectLock_LegalHold_OnThenOff(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	c := ts.Client
	createLockedBucket(t, c, "locked")
	v := lockedPut(t, c, "locked", "k", nil)
	_, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String("locked"), Key: aws.String("k")})
	apiErr(t, err, "NoSuchObjectLockConfiguration", http.StatusNotFound)
	_, err = c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String("locked"), Key: aws.String("k")})
	apiErr(t, err, "NoSuchObjectLockConfiguration", http.StatusNotFound)

	for _, status := range []types.ObjectLockLegalHoldStatus{types.ObjectLockLegalHoldStatusOn, types.ObjectLockLegalHoldStatusOff} {
		_, err = c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String("locked"), Key: aws.String("k"), VersionId: aws.String(v),
			LegalHold: &types.ObjectLockLegalHold{Status: status}})
		require.NoError(t, err)
		got, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String("locked"), Key: aws.String("k"), VersionId: aws.String(v)})
		require.NoError(t, err)
		assert.Equal(t, status, got.LegalHold.Status)
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("k")})
		require.NoError(t, err)
		assert.Equal(t, status, head.ObjectLockLegalHoldStatus)
	}
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("locked"), Key: aws.String("k"), VersionId: aws.String(v)})
	require.NoError(t, err)

	s3test.MustCreateBucket(t, c, "plain")
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("plain"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String("plain"), Key: aws.String("k"),
		LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOn}})
	apiErr(t, err, "InvalidRequest", http.StatusBadRequest)
	assert.Contains(t, err.Error(), "Bucket is missing Object Lock Configuration")
}

// PutObjectRetention only strengthens on its own: COMPLIANCE can be
// extended, never shortened, removed or made GOVERNANCE; GOVERNANCE can be
// extended or made COMPLIANCE, and weakened only with the bypass header.
func TestObjectLock_PutObjectRetention_Rules(t *testing.T) {
	tests := []struct {
		name   string
		from   types.ObjectLockMode
		to     types.ObjectLockRetentionMode
		shift  time.Duration // from the current retain-until date
		remove bool
		bypass bool
		code   string
	}{
		{"compliance extended", types.ObjectLockModeCompliance, types.ObjectLockRetentionModeCompliance, time.Hour, false, false, ""},
		{"compliance shortened", types.ObjectLockModeCompliance, types.ObjectLockRetentionModeCompliance, -time.Hour, false, true, "AccessDenied"},
		{"compliance made governance", types.ObjectLockModeCompliance, types.ObjectLockRetentionModeGovernance, time.Hour, false, true, "AccessDenied"},
		{"compliance removed", types.ObjectLockModeCompliance, "", 0, true, true, "AccessDenied"},
		{"governance extended", types.ObjectLockModeGovernance, types.ObjectLockRetentionModeGovernance, time.Hour, false, false, ""},
		{"governance made compliance", types.ObjectLockModeGovernance, types.ObjectLockRetentionModeCompliance, 0, false, false, ""},
		{"governance shortened", types.ObjectLockModeGovernance, types.ObjectLockRetentionModeGovernance, -time.Hour, false, false, "AccessDenied"},
		{"governance shortened with bypass", types.ObjectLockModeGovernance, types.ObjectLockRetentionModeGovernance, -time.Hour, false, true, ""},
		{"governance removed", types.ObjectLockModeGovernance, "", 0, true, false, "AccessDenied"},
		{"governance removed with bypass", types.ObjectLockModeGovernance, "", 0, true, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := NewTestServer(t)
			ctx := context.Background()
			c := ts.Client
			createLockedBucket(t, c, "locked")
			until := ts.Clock.Now().Add(24 * time.Hour).Truncate(time.Second)
			lockedPut(t, c, "locked", "k", withRetention(tc.from, until))
			in := &s3.PutObjectRetentionInput{Bucket: aws.String("locked"), Key: aws.String("k"), Retention: &types.ObjectLockRetention{}}
			if !tc.remove {
				in.Retention = &types.ObjectLockRetention{Mode: tc.to, RetainUntilDate: aws.Time(until.Add(tc.shift))}
			}
			if tc.bypass {
				in.BypassGovernanceRetention = aws.Bool(true)
			}
			_, err := c.PutObjectRetention(ctx, in)
			got, getErr := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String("locked"), Key: aws.String("k")})
			if tc.code != "" {
				apiErr(t, err, tc.code, http.StatusForbidden)
				require.NoError(t, getErr)
				assert.Equal(t, string(tc.from), string(got.Retention.Mode), "unchanged")
				assert.True(t, until.Equal(*got.Retention.RetainUntilDate), "unchanged")
				return
			}
			require.NoError(t, err)
			if tc.remove {
				apiErr(t, getErr, "NoSuchObjectLockConfiguration", http.StatusNotFound)
				return
			}
			require.NoError(t, getErr)
			assert.Equal(t, tc.to, got.Retention.Mode)
			assert.True(t, until.Add(tc.shift).Equal(*got.Retention.RetainUntilDate))
		})
	}
}

// Once a retention's date passed, it protects nothing: it may be replaced
// by any later one. A date not in the future is InvalidArgument.
func TestObjectLock_PutObjectRetention_AfterExpiryAndPastDates(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	c := ts.Client
	createLockedBucket(t, c, "locked")
	lockedPut(t, c, "locked", "k", withRetention(types.ObjectLockModeCompliance, ts.Clock.Now().Add(time.Hour)))
	_, err := c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String("locked"), Key: aws.String("k"),
		Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(ts.Clock.Now().Add(-time.Hour))}})
	apiErr(t, err, "InvalidArgument", http.StatusBadRequest)
	assert.Contains(t, err.Error(), "The retain until date must be in the future!")

	ts.Clock.Advance(2 * time.Hour)
	_, err = c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String("locked"), Key: aws.String("k"),
		Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(ts.Clock.Now().Add(time.Minute))}})
	require.NoError(t, err, "an expired COMPLIANCE retention no longer binds")
}

// A copy never inherits its source's lock: it gets the lock its own
// headers ask for (else the bucket default). A multipart upload's lock
// headers, given at CreateMultipartUpload, lock the completed object.
func TestObjectLock_CopyAndMultipart_TakeTheirOwnHeaders(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	c := ts.Client
	createLockedBucket(t, c, "locked")
	until := ts.Clock.Now().Add(time.Hour).Truncate(time.Second)
	lockedPut(t, c, "locked", "src", func(in *s3.PutObjectInput) {
		withRetention(types.ObjectLockModeCompliance, until)(in)
		withLegalHold(in)
	})

	_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("locked"), Key: aws.String("plain-copy"), CopySource: aws.String("locked/src")})
	require.NoError(t, err)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("plain-copy")})
	require.NoError(t, err)
	assert.Empty(t, head.ObjectLockMode)
	assert.Empty(t, head.ObjectLockLegalHoldStatus)

	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("locked"), Key: aws.String("held-copy"), CopySource: aws.String("locked/src"),
		ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	require.NoError(t, err)
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("locked"), Key: aws.String("held-copy")})
	require.NoError(t, err)
	assert.Empty(t, head.ObjectLockMode)
	assert.Equal(t, types.ObjectLockLegalHoldStatusOn, head.ObjectLockLegalHoldStatus)

	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("locked"), Key: aws.String("mp"),
		ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(until)})
	require.NoError(t, err)
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("locked"), Key: aws.String("mp"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	require.NoError(t, err)
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("locked"), Key: aws.String("mp"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	require.NoError(t, err)
	ret, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String("locked"), Key: aws.String("mp")})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockRetentionModeGovernance, ret.Retention.Mode)
	assert.True(t, until.Equal(*ret.Retention.RetainUntilDate))
}
