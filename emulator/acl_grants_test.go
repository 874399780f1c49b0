package emulator

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/access"
	"github.com/stricts3/stricts3/internal/s3err"
)

func TestCannedACL_ExpandsAsS3Documents(t *testing.T) {
	const objOwner, bucketOwner = "obj", "bkt"
	fc := aclGranted{ID: objOwner, Permission: permFullControl}
	tests := []struct {
		name string
		want []aclGranted
	}{
		{"private", []aclGranted{fc}},
		{"public-read", []aclGranted{fc, {URI: groupAllUsers, Permission: permRead}}},
		{"public-read-write", []aclGranted{fc, {URI: groupAllUsers, Permission: permRead}, {URI: groupAllUsers, Permission: permWrite}}},
		{"authenticated-read", []aclGranted{fc, {URI: groupAuthenticatedUsers, Permission: permRead}}},
		{"bucket-owner-read", []aclGranted{fc, {ID: bucketOwner, Permission: permRead}}},
		{"bucket-owner-full-control", []aclGranted{fc, {ID: bucketOwner, Permission: permFullControl}}},
		{"aws-exec-read", []aclGranted{fc, {ID: ec2BundleReader, Permission: permRead}}},
		{"log-delivery-write", []aclGranted{fc, {URI: groupLogDelivery, Permission: permWrite}, {URI: groupLogDelivery, Permission: permReadACP}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := cannedACL(tt.name, objOwner, bucketOwner)
			require.NoError(t, err)
			assert.Equal(t, objOwner, a.Owner)
			assert.Equal(t, tt.want, a.Grants)
		})
	}
	a, err := cannedACL("bucket-owner-full-control", bucketOwner, bucketOwner)
	require.NoError(t, err)
	assert.Len(t, a.Grants, 1, "the bucket owner writing its own object gets one FULL_CONTROL grant")
	_, err = cannedACL("world-writable", objOwner, bucketOwner)
	assert.Equal(t, s3err.InvalidArgument, err.(*s3err.Error).Code)
}

func TestACLFromHeaders_GrantHeadersAndConflicts(t *testing.T) {
	tests := []struct {
		name    string
		hdr     map[string]string
		want    []aclGranted
		none    bool
		errCode s3err.Code
	}{
		{name: "no ACL", hdr: map[string]string{}, none: true},
		{name: "grants replace the default", hdr: map[string]string{
			"X-Amz-Grant-Read":         `uri="` + groupAllUsers + `", id="abc"`,
			"X-Amz-Grant-Full-Control": `id="owner"`,
		}, want: []aclGranted{{URI: groupAllUsers, Permission: permRead}, {ID: "abc", Permission: permRead}, {ID: "owner", Permission: permFullControl}}},
		{name: "canned and grants together", hdr: map[string]string{"X-Amz-Acl": "private", "X-Amz-Grant-Read": `id="abc"`}, errCode: s3err.InvalidRequest},
		{name: "unknown group", hdr: map[string]string{"X-Amz-Grant-Read": `uri="http://example.com/everyone"`}, errCode: s3err.InvalidArgument},
		{name: "e-mail grantee", hdr: map[string]string{"X-Amz-Grant-Read": `emailAddress="a@example.com"`}, errCode: s3err.InvalidArgument},
		{name: "no value", hdr: map[string]string{"X-Amz-Grant-Write": `id=`}, errCode: s3err.InvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.hdr {
				h.Set(k, v)
			}
			a, ok, err := aclFromHeaders(h, "owner", "owner")
			if tt.errCode != "" {
				require.Error(t, err)
				assert.Equal(t, tt.errCode, err.(*s3err.Error).Code)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, !tt.none, ok)
			assert.Equal(t, tt.want, a.Grants)
		})
	}
}

func TestGrantFor_WhoEachGrantCovers(t *testing.T) {
	acl := func(gs ...aclGranted) storedACL { return storedACL{Owner: "o", Grants: gs} }
	anon := access.Principal{Anonymous: true}
	signed := access.Principal{Account: "444455556666", CanonicalID: "other"}
	tests := []struct {
		name         string
		acl          storedACL
		who          access.Principal
		perm         string
		ignorePublic bool
		granted      bool
		ignored      bool // reported only when nothing granted
	}{
		{"AllUsers READ lets anonymous read", acl(aclGranted{URI: groupAllUsers, Permission: permRead}), anon, permRead, false, true, false},
		{"AllUsers READ is not WRITE", acl(aclGranted{URI: groupAllUsers, Permission: permRead}), anon, permWrite, false, false, false},
		{"AuthenticatedUsers excludes anonymous", acl(aclGranted{URI: groupAuthenticatedUsers, Permission: permRead}), anon, permRead, false, false, false},
		{"AuthenticatedUsers covers any signed key", acl(aclGranted{URI: groupAuthenticatedUsers, Permission: permRead}), signed, permRead, false, true, false},
		{"canonical id", acl(aclGranted{ID: "other", Permission: permReadACP}), signed, permReadACP, false, true, false},
		{"another canonical id", acl(aclGranted{ID: "third", Permission: permRead}), signed, permRead, false, false, false},
		{"FULL_CONTROL covers WRITE_ACP", acl(aclGranted{ID: "other", Permission: permFullControl}), signed, permWriteACP, false, true, false},
		{"IgnorePublicAcls voids AllUsers", acl(aclGranted{URI: groupAllUsers, Permission: permRead}), anon, permRead, true, false, true},
		{"IgnorePublicAcls keeps account grants", acl(aclGranted{URI: groupAllUsers, Permission: permRead}, aclGranted{ID: "other", Permission: permRead}), signed, permRead, true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			granted, ignored := tt.acl.grantFor(tt.who, tt.perm, tt.ignorePublic)
			assert.Equal(t, tt.granted, granted != nil)
			if tt.granted {
				assert.Contains(t, []string{tt.perm, permFullControl}, granted.Permission)
			}
			assert.Equal(t, tt.ignored, ignored != nil)
		})
	}
}
