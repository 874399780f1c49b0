package emulator_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/presign"
	"github.com/stricts3/stricts3/verifier"
)

const tagBucket = "tags"

func tagServer(t *testing.T, opts ...emulator.TestOption) *emulator.TestServer {
	t.Helper()
	ts := emulator.NewTestServer(t, opts...)
	s3test.MustCreateBucket(t, ts.Client, tagBucket)
	return ts
}

// tagsOf is GetObjectTagging's tag set as key=value strings, in the order
// S3 returned them.
func tagsOf(t *testing.T, ts *emulator.TestServer, key string) []string {
	t.Helper()
	out, err := ts.Client.GetObjectTagging(context.Background(), &s3.GetObjectTaggingInput{Bucket: aws.String(tagBucket), Key: aws.String(key)})
	require.NoError(t, err)
	assert.Nil(t, out.VersionId, "a never-versioned bucket has no x-amz-version-id")
	got := []string{}
	for _, tg := range out.TagSet {
		got = append(got, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
	}
	return got
}

func tagCounts(t *testing.T, ts *emulator.TestServer, key string) (get, head *int32) {
	t.Helper()
	ctx := context.Background()
	g, err := ts.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(tagBucket), Key: aws.String(key)})
	require.NoError(t, err)
	g.Body.Close()
	h, err := ts.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(tagBucket), Key: aws.String(key)})
	require.NoError(t, err)
	return g.TagCount, h.TagCount
}

func TestObjectTagging_PutWithHeaderThenReplaceThenDelete_TouchesOnlyTheTags(t *testing.T) {
	transportsExt(t, func(t *testing.T, ts *emulator.TestServer) {
		ctx := context.Background()
		put, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(tagBucket), Key: aws.String("doc"),
			Body: strings.NewReader("bytes"), Tagging: aws.String("b=2&a=1")})
		require.NoError(t, err)
		assert.Equal(t, []string{"a=1", "b=2"}, tagsOf(t, ts, "doc"), "S3 lists tags by key")
		get, head := tagCounts(t, ts, "doc")
		assert.Equal(t, int32(2), aws.ToInt32(get), "GetObject answers x-amz-tagging-count")
		assert.Equal(t, int32(2), aws.ToInt32(head), "HeadObject answers x-amz-tagging-count")
		before, err := ts.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(tagBucket), Key: aws.String("doc")})
		require.NoError(t, err)

		ts.Clock.Advance(time.Hour)
		_, err = ts.Client.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(tagBucket), Key: aws.String("doc"),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue green")}}}})
		require.NoError(t, err)
		assert.Equal(t, []string{"team=blue green"}, tagsOf(t, ts, "doc"), "the whole set is replaced")
		after, err := ts.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(tagBucket), Key: aws.String("doc")})
		require.NoError(t, err)
		assert.Equal(t, aws.ToString(put.ETag), aws.ToString(after.ETag))
		assert.Equal(t, before.LastModified, after.LastModified, "tagging does not modify the object")
		assert.Equal(t, "bytes", s3test.MustGetBody(t, ts.Client, tagBucket, "doc"))

		_, err = ts.Client.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String(tagBucket), Key: aws.String("doc")})
		require.NoError(t, err)
		assert.Empty(t, tagsOf(t, ts, "doc"))
		get, head = tagCounts(t, ts, "doc")
		assert.Nil(t, get, "no tags, no x-amz-tagging-count")
		assert.Nil(t, head)
		assert.Equal(t, "bytes", s3test.MustGetBody(t, ts.Client, tagBucket, "doc"))
	})
}

// transportsExt runs f over HTTP and over HTTPS (where the SDK sends
// aws-chunked bodies with a CRC trailer, PutObjectTagging's included).
func transportsExt(t *testing.T, f func(t *testing.T, ts *emulator.TestServer)) {
	for name, opts := range map[string][]emulator.TestOption{"http": nil, "tls": {emulator.WithTLS()}} {
		t.Run(name, func(t *testing.T) { f(t, tagServer(t, opts...)) })
	}
}

func TestObjectTagging_MissingObject_IsNoSuchKey(t *testing.T) {
	ts := tagServer(t)
	ctx := context.Background()
	_, err := ts.Client.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(tagBucket), Key: aws.String("absent")})
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "NoSuchKey", api.ErrorCode())
	_, err = ts.Client.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(tagBucket), Key: aws.String("absent"),
		Tagging: &types.Tagging{TagSet: []types.Tag{}}})
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "NoSuchKey", api.ErrorCode())
	_, err = ts.Client.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String(tagBucket), Key: aws.String("absent")})
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "NoSuchKey", api.ErrorCode())
	_, err = ts.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(tagBucket), Key: aws.String("absent")})
	require.Error(t, err, "tagging a missing key creates nothing")
}

