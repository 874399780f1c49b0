package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

func TestParseServe_AccountPublicAccessBlock(t *testing.T) {
	tests := []struct {
		value string
		want  emulator.PublicAccessBlock
	}{
		{"none", emulator.PublicAccessBlock{}},
		{"all", emulator.BlockAllPublicAccess},
		{"BlockPublicPolicy", emulator.PublicAccessBlock{BlockPublicPolicy: true}},
		{"blockpublicpolicy, RestrictPublicBuckets", emulator.PublicAccessBlock{BlockPublicPolicy: true, RestrictPublicBuckets: true}},
	}
	for _, tt := range tests {
		c, err := parseServe([]string{"--account-public-access-block", tt.value}, io.Discard, envMap(nil))
		require.NoError(t, err, tt.value)
		assert.Equal(t, tt.want, c.access.accountPublicAccess, tt.value)
	}
	c, err := parseServe(nil, io.Discard, envMap(map[string]string{"STRICTS3_ACCOUNT_PUBLIC_ACCESS_BLOCK": "all"}))
	require.NoError(t, err)
	assert.Equal(t, emulator.BlockAllPublicAccess, c.access.accountPublicAccess, "from the environment")
	c, err = parseServe(nil, io.Discard, envMap(nil))
	require.NoError(t, err)
	assert.Equal(t, emulator.PublicAccessBlock{}, c.access.accountPublicAccess, "S3 sets no account-level block by default")

	_, err = parseServe([]string{"--account-public-access-block", "BlockEverything"}, io.Discard, envMap(nil))
	require.Error(t, err)
	assert.Equal(t, exitUsage, exitCode(err))
	assert.Contains(t, err.Error(), `--account-public-access-block: want none, all, or a comma-separated list of BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets; got "BlockEverything"`)
}

func TestParseServe_ObjectOwnership(t *testing.T) {
	c, err := parseServe(nil, io.Discard, envMap(nil))
	require.NoError(t, err)
	assert.Equal(t, "BucketOwnerEnforced", c.access.objectOwnership, "S3's default since 2023")
	c, err = parseServe(nil, io.Discard, envMap(map[string]string{"STRICTS3_OBJECT_OWNERSHIP": "ObjectWriter"}))
	require.NoError(t, err)
	assert.Equal(t, "ObjectWriter", c.access.objectOwnership)
	_, err = parseServe([]string{"--object-ownership", "objectwriter"}, io.Discard, envMap(nil))
	require.Error(t, err)
	assert.Equal(t, exitUsage, exitCode(err))
	assert.Contains(t, err.Error(), `--object-ownership must be BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter, got "objectwriter"`)
}
