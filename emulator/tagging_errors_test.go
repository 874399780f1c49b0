package emulator_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/presign"
)

const malformedXML = "The XML you provided was not well-formed or did not validate against our published schema"

func md5Header(body []byte) string {
	sum := md5.Sum(body)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// tagXML is a <Tagging> document of key, value pairs.
func tagXML(kv ...string) string {
	var b strings.Builder
	b.WriteString(`<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>`)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, "<Tag><Key>%s</Key><Value>%s</Value></Tag>", kv[i], kv[i+1])
	}
	b.WriteString(`</TagSet></Tagging>`)
	return b.String()
}

func nTags(n int) []string {
	var kv []string
	for i := range n {
		kv = append(kv, fmt.Sprintf("key-%d", i), "v")
	}
	return kv
}

func putTaggingRaw(t *testing.T, ts *emulator.TestServer, key, doc string, withMD5 bool) auditResp {
	t.Helper()
	hdr := map[string]string{}
	if withMD5 {
		hdr["Content-MD5"] = md5Header([]byte(doc))
	}
	req := auditRequest(t, http.MethodPut, objectURLIn(ts, tagBucket, key)+"?tagging", []byte(doc), hdr)
	return auditSend(t, ts, signV4Header(t, ts, req, []byte(doc), ts.Clock.Now()))
}

func TestPutObjectTagging_InvalidDocuments_AreS3ErrorsAndKeepTheTags(t *testing.T) {
	long := strings.Repeat("k", 129)
	longValue := strings.Repeat("v", 257)
	wide65 := strings.Repeat("𠀀", 65) // a letter outside the BMP: 130 UTF-16 positions
	tests := []struct {
		name    string
		doc     string
		noMD5   bool
		status  int
		code    string
		message string
		extra   []string
	}{
		{"eleven tags", tagXML(nTags(11)...), false, 400, "BadRequest", "Object tags cannot be greater than 10", nil},
		{"key over 128", tagXML(long, "v"), false, 400, "InvalidTag", "The TagKey you have provided is invalid", []string{"TagKey", long}},
		{"key over 128 UTF-16 positions", tagXML(wide65, "v"), false, 400, "InvalidTag", "The TagKey you have provided is invalid", []string{"TagKey", wide65}},
		{"emoji key (a symbol, not a letter)", tagXML("😀", "v"), false, 400, "InvalidTag", "The TagKey you have provided is invalid", []string{"TagKey", "😀"}},
		{"empty key", tagXML("", "v"), false, 400, "InvalidTag", "The TagKey you have provided is invalid", []string{"TagKey", ""}},
		{"key with *", tagXML("ok", "v", "a*b", "v"), false, 400, "InvalidTag", "The TagKey you have provided is invalid", []string{"TagKey", "a*b"}},
		{"key with &", tagXML("ke&amp;y", "v"), false, 400, "InvalidTag", "The TagKey you have provided is invalid", []string{"TagKey", "ke&y"}},
		{"value over 256", tagXML("k", longValue), false, 400, "InvalidTag", "The TagValue you have provided is invalid", []string{"TagKey", "k", "TagValue", longValue}},
		{"value with comma", tagXML("k", "a,b"), false, 400, "InvalidTag", "The TagValue you have provided is invalid", []string{"TagKey", "k", "TagValue", "a,b"}},
		{"duplicate key", tagXML("key", "a", "key", "b"), false, 400, "InvalidTag", "Cannot provide multiple Tags with the same key", []string{"TagKey", "key"}},
		{"bad eleventh tag is reported before the count", tagXML(append(nTags(10), "", "v")...), false, 400, "InvalidTag", "The TagKey you have provided is invalid", []string{"TagKey", ""}},
		{"tag without Value", `<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>`, false, 400, "MalformedXML", malformedXML, nil},
		{"tag without Key", `<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>`, false, 400, "MalformedXML", malformedXML, nil},
		{"no TagSet", `<Tagging></Tagging>`, false, 400, "MalformedXML", malformedXML, nil},
		{"other root", `<TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet>`, false, 400, "MalformedXML", malformedXML, nil},
		{"not XML", `k=v`, false, 400, "MalformedXML", malformedXML, nil},
		{"empty body", ``, false, 400, "MalformedXML", malformedXML, nil},
		{"no Content-MD5", tagXML("k", "v"), true, 400, "InvalidRequest", "Missing required header for this request: Content-MD5", nil},
	}
	ts := tagServer(t)
	_, err := ts.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(tagBucket), Key: aws.String("k"),
		Body: strings.NewReader("x"), Tagging: aws.String("keep=me")})
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := putTaggingRaw(t, ts, "k", tc.doc, !tc.noMD5)
			s3test.RequireError(t, r.Response, r.Body, tc.status, tc.code, tc.message, tc.extra...)
			assert.Equal(t, []string{"keep=me"}, tagsOf(t, ts, "k"), "a refused tag set changes nothing")
		})
	}
}

