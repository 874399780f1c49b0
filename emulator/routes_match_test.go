package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSubresourcesIn_NamesTheSubresourceKeysWhateverTheirValues(t *testing.T) {
	tests := []struct {
		name  string
		query url.Values
		want  subresources
	}{
		{"no query", nil, 0},
		{"other keys only, a sub-resource as a value", url.Values{"x-id": {"GetObject"}, "prefix": {"acl"}}, 0},
		{"a sub-resource without value", url.Values{"acl": {""}}, subresourcesOf("acl")},
		{"a sub-resource among others", url.Values{"x-id": {"PutObject"}, "tagging": {"1"}}, subresourcesOf("tagging")},
		{"implemented and unimplemented together", url.Values{"uploadId": {"u"}, "torrent": {""}}, subresourcesOf("uploadId", "torrent")},
		{"case differs: no sub-resource, as on S3", url.Values{"ACL": {""}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, subresourcesIn(tt.query))
		})
	}
}

func TestSubresourceBits_OneDistinctBitPerName(t *testing.T) {
	var all subresources
	for _, n := range append(append([]string(nil), implementedSubresources...), unimplementedSubresources...) {
		bit := subresourcesOf(n)
		assert.Zero(t, all&bit, "%s shares a bit", n)
		all |= bit
	}
	assert.Equal(t, anyUnimplemented, subresourcesOf(unimplementedSubresources...))
	assert.Zero(t, anyUnimplemented&subresourcesOf(implementedSubresources...))
	assert.Panics(t, func() { subresourcesOf("versionId") }, "versionId selects a version, not a sub-resource")
}

// TestRoute_EachRequestShapeReachesItsOperation pins the routing table:
// the plain object routes come first for speed, and must never take a
// request that names a sub-resource.
func TestRoute_EachRequestShapeReachesItsOperation(t *testing.T) {
	ts := NewTestServer(t)
	tests := []struct{ method, target, want string }{
		{"GET", "/", "ListBuckets"},
		{"PUT", "/b", "CreateBucket"},
		{"GET", "/b", "ListObjects"},
		{"GET", "/b?list-type=2", "ListObjectsV2"},
		{"POST", "/b", "PostObject"},
		{"POST", "/b?delete", "DeleteObjects"},
		{"GET", "/b?versions", "ListObjectVersions"},
		{"GET", "/b?uploads", "ListMultipartUploads"},
		{"GET", "/b?acl", "GetBucketAcl"},
		{"GET", "/b?tagging", "NotImplemented"},
		{"PUT", "/b/k", "PutObject"},
		{"GET", "/b/k", "GetObject"},
		{"GET", "/b/k?versionId=v", "GetObject"},
		{"GET", "/b/k?x-id=GetObject&response-content-type=a", "GetObject"},
		{"HEAD", "/b/k", "HeadObject"},
		{"DELETE", "/b/k", "DeleteObject"},
		{"PUT", "/b/k?tagging", "PutObjectTagging"},
		{"GET", "/b/k?tagging&versionId=v", "GetObjectTagging"},
		{"GET", "/b/k?tagging&acl", "NotImplemented"},
		{"GET", "/b/k?acl", "GetObjectAcl"},
		{"PUT", "/b/k?acl", "PutObjectAcl"},
		{"GET", "/b/k?torrent", "NotImplemented"},
		{"PUT", "/b/k?uploadId=u&partNumber=1", "UploadPart"},
		{"POST", "/b/k?uploads", "CreateMultipartUpload"},
		{"POST", "/b/k?uploadId=u", "CompleteMultipartUpload"},
		{"DELETE", "/b/k?uploadId=u", "AbortMultipartUpload"},
		{"GET", "/b/k?uploadId=u", "ListParts"},
		{"GET", "/b/k?attributes", "GetObjectAttributes"},
		{"GET", "/b/k?attributes&tagging", "NotImplemented"},
		{"GET", "/b/k?retention", "GetObjectRetention"},
		{"PUT", "/b/k?legal-hold", "PutObjectLegalHold"},
		{"POST", "/b/k", "MethodNotAllowed"},
		{"OPTIONS", "/b/k", "Preflight"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, ts.URL+tt.target, nil)
			c := ts.Server.newCall(httptest.NewRecorder(), r)
			assert.Equal(t, tt.want, ts.Server.route(c.r).name)
		})
	}
}

func TestRoute_CopyObjectNeedsTheCopySourceHeader(t *testing.T) {
	ts := NewTestServer(t)
	r := httptest.NewRequest(http.MethodPut, ts.URL+"/b/k", nil)
	r.Header.Set("X-Amz-Copy-Source", "/b/src")
	c := ts.Server.newCall(httptest.NewRecorder(), r)
	assert.Equal(t, "CopyObject", ts.Server.route(c.r).name)
	r = httptest.NewRequest(http.MethodPut, ts.URL+"/b/k?uploadId=u&partNumber=1", nil)
	r.Header.Set("X-Amz-Copy-Source", "/b/src")
	c = ts.Server.newCall(httptest.NewRecorder(), r)
	assert.Equal(t, "UploadPartCopy", ts.Server.route(c.r).name)
}
