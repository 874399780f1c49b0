package emulator

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/verifier"
)

// The server behaves the same on the directory store as on the memory one.
func TestDirStore_PutCopyListMultipartDelete(t *testing.T) {
	dir, err := store.NewDir(t.TempDir())
	require.NoError(t, err)
	ts := NewTestServer(t, WithStore(dir))
	c := ts.Client
	ctx := context.Background()
	s3test.MustCreateBucket(t, c, "on-disk")
	s3test.MustPutObject(t, c, "on-disk", "a/b c.txt", "hello")
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("on-disk"), Key: aws.String("copy"), CopySource: aws.String("on-disk/a/b%20c.txt")})
	require.NoError(t, err)
	assert.Equal(t, "hello", s3test.MustGetBody(t, c, "on-disk", "copy"))

	create, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("on-disk"), Key: aws.String("mp")})
	require.NoError(t, err)
	p1, p2 := bytes.Repeat([]byte("x"), 5<<20), []byte("end")
	parts := uploadParts(t, c, "on-disk", "mp", aws.ToString(create.UploadId), p1, p2)
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("on-disk"), Key: aws.String("mp"),
		UploadId: create.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	require.NoError(t, err)
	assert.Equal(t, multipartETag(p1, p2), aws.ToString(done.ETag))

	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("on-disk"), Delimiter: aws.String("/")})
	require.NoError(t, err)
	require.Len(t, out.CommonPrefixes, 1)
	assert.Equal(t, "a/", aws.ToString(out.CommonPrefixes[0].Prefix))
	assert.Len(t, out.Contents, 2)

	for _, k := range []string{"a/b c.txt", "copy", "mp"} {
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("on-disk"), Key: aws.String(k)})
		require.NoError(t, err)
	}
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("on-disk")})
	require.NoError(t, err)
}

func TestDirStore_ChecksumsAreStoredWithTheObjectAndItsParts(t *testing.T) {
	dir, err := store.NewDir(t.TempDir())
	require.NoError(t, err)
	ts := NewTestServer(t, WithStore(dir), WithTLS())
	c := ts.Client
	ctx := context.Background()
	s3test.MustCreateBucket(t, c, "bkt")
	data := payload(9000)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: bytes.NewReader(data)})
	require.NoError(t, err)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), ChecksumMode: types.ChecksumModeEnabled})
	require.NoError(t, err)
	assert.Equal(t, sumOf(t, "CRC32", data), aws.ToString(head.ChecksumCRC32))

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: bytes.NewReader([]byte("other")),
		ChecksumCRC32: aws.String(sumOf(t, "CRC32", []byte("not other")))})
	apiErr(t, err, "BadDigest", 400)
	_, body := getObjectChecked(t, c, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), ChecksumMode: types.ChecksumModeEnabled})
	assert.Equal(t, data, body, "the previous object and its checksum are intact")

	id, done := uploadChecksummedParts(t, c, "mp", "CRC32C", "", [][]byte{data})
	out, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), UploadId: aws.String(id),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
	require.NoError(t, err)
	assert.Equal(t, compositeOf(t, "CRC32C", data), aws.ToString(out.ChecksumCRC32C))
	p1, body := getObjectChecked(t, c, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("mp"), PartNumber: aws.Int32(1), ChecksumMode: types.ChecksumModeEnabled})
	assert.Equal(t, data, body)
	assert.Equal(t, sumOf(t, "CRC32C", data), aws.ToString(p1.ChecksumCRC32C))
}

// Owner, bucket policy, Block Public Access and ownership controls are
// bucket configuration documents; they survive on the directory store as
// on the memory one, the deleted ownership controls (an empty document)
// included.
func TestDirStore_AccountsPoliciesAndOwnershipPersist(t *testing.T) {
	root := t.TempDir()
	dir, err := store.NewDir(root)
	require.NoError(t, err)
	_, other := twoAccounts(t, WithStore(dir))
	ctx := context.Background()
	s3test.MustCreateBucket(t, other, "theirs")
	_, err = other.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("theirs")})
	require.NoError(t, err)
	require.NoError(t, putPolicy(t, other, "theirs", `{"Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::theirs/*"}]}`))
	_, err = other.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: aws.String("theirs")})
	require.NoError(t, err)

	require.NoError(t, dir.Close()) // the data directory is locked while open
	reopened, err := store.NewDir(root)
	require.NoError(t, err)
	ts2 := NewTestServer(t, WithStore(reopened), WithCredentials(verifier.Credential{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey}, otherKey))
	other2 := clientFor(ts2, otherKey)
	_, err = ts2.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("theirs")})
	apiErr(t, err, "BucketAlreadyExists", 409)
	_, err = other2.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("theirs")})
	apiErr(t, err, "OwnershipControlsNotFoundError", 404)
	st, err := other2.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("theirs")})
	require.NoError(t, err)
	assert.True(t, *st.PolicyStatus.IsPublic)
}
