package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// probe checks at start-up that the backend takes these credentials, that
// the sidecar bucket exists (creating it), and, when the backend is to
// judge conditional writes, that it does.
func (r *remoteStore) probe(ctx context.Context) error {
	err := r.call(ctx, func(ctx context.Context) error {
		_, err := r.client.ListBuckets(ctx, &s3.ListBucketsInput{})
		return err
	})
	if err != nil {
		return fmt.Errorf("%w: backend %s refused ListBuckets with these backend credentials (--backend-access-key or AWS_ACCESS_KEY_ID): %v", ErrBackendUnusable, r.backend, err)
	}
	err = r.call(ctx, func(ctx context.Context) error {
		_, err := r.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(r.sidecar)})
		if c := backendCode(err); c == "BucketAlreadyOwnedByYou" || c == "BucketAlreadyExists" {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("%w: backend %s: cannot create the sidecar bucket %s: %v", ErrBackendUnusable, r.backend, r.sidecar, err)
	}
	if r.cfg.ConditionalWrites == ConditionalWritesProcess {
		return nil
	}
	return r.probeConditions(ctx)
}

// probeConditions writes a probe key twice with If-None-Match: * (once by
// PutObject, once by CompleteMultipartUpload); a backend that lets either
// second write through does not judge conditions.
func (r *remoteStore) probeConditions(ctx context.Context) error {
	key := "probe/" + newUploadID()
	bucket := aws.String(r.sidecar)
	defer func() {
		_ = r.call(context.WithoutCancel(ctx), func(ctx context.Context) error {
			_, err := r.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String(key)})
			return err
		})
	}()
	put := func(ctx context.Context, cond *string) error {
		_, err := r.client.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String(key), Body: strings.NewReader("probe"), ContentLength: aws.Int64(5), IfNoneMatch: cond})
		return err
	}
	if err := r.call(ctx, func(ctx context.Context) error { return put(ctx, nil) }); err != nil {
		return fmt.Errorf("%w: backend %s: probe write: %v", ErrBackendUnusable, r.backend, err)
	}
	if err := r.call(ctx, func(ctx context.Context) error { return put(ctx, aws.String("*")) }); backendStatus(err) != 412 {
		return r.conditionsRefused("PutObject", err)
	}
	err := r.call(ctx, func(ctx context.Context) error {
		up, err := r.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String(key)})
		if err != nil {
			return err
		}
		defer r.client.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{Bucket: bucket, Key: aws.String(key), UploadId: up.UploadId})
		part, err := r.client.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: aws.String(key), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("probe"), ContentLength: aws.Int64(5)})
		if err != nil {
			return err
		}
		_, err = r.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket: bucket, Key: aws.String(key), UploadId: up.UploadId, IfNoneMatch: aws.String("*"),
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}},
		})
		return err
	})
	if backendStatus(err) != 412 {
		return r.conditionsRefused("CompleteMultipartUpload", err)
	}
	return nil
}

func (r *remoteStore) conditionsRefused(op string, err error) error {
	if err == nil {
		err = errors.New("it overwrote the existing probe object")
	}
	return fmt.Errorf("%w: backend %s did not refuse a %s with If-None-Match: * on an existing key (%v); "+
		"use a backend that judges conditional writes, or --backend-conditional-writes=process to judge them in this process only "+
		"(exact for one strictS3 process, not across several)", ErrBackendConditionalWrites, r.backend, op, err)
}