func TestCopyObject_TaggingDirective_CopiesOrReplacesTheTagSet(t *testing.T) {
	ts := tagServer(t)
	ctx := context.Background()
	_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(tagBucket), Key: aws.String("src"),
		Body: strings.NewReader("x"), Tagging: aws.String("origin=src")})
	require.NoError(t, err)
	tests := []struct {
		name      string
		directive types.TaggingDirective
		tagging   *string
		want      []string
	}{
		{"default is COPY", "", aws.String("ignored=1"), []string{"origin=src"}},
		{"COPY", types.TaggingDirectiveCopy, nil, []string{"origin=src"}},
		{"REPLACE", types.TaggingDirectiveReplace, aws.String("new=1&other=2"), []string{"new=1", "other=2"}},
		{"REPLACE without tags empties the set", types.TaggingDirectiveReplace, nil, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ts.Client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(tagBucket), Key: aws.String("dst"),
				CopySource: aws.String(tagBucket + "/src"), TaggingDirective: tc.directive, Tagging: tc.tagging})
			require.NoError(t, err)
			assert.Equal(t, tc.want, tagsOf(t, ts, "dst"))
		})
	}
}

func TestPresignedPut_SignedTaggingHeader_TagsTheObject(t *testing.T) {
	ts := tagServer(t)
	ctx := context.Background()
	req, err := ts.Presign.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(tagBucket), Key: aws.String("up"),
		Tagging: aws.String("source=browser&user=42")}, s3.WithPresignExpires(15*time.Minute))
	require.NoError(t, err)
	put, err := http.NewRequest(http.MethodPut, req.URL, strings.NewReader("uploaded"))
	require.NoError(t, err)
	for k, v := range req.SignedHeader {
		if !strings.EqualFold(k, "Host") {
			put.Header[k] = v
		}
	}
	resp := auditSend(t, ts, put)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.Body))
	assert.Equal(t, []string{"source=browser", "user=42"}, tagsOf(t, ts, "up"))

	// Hoisted into the query string, as SDK presigners do with x-amz-*
	// headers, the tag set still applies.
	hoisted := presignQuery(t, ts, http.MethodPut, objectURLIn(ts, tagBucket, "hoisted")+"?x-amz-tagging="+url.QueryEscape("a=b&c=d"))
	resp = auditSend(t, ts, auditRequest(t, http.MethodPut, hoisted, []byte("q"), nil))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.Body))
	assert.Equal(t, []string{"a=b", "c=d"}, tagsOf(t, ts, "hoisted"))
}

func TestPostObject_TaggingField_IsReadBackByGetObjectTagging(t *testing.T) {
	ts := tagServer(t)
	signer := presign.New(ts.Client, presign.WithSigningTime(ts.Clock.Now()))
	form, err := signer.PresignPost(context.Background(), tagBucket, "form.txt", time.Hour,
		presign.Field("tagging", `<Tagging><TagSet><Tag><Key>kind</Key><Value>avatar</Value></Tag><Tag><Key>user</Key><Value>42</Value></Tag></TagSet></Tagging>`))
	require.NoError(t, err)
	resp := sendForm(t, ts, form, "hello")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, []string{"kind=avatar", "user=42"}, tagsOf(t, ts, "form.txt"))
}

// The tag count is part of reading the tags: a key that may GetObject but
// not GetObjectTagging gets no x-amz-tagging-count, as on S3.
func TestGetObject_TagCount_OnlyForCallersAllowedGetObjectTagging(t *testing.T) {
	reader := "AKIATAGREADEREXAMPLE"
	ts := permServer(t, verifier.Credential{AccessKeyID: reader, SecretAccessKey: "reader-secret",
		Allow: func(action, _, _ string) bool { return action == "s3:GetObject" }})
	_, err := ts.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(permBucket), Key: aws.String("k"),
		Body: strings.NewReader("x"), Tagging: aws.String("a=1")})
	require.NoError(t, err)
	owner, err := ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(permBucket), Key: aws.String("k")})
	require.NoError(t, err)
	assert.Equal(t, int32(1), aws.ToInt32(owner.TagCount))

	get := presignV4With(t, ts, http.MethodGet, objectURLIn(ts, permBucket, "k"), nil, ts.Clock.Now(), time.Hour,
		aws.Credentials{AccessKeyID: reader, SecretAccessKey: "reader-secret"})
	resp := auditSend(t, ts, auditRequest(t, http.MethodGet, get, nil, nil))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.Body))
	assert.Empty(t, resp.Header.Get("X-Amz-Tagging-Count"))
}

