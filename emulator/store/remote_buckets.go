package store

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// bucketSidecar is a bucket's region and creation date: S3 backends place
// every bucket in their own region and stamp their own time.
type bucketSidecar struct {
	Region  string    `json:"region"`
	Created time.Time `json:"created"`
}

// CreateBucket creates the backend bucket, then its sidecar.
func (r *remoteStore) CreateBucket(ctx context.Context, name, region string) error {
	if name == sidecarBucketName {
		return ErrBucketExists
	}
	err := r.call(ctx, func(ctx context.Context) error {
		_, err := r.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(r.backendName(name))})
		return r.fromBackend("CreateBucket", err, nil)
	})
	if err != nil {
		return err
	}
	// Some backends (AWS in us-east-1, strictS3) answer a second create of
	// one's own bucket with success: the sidecar, written only if absent,
	// decides which create was first, across processes too.
	unlock := r.keyLocks.lock(name + "/.bucket")
	defer unlock()
	if r.cfg.ConditionalWrites == ConditionalWritesProcess {
		var side bucketSidecar
		if err := r.getSidecar(ctx, bucketSidecarKey(name), &side); !errors.Is(err, ErrNoSuchKey) {
			return cmp.Or(err, ErrBucketExists)
		}
	}
	err = r.putSidecarIfAbsent(ctx, bucketSidecarKey(name), bucketSidecar{Region: region, Created: r.clock.Now().UTC()})
	if errors.Is(err, ErrPreconditionFailed) {
		return ErrBucketExists
	}
	return err
}

// BucketInfo asks the backend whether the bucket exists, then reads its
// sidecar; a bucket made on the backend directly is adopted with the
// backend's creation date and region.
func (r *remoteStore) BucketInfo(ctx context.Context, name string) (BucketInfo, error) {
	if name == sidecarBucketName {
		return BucketInfo{}, ErrNoSuchBucket
	}
	err := r.call(ctx, func(ctx context.Context) error {
		_, err := r.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(r.backendName(name))})
		return r.fromBackend("HeadBucket", err, ErrNoSuchBucket)
	})
	if err != nil {
		return BucketInfo{}, err
	}
	return r.bucketInfo(ctx, name, time.Time{})
}

func (r *remoteStore) bucketInfo(ctx context.Context, name string, backendCreated time.Time) (BucketInfo, error) {
	var side bucketSidecar
	err := r.getSidecar(ctx, bucketSidecarKey(name), &side)
	switch {
	case errors.Is(err, ErrNoSuchKey):
		return BucketInfo{Name: name, CreationDate: backendCreated, Region: r.cfg.Region}, nil
	case err != nil:
		return BucketInfo{}, err
	}
	return BucketInfo{Name: name, CreationDate: side.Created, Region: side.Region}, nil
}

// ListBuckets lists the backend buckets under the prefix, sorted by name.
func (r *remoteStore) ListBuckets(ctx context.Context) ([]BucketInfo, error) {
	var out *s3.ListBucketsOutput
	err := r.call(ctx, func(ctx context.Context) error {
		var err error
		out, err = r.client.ListBuckets(ctx, &s3.ListBucketsInput{})
		return r.fromBackend("ListBuckets", err, nil)
	})
	if err != nil {
		return nil, err
	}
	var infos []BucketInfo
	for _, b := range out.Buckets {
		name, ok := strings.CutPrefix(aws.ToString(b.Name), r.cfg.BucketPrefix)
		if !ok || name == sidecarBucketName {
			continue
		}
		info, err := r.bucketInfo(ctx, name, aws.ToTime(b.CreationDate).UTC())
		if err != nil {
			return nil, err
		}
		infos = append(infos, info)
	}
	slices.SortFunc(infos, func(a, b BucketInfo) int { return cmp.Compare(a.Name, b.Name) })
	return infos, nil
}

// DeleteBucket refuses while uploads are in progress (the backend judges
// objects), then deletes the backend bucket and its sidecars.
func (r *remoteStore) DeleteBucket(ctx context.Context, name string) error {
	if name == sidecarBucketName {
		return ErrNoSuchBucket
	}
	ups, err := r.ListUploads(ctx, name)
	if err != nil {
		return err
	}
	if len(ups) > 0 {
		return ErrBucketNotEmpty
	}
	// Not every backend refuses to delete a bucket with objects (gofakes3
	// does not); S3-compatible ones still judge it atomically below.
	var err2 error
	for range r.backendKeys(ctx, name, "", "", &err2) {
		return ErrBucketNotEmpty
	}
	if err2 != nil {
		return err2
	}
	err = r.call(ctx, func(ctx context.Context) error {
		_, err := r.client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(r.backendName(name))})
		return r.fromBackend("DeleteBucket", err, ErrNoSuchBucket)
	})
	if err != nil {
		return err
	}
	return r.deleteSidecars(ctx, name+"/")
}

// PutBucketConfig stores the document as a sidecar.
func (r *remoteStore) PutBucketConfig(ctx context.Context, bucket, name string, doc []byte) error {
	if _, err := r.BucketInfo(ctx, bucket); err != nil {
		return err
	}
	return r.putSidecar(ctx, configSidecarKey(bucket, name), doc)
}

// GetBucketConfig reads the document's sidecar.
func (r *remoteStore) GetBucketConfig(ctx context.Context, bucket, name string) ([]byte, error) {
	if _, err := r.BucketInfo(ctx, bucket); err != nil {
		return nil, err
	}
	var doc []byte
	err := r.getSidecar(ctx, configSidecarKey(bucket, name), &doc)
	if errors.Is(err, ErrNoSuchKey) {
		return nil, ErrNoSuchBucketConfig
	}
	return doc, err
}

// DeleteBucketConfig removes the document's sidecar.
func (r *remoteStore) DeleteBucketConfig(ctx context.Context, bucket, name string) error {
	if _, err := r.BucketInfo(ctx, bucket); err != nil {
		return err
	}
	return r.deleteSidecar(ctx, configSidecarKey(bucket, name))
}