func TestPutObjectTagging_Limits_AreAccepted(t *testing.T) {
	ts := tagServer(t)
	s3test.MustPutObject(t, ts.Client, tagBucket, "k", "x")
	kv := nTags(9)
	key128, value256 := strings.Repeat("k", 128), strings.Repeat("v", 256)
	kv = append(kv, key128, value256)
	r := putTaggingRaw(t, ts, "k", tagXML(kv...), true)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.Body))
	assert.Len(t, tagsOf(t, ts, "k"), 10)

	// Every character class S3 allows, and 64 characters outside the BMP
	// (128 UTF-16 positions), an empty value and no namespace.
	r = putTaggingRaw(t, ts, "k", `<Tagging><TagSet><Tag><Key>Ünï cødé 42 _.:/=+-@</Key><Value></Value></Tag><Tag><Key>`+
		strings.Repeat("𠀀", 64)+`</Key><Value>٣</Value></Tag></TagSet></Tagging>`, true)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.Body))
	assert.Equal(t, []string{"Ünï cødé 42 _.:/=+-@=", strings.Repeat("𠀀", 64) + "=٣"}, tagsOf(t, ts, "k"))

	r = putTaggingRaw(t, ts, "k", tagXML(), true)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.Body))
	assert.Empty(t, tagsOf(t, ts, "k"), "an empty TagSet removes every tag")
}

func putWithTaggingHeader(t *testing.T, ts *emulator.TestServer, key, tagging string) auditResp {
	t.Helper()
	req := auditRequest(t, http.MethodPut, objectURLIn(ts, tagBucket, key), []byte("body"), map[string]string{"X-Amz-Tagging": tagging})
	return auditSend(t, ts, signV4Header(t, ts, req, []byte("body"), ts.Clock.Now()))
}

func TestPutObject_TaggingHeader_IsValidatedAsS3Does(t *testing.T) {
	const encoding = "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates."
	eleven := strings.Join(func() []string {
		var out []string
		for i := range 11 {
			out = append(out, fmt.Sprintf("k%d=v", i))
		}
		return out
	}(), "&")
	bad := []struct {
		header  string
		code    string
		message string
		extra   []string
	}{
		{"=", "InvalidArgument", encoding, []string{"ArgumentName", "x-amz-tagging", "ArgumentValue", "="}},
		{"key%", "InvalidArgument", encoding, []string{"ArgumentName", "x-amz-tagging", "ArgumentValue", "key%"}},
		{"k=v&k=w", "InvalidArgument", encoding, []string{"ArgumentName", "x-amz-tagging", "ArgumentValue", "k=v&k=w"}},
		{"k=a=b", "InvalidArgument", encoding, []string{"ArgumentName", "x-amz-tagging", "ArgumentValue", "k=a=b"}},
		{"key?=val", "InvalidTag", "The TagKey you have provided is invalid", []string{"TagKey", "key?"}},
		{"TagSet%3D%5B%7BKey%3Dstring%7D%5D", "InvalidTag", "The TagKey you have provided is invalid", []string{"TagKey", "TagSet=[{Key=string}]"}},
		{"key=val!", "InvalidTag", "The TagValue you have provided is invalid", []string{"TagKey", "key", "TagValue", "val!"}},
		{"k=" + strings.Repeat("v", 257), "InvalidTag", "The TagValue you have provided is invalid", []string{"TagKey", "k", "TagValue", strings.Repeat("v", 257)}},
		{eleven, "BadRequest", "Object tags cannot be greater than 10", nil},
	}
	ts := tagServer(t)
	for _, tc := range bad {
		t.Run(tc.header, func(t *testing.T) {
			r := putWithTaggingHeader(t, ts, "bad", tc.header)
			s3test.RequireError(t, r.Response, r.Body, http.StatusBadRequest, tc.code, tc.message, tc.extra...)
			_, err := ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(tagBucket), Key: aws.String("bad")})
			require.Error(t, err, "a refused upload stores nothing")
		})
	}
	good := []struct {
		header string
		want   []string
	}{
		{"&", []string{}},
		{"key", []string{"key="}},
		{"key=&&", []string{"key="}},
		{"key%40=val%40", []string{"key@=val@"}},
		{"a+b=c%20d", []string{"a b=c d"}},
		{"z=1&a=2", []string{"a=2", "z=1"}},
	}
	for _, tc := range good {
		t.Run(tc.header, func(t *testing.T) {
			r := putWithTaggingHeader(t, ts, "good", tc.header)
			require.Equal(t, http.StatusOK, r.StatusCode, string(r.Body))
			assert.Equal(t, tc.want, tagsOf(t, ts, "good"))
		})
	}
}