func TestGetBucketVersioning_NeverVersioned_IsEmptyConfiguration(t *testing.T) {
	ts := tagServer(t)
	resp := auditSend(t, ts, signV4Header(t, ts, auditRequest(t, http.MethodGet, ts.URL+"/"+tagBucket+"?versioning", nil, nil), nil, ts.Clock.Now()))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.Body))
	assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>`, string(resp.Body))

	out, err := ts.Client.GetBucketVersioning(context.Background(), &s3.GetBucketVersioningInput{Bucket: aws.String(tagBucket)})
	require.NoError(t, err)
	assert.Empty(t, out.Status)
	assert.Empty(t, out.MFADelete)

	_, err = ts.Client.GetBucketVersioning(context.Background(), &s3.GetBucketVersioningInput{Bucket: aws.String("absent")})
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "NoSuchBucket", api.ErrorCode())
}

func objectURLIn(ts *emulator.TestServer, bucket, key string) string {
	return ts.URL + "/" + bucket + "/" + key
}

// presignQuery pre-signs target as is: parameters in its query string,
// x-amz-tagging included, are signed as query parameters.
func presignQuery(t *testing.T, ts *emulator.TestServer, method, target string) string {
	t.Helper()
	req := auditRequest(t, method, target+"&X-Amz-Expires=900", nil, nil)
	signed, _, err := s3test.Signer().PresignHTTP(context.Background(), auditCreds(ts), req, "UNSIGNED-PAYLOAD", "s3", ts.Region, ts.Clock.Now())
	require.NoError(t, err)
	return signed
}

// Tagging routes take only ?tagging: combined with another sub-resource,
// or addressed to a bucket, the request stays 501 and changes nothing; the
// only version is "null".
func TestObjectTagging_Routing_AndVersionID(t *testing.T) {
	ts := tagServer(t)
	_, err := ts.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(tagBucket), Key: aws.String("k"),
		Body: strings.NewReader("x"), Tagging: aws.String("a=1")})
	require.NoError(t, err)
	send := func(method, target string) auditResp {
		return auditSend(t, ts, signV4Header(t, ts, auditRequest(t, method, target, nil, nil), nil, ts.Clock.Now()))
	}
	obj := objectURLIn(ts, tagBucket, "k")
	for _, target := range []string{obj + "?tagging&acl", ts.URL + "/" + tagBucket + "?tagging"} {
		r := send(http.MethodDelete, target)
		assert.Equal(t, "NotImplemented", requireS3Error(t, r, http.StatusNotImplemented).Code, target)
	}
	r := send(http.MethodPut, ts.URL+"/"+tagBucket+"?versioning")
	assert.Equal(t, "MalformedXML", requireS3Error(t, r, http.StatusBadRequest).Code, "PUT ?versioning without a document")
	assert.Equal(t, []string{"a=1"}, tagsOf(t, ts, "k"))

	r = send(http.MethodGet, obj+"?tagging&versionId=null")
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.Body))
	assert.Contains(t, string(r.Body), "<TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet>")
	r = send(http.MethodDelete, obj+"?tagging&versionId=3HL4kqtJlcpXroDTDmJ")
	s3test.RequireError(t, r.Response, r.Body, http.StatusBadRequest, "InvalidArgument", "Invalid version id specified",
		"ArgumentName", "versionId", "ArgumentValue", "3HL4kqtJlcpXroDTDmJ")
	assert.Equal(t, []string{"a=1"}, tagsOf(t, ts, "k"))
}

// AWS's PutObject reference: setting tags with the upload needs
// s3:PutObjectTagging as well as s3:PutObject.
func TestPutObject_WithTagsWithoutPutObjectTagging_IsAccessDenied(t *testing.T) {
	uploader := verifier.Credential{AccessKeyID: "AKIATAGUPLOADEXAMPLE", SecretAccessKey: "uploader-secret",
		Allow: func(action, _, _ string) bool { return action == "s3:PutObject" }}
	ts := permServer(t, uploader)
	cred := aws.Credentials{AccessKeyID: uploader.AccessKeyID, SecretAccessKey: uploader.SecretAccessKey}
	put := func(key string, hdr map[string]string) auditResp {
		req := auditRequest(t, http.MethodPut, objectURLIn(ts, permBucket, key), []byte("x"), hdr)
		s3test.SignRequest(t, req, []byte("x"), cred, ts.Region, ts.Clock.Now())
		return auditSend(t, ts, req)
	}
	r := put("tagged", map[string]string{"X-Amz-Tagging": "a=1"})
	assert.Equal(t, wireError{"AccessDenied", "Access Denied", nil}, requireS3Error(t, r, http.StatusForbidden))
	assert.Contains(t, r.Header.Get("X-Stricts3-Diagnosis"), "s3:PutObjectTagging")
	requireNoObject(t, ts, "tagged")

	r = put("plain", nil)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.Body))
}
