package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Sidecar objects live in one backend bucket of their own (prefix +
// "stricts3-sidecars"), under the client bucket's name, so they never show
// in a client's listing nor keep its bucket from being deleted:
//
//	<bucket>/.bucket                     region and creation date
//	<bucket>/.config/<name>              bucket configuration documents
//	<bucket>/r/<id>                      object records too big to inline
//	<bucket>/u/<hash of upload id>       upload metadata and record id
//	<bucket>/p/<hash of upload id>/<n>   a part's checksum and time

func bucketSidecarKey(bucket string) string { return bucket + "/.bucket" }

func configSidecarKey(bucket, name string) string { return bucket + "/.config/" + name }

func recordSidecarKey(bucket, id string) string { return bucket + "/r/" + id }

func uploadSidecarKey(bucket, uploadID string) string { return bucket + "/u/" + hashID(uploadID) }

func partsSidecarPrefix(bucket, uploadID string) string {
	return bucket + "/p/" + hashID(uploadID) + "/"
}

// hashID makes a backend's upload id, whatever characters it uses, a
// fixed-length key segment.
func hashID(id string) string {
	s := sha256.Sum256([]byte(id))
	return hex.EncodeToString(s[:16])
}

func (r *remoteStore) putSidecar(ctx context.Context, key string, v any) error {
	return r.writeSidecar(ctx, key, v, nil)
}

// putSidecarIfAbsent is ErrPreconditionFailed when the sidecar exists and
// the backend judges conditions.
func (r *remoteStore) putSidecarIfAbsent(ctx context.Context, key string, v any) error {
	var cond *string
	if r.cfg.ConditionalWrites == ConditionalWritesBackend {
		cond = aws.String("*")
	}
	return r.writeSidecar(ctx, key, v, cond)
}

func (r *remoteStore) writeSidecar(ctx context.Context, key string, v any, ifNoneMatch *string) error {
	doc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return r.call(ctx, func(ctx context.Context) error {
		_, err := r.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(r.sidecar), Key: aws.String(key),
			Body: bytes.NewReader(doc), ContentLength: aws.Int64(int64(len(doc))),
			ContentType: aws.String("application/json"), IfNoneMatch: ifNoneMatch,
		})
		return r.fromBackend("PutObject (sidecar)", err, nil)
	})
}

// getSidecar decodes the sidecar at key into v; ErrNoSuchKey when absent.
func (r *remoteStore) getSidecar(ctx context.Context, key string, v any) error {
	return r.call(ctx, func(ctx context.Context) error {
		out, err := r.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(r.sidecar), Key: aws.String(key)})
		if err != nil {
			return r.fromBackend("GetObject (sidecar)", err, ErrNoSuchKey)
		}
		defer out.Body.Close()
		doc, err := io.ReadAll(io.LimitReader(out.Body, 4<<20))
		if err != nil {
			return r.fromBackend("GetObject (sidecar)", err, nil)
		}
		return json.Unmarshal(doc, v)
	})
}

func (r *remoteStore) deleteSidecar(ctx context.Context, key string) error {
	return r.call(ctx, func(ctx context.Context) error {
		_, err := r.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(r.sidecar), Key: aws.String(key)})
		return r.fromBackend("DeleteObject (sidecar)", err, nil)
	})
}

// deleteSidecars removes every sidecar under prefix.
func (r *remoteStore) deleteSidecars(ctx context.Context, prefix string) error {
	var after *string
	for {
		var out *s3.ListObjectsV2Output
		err := r.call(ctx, func(ctx context.Context) error {
			var err error
			out, err = r.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(r.sidecar), Prefix: aws.String(prefix), StartAfter: after})
			return r.fromBackend("ListObjectsV2 (sidecar)", err, nil)
		})
		if err != nil {
			return err
		}
		for _, o := range out.Contents {
			if err := r.deleteSidecar(ctx, aws.ToString(o.Key)); err != nil {
				return err
			}
			after = o.Key
		}
		if !aws.ToBool(out.IsTruncated) || len(out.Contents) == 0 {
			return nil
		}
	}
}
