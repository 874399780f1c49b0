package presign

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// GetObject pre-signs a GET of bucket/key valid for expires. edit may set
// more input fields (Range, response-* overrides, VersionId...).
func (s *Signer) GetObject(ctx context.Context, bucket, key string, expires time.Duration, edit ...func(*s3.GetObjectInput)) (*Request, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	for _, e := range edit {
		e(in)
	}
	return Operation(ctx, s, (*s3.PresignClient).PresignGetObject, in, expires)
}

// HeadObject pre-signs a HEAD of bucket/key.
func (s *Signer) HeadObject(ctx context.Context, bucket, key string, expires time.Duration, edit ...func(*s3.HeadObjectInput)) (*Request, error) {
	in := &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	for _, e := range edit {
		e(in)
	}
	return Operation(ctx, s, (*s3.PresignClient).PresignHeadObject, in, expires)
}

// DeleteObject pre-signs a DELETE of bucket/key.
func (s *Signer) DeleteObject(ctx context.Context, bucket, key string, expires time.Duration, edit ...func(*s3.DeleteObjectInput)) (*Request, error) {
	in := &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	for _, e := range edit {
		e(in)
	}
	return Operation(ctx, s, (*s3.PresignClient).PresignDeleteObject, in, expires)
}

// PutOptions are the object attributes a pre-signed PUT fixes.
type PutOptions struct {
	// ContentType, when set, is a signed header the uploader must send.
	ContentType string
	// ContentLength, when positive, is signed: the upload must be exactly
	// this many bytes.
	ContentLength int64
	// ContentMD5, base64 of the body's MD5, is signed when set.
	ContentMD5 string
	// Metadata becomes x-amz-meta-* (keys as given).
	Metadata map[string]string
	// SignHeaders keeps Metadata as signed headers the uploader must send.
	// When false (the default) they ride in the query string, still signed,
	// and S3 applies them: a plain `curl -T file URL` then works.
	SignHeaders bool
}

// PutObject pre-signs a PUT of bucket/key.
func (s *Signer) PutObject(ctx context.Context, bucket, key string, expires time.Duration, opt PutOptions) (*Request, error) {
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Metadata: opt.Metadata}
	if opt.ContentType != "" {
		in.ContentType = aws.String(opt.ContentType)
	}
	if opt.ContentLength > 0 {
		in.ContentLength = aws.Int64(opt.ContentLength)
	}
	if opt.ContentMD5 != "" {
		in.ContentMD5 = aws.String(opt.ContentMD5)
	}
	return presignOperation(ctx, s, (*s3.PresignClient).PresignPutObject, in, expires, !opt.SignHeaders)
}

// UploadPart pre-signs a PUT of part partNumber of multipart upload uploadID.
func (s *Signer) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int32, expires time.Duration, edit ...func(*s3.UploadPartInput)) (*Request, error) {
	in := &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key),
		UploadId: aws.String(uploadID), PartNumber: aws.Int32(partNumber)}
	for _, e := range edit {
		e(in)
	}
	return Operation(ctx, s, (*s3.PresignClient).PresignUploadPart, in, expires)
}

// PresignFunc is a PresignClient method as a method expression, e.g.
// (*s3.PresignClient).PresignGetObject.
type PresignFunc[In any] func(*s3.PresignClient, context.Context, In, ...func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error)

// Operation pre-signs any input the SDK's PresignClient supports, with the
// signer's settings:
//
//	req, err := presign.Operation(ctx, s, (*s3.PresignClient).PresignHeadBucket,
//		&s3.HeadBucketInput{Bucket: aws.String("photos")}, time.Hour)
//
// For operations PresignClient lacks (ListObjectsV2...), use Signer.Call.
func Operation[In any](ctx context.Context, s *Signer, op PresignFunc[In], in In, expires time.Duration) (*Request, error) {
	return presignOperation(ctx, s, op, in, expires, false)
}

func presignOperation[In any](ctx context.Context, s *Signer, op PresignFunc[In], in In, expires time.Duration, hoistMeta bool) (*Request, error) {
	p, err := op(s.pc, ctx, in, s.presignOptions(expires, hoistMeta))
	if err != nil {
		return nil, err
	}
	return toRequest(p), nil
}
