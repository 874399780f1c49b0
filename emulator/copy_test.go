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

func TestCopyObject_CopiesBytesAndMetadata(t *testing.T) {
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "src-bucket")
		s3test.MustCreateBucket(t, c, "dst-bucket")
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src-bucket"), Key: aws.String("dir/a b+c.txt"),
			Body: strings.NewReader("payload"), ContentType: aws.String("text/plain"), Metadata: map[string]string{"color": "red"}})
		require.NoError(t, err)

		out, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("dst-bucket"), Key: aws.String("copy"),
			CopySource: aws.String("src-bucket/dir/a%20b%2Bc.txt")})
		require.NoError(t, err)
		require.NotNil(t, out.CopyObjectResult)
		assert.Equal(t, `"`+md5hex("payload")+`"`, aws.ToString(out.CopyObjectResult.ETag))
		assert.NotNil(t, out.CopyObjectResult.LastModified)

		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("dst-bucket"), Key: aws.String("copy")})
		require.NoError(t, err)
		assert.Equal(t, "text/plain", aws.ToString(head.ContentType))
		assert.Equal(t, map[string]string{"color": "red"}, head.Metadata)
		assert.Equal(t, "payload", s3test.MustGetBody(t, c, "dst-bucket", "copy"))

		_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("dst-bucket"), Key: aws.String("replaced"),
			CopySource: aws.String("/src-bucket/dir/a%20b%2Bc.txt?versionId=null"), MetadataDirective: types.MetadataDirectiveReplace,
			Metadata: map[string]string{"shape": "square"}, ContentType: aws.String("application/x-test")})
		require.NoError(t, err)
		head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("dst-bucket"), Key: aws.String("replaced")})
		require.NoError(t, err)
		assert.Equal(t, "application/x-test", aws.ToString(head.ContentType))
		assert.Equal(t, map[string]string{"shape": "square"}, head.Metadata)
	})
}

func TestCopyObject_ToItselfWithoutReplace_IsInvalidRequest(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "self")
	s3test.MustPutObject(t, ts.Client, "self", "k", "v")
	_, err := ts.Client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("self"), Key: aws.String("k"), CopySource: aws.String("self/k")})
	apiErr(t, err, "InvalidRequest", http.StatusBadRequest)
	assert.Contains(t, err.Error(), "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")

	_, err = ts.Client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("self"), Key: aws.String("k"), CopySource: aws.String("self/k"),
		MetadataDirective: types.MetadataDirectiveReplace, Metadata: map[string]string{"new": "yes"}})
	require.NoError(t, err)
	head, err := ts.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("self"), Key: aws.String("k")})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"new": "yes"}, head.Metadata)
}

func TestCopyObject_SourceConditionsAndErrors(t *testing.T) {
	ts := NewTestServer(t)
	ctx := context.Background()
	s3test.MustCreateBucket(t, ts.Client, "conds")
	pout := s3test.MustPutObject(t, ts.Client, "conds", "src", "v")
	past := time.Now().Add(-time.Hour)
	tests := []struct {
		name string
		in   s3.CopyObjectInput
		code string
	}{
		{"if-match mismatch", s3.CopyObjectInput{CopySourceIfMatch: aws.String(`"nope"`)}, "PreconditionFailed"},
		{"if-none-match matching", s3.CopyObjectInput{CopySourceIfNoneMatch: pout.ETag}, "PreconditionFailed"},
		{"if-unmodified-since before", s3.CopyObjectInput{CopySourceIfUnmodifiedSince: aws.Time(past)}, "PreconditionFailed"},
		{"if-modified-since after", s3.CopyObjectInput{CopySourceIfModifiedSince: aws.Time(time.Now().Add(time.Hour))}, "PreconditionFailed"},
		{"missing source key", s3.CopyObjectInput{CopySource: aws.String("conds/absent")}, "NoSuchKey"},
		{"bad directive", s3.CopyObjectInput{MetadataDirective: "MERGE"}, "InvalidArgument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Bucket, in.Key = aws.String("conds"), aws.String("dst")
			if in.CopySource == nil {
				in.CopySource = aws.String("conds/src")
			}
			_, err := ts.Client.CopyObject(ctx, &in)
			require.Error(t, err)
			apiErr(t, err, tc.code, 0)
		})
	}
	t.Run("if-match matching copies", func(t *testing.T) {
		_, err := ts.Client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("conds"), Key: aws.String("dst"), CopySource: aws.String("conds/src"), CopySourceIfMatch: pout.ETag})
		require.NoError(t, err)
	})
	t.Run("412 names the copy-source condition", func(t *testing.T) {
		resp, body := do(t, ts, signedRequest(t, ts, http.MethodPut, ts.URL+"/conds/dst2", nil,
			map[string]string{"X-Amz-Copy-Source": "conds/src", "X-Amz-Copy-Source-If-Match": `"nope"`}))
		assert.Equal(t, http.StatusPreconditionFailed, resp.StatusCode)
		assert.Equal(t, "x-amz-copy-source-If-Match", parseError(t, body).Elem("Condition"))
	})
}