// CreateMultipartUpload and CopyObject's REPLACE read x-amz-tagging with
// PutObject's rules.
func TestTaggingHeader_OnMultipartAndCopy_IsValidated(t *testing.T) {
	ts := tagServer(t)
	s3test.MustPutObject(t, ts.Client, tagBucket, "src", "x")
	mp := auditRequest(t, http.MethodPost, objectURLIn(ts, tagBucket, "mp")+"?uploads", nil, map[string]string{"X-Amz-Tagging": "k=v&k=v"})
	r := auditSend(t, ts, signV4Header(t, ts, mp, nil, ts.Clock.Now()))
	s3test.RequireError(t, r.Response, r.Body, http.StatusBadRequest, "InvalidArgument",
		"The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
		"ArgumentName", "x-amz-tagging", "ArgumentValue", "k=v&k=v")

	cp := auditRequest(t, http.MethodPut, objectURLIn(ts, tagBucket, "dst"), nil, map[string]string{
		"X-Amz-Copy-Source": tagBucket + "/src", "X-Amz-Tagging-Directive": "REPLACE", "X-Amz-Tagging": "k=(v)"})
	r = auditSend(t, ts, signV4Header(t, ts, cp, nil, ts.Clock.Now()))
	s3test.RequireError(t, r.Response, r.Body, http.StatusBadRequest, "InvalidTag", "The TagValue you have provided is invalid",
		"TagKey", "k", "TagValue", "(v)")

	up, err := ts.Client.CreateMultipartUpload(context.Background(), &s3.CreateMultipartUploadInput{Bucket: aws.String(tagBucket),
		Key: aws.String("mp"), Tagging: aws.String("stage=upload")})
	require.NoError(t, err)
	part, err := ts.Client.UploadPart(context.Background(), &s3.UploadPartInput{Bucket: aws.String(tagBucket), Key: aws.String("mp"),
		UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("only part")})
	require.NoError(t, err)
	_, err = ts.Client.CompleteMultipartUpload(context.Background(), &s3.CompleteMultipartUploadInput{Bucket: aws.String(tagBucket),
		Key: aws.String("mp"), UploadId: up.UploadId, MultipartUpload: &s3types.CompletedMultipartUpload{
			Parts: []s3types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1)}}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"stage=upload"}, tagsOf(t, ts, "mp"), "the upload's tags land on the object")
}

func TestPostObject_InvalidTaggingField_IsS3ErrorAndStoresNothing(t *testing.T) {
	tests := []struct {
		name, tagging string
		want          wireError
	}{
		{"duplicate key", tagXML("k", "a", "k", "b"), wireError{"InvalidTag", "Cannot provide multiple Tags with the same key", []string{"TagKey", "k"}}},
		{"eleven tags", tagXML(nTags(11)...), wireError{"BadRequest", "Object tags cannot be greater than 10", nil}},
		{"invalid value", tagXML("k", "a;b"), wireError{"InvalidTag", "The TagValue you have provided is invalid", []string{"TagKey", "k", "TagValue", "a;b"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := tagServer(t)
			signer := presign.New(ts.Client, presign.WithSigningTime(ts.Clock.Now()))
			form, err := signer.PresignPost(context.Background(), tagBucket, "form.txt", time.Hour, presign.Field("tagging", tc.tagging))
			require.NoError(t, err)
			resp := sendForm(t, ts, form, "hello")
			require.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.Equal(t, tc.want, readError(t, resp))
			_, err = ts.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(tagBucket), Key: aws.String("form.txt")})
			require.Error(t, err)
		})
	}
}
