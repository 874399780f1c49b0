package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errLockRefused = errors.New("refused by update")

func testVersionsLock(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newVersioned(t, newStore)
	until := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	v1 := put(t, s, "k", "one", ObjectMeta{Lock: &ObjectLock{Mode: LockGovernance, RetainUntil: until}})
	v2 := put(t, s, "k", "two", ObjectMeta{Tagging: "a=1"})

	held, err := s.SetObjectVersionLock(ctx, "bkt", "k", v2.VersionID, func(l ObjectLock) (ObjectLock, error) {
		assert.True(t, l.IsZero(), "a version put without a lock has none")
		l.LegalHold = "ON"
		return l, nil
	})
	require.NoError(t, err)
	require.NotNil(t, held.Meta.Lock)
	assert.Equal(t, "ON", held.Meta.Lock.LegalHold)
	assert.Equal(t, "a=1", held.Meta.Tagging, "the rest of the metadata stays")
	assert.Equal(t, v2.ETag, held.ETag)

	old, body := getVersion(t, s, "k", v1.VersionID)
	assert.Equal(t, "one", body)
	require.NotNil(t, old.Meta.Lock)
	assert.Equal(t, ObjectLock{Mode: LockGovernance, RetainUntil: until}, *old.Meta.Lock)

	_, err = s.SetObjectVersionLock(ctx, "bkt", "k", v1.VersionID, func(ObjectLock) (ObjectLock, error) {
		return ObjectLock{}, errLockRefused
	})
	require.ErrorIs(t, err, errLockRefused)
	old, _ = getVersion(t, s, "k", v1.VersionID)
	assert.Equal(t, LockGovernance, old.Meta.Lock.Mode, "a refused update changes nothing")

	cleared, err := s.SetObjectVersionLock(ctx, "bkt", "k", v1.VersionID, func(ObjectLock) (ObjectLock, error) {
		return ObjectLock{}, nil
	})
	require.NoError(t, err)
	assert.Nil(t, cleared.Meta.Lock, "an empty state is stored as none")

	m, err := s.DeleteObjectVersion(ctx, "bkt", "k", "")
	require.NoError(t, err)
	_, err = s.SetObjectVersionLock(ctx, "bkt", "k", m.VersionID, func(l ObjectLock) (ObjectLock, error) { return l, nil })
	assert.ErrorIs(t, err, ErrMethodNotAllowed)
	_, err = s.SetObjectVersionLock(ctx, "bkt", "k", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", func(l ObjectLock) (ObjectLock, error) { return l, nil })
	assert.ErrorIs(t, err, ErrNoSuchVersion)
}

func TestDir_ObjectLock_SurvivesRestart(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d1, err := NewDir(root, WithClock(newManualClock()))
	require.NoError(t, err)
	require.NoError(t, d1.CreateBucket(ctx, "bkt", "us-east-1"))
	require.NoError(t, d1.SetBucketVersioning(ctx, "bkt", VersioningEnabled))
	until := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	v, err := d1.PutObject(ctx, "bkt", "k", ObjectMeta{Lock: &ObjectLock{Mode: LockCompliance, RetainUntil: until}}, PutCondition{}, strings.NewReader("data"))
	require.NoError(t, err)
	_, err = d1.SetObjectVersionLock(ctx, "bkt", "k", v.VersionID, func(l ObjectLock) (ObjectLock, error) {
		l.LegalHold = "ON"
		return l, nil
	})
	require.NoError(t, err)
	require.NoError(t, d1.Close())

	d2, err := NewDir(root, WithClock(newManualClock()))
	require.NoError(t, err)
	info, err := d2.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err)
	require.NotNil(t, info.Meta.Lock)
	assert.Equal(t, ObjectLock{Mode: LockCompliance, RetainUntil: until, LegalHold: "ON"}, *info.Meta.Lock)
}

func TestNullVersions_ObjectLock_IsNotImplemented(t *testing.T) {
	_, err := nullVersions{}.SetObjectVersionLock(context.Background(), "bkt", "k", "", nil)
	assert.ErrorIs(t, err, ErrNotImplemented)
}

func testVersionsDeleteIf(t *testing.T, newStore storeFactory) {
	ctx := context.Background()
	s := newVersioned(t, newStore)
	v1 := put(t, s, "k", "one", ObjectMeta{Lock: &ObjectLock{LegalHold: "ON"}})
	var asked []string
	refuseHeld := func(info ObjectInfo) error {
		asked = append(asked, info.VersionID)
		if info.Meta.Lock != nil && info.Meta.Lock.LegalHold == "ON" {
			return errLockRefused
		}
		return nil
	}
	_, err := s.DeleteObjectVersionIf(ctx, "bkt", "k", v1.VersionID, refuseHeld)
	require.ErrorIs(t, err, errLockRefused)
	_, body := getVersion(t, s, "k", v1.VersionID)
	assert.Equal(t, "one", body, "a refused delete removes nothing")

	m, err := s.DeleteObjectVersion(ctx, "bkt", "k", "")
	require.NoError(t, err)
	res, err := s.DeleteObjectVersionIf(ctx, "bkt", "k", m.VersionID, refuseHeld)
	require.NoError(t, err, "a marker is not checked")
	assert.True(t, res.DeleteMarker)
	_, err = s.DeleteObjectVersionIf(ctx, "bkt", "k", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", refuseHeld)
	require.NoError(t, err, "an absent version is no error and not checked")
	assert.Equal(t, []string{v1.VersionID}, asked)

	_, err = s.SetObjectVersionLock(ctx, "bkt", "k", v1.VersionID, func(l ObjectLock) (ObjectLock, error) {
		l.LegalHold = "OFF"
		return l, nil
	})
	require.NoError(t, err)
	_, err = s.DeleteObjectVersionIf(ctx, "bkt", "k", v1.VersionID, refuseHeld)
	require.NoError(t, err)
	_, err = s.OpenObjectVersion(ctx, "bkt", "k", v1.VersionID)
	assert.ErrorIs(t, err, ErrNoSuchVersion)
}
