package store

import (
	"context"
	"errors"
	"iter"
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// ListObjects pages through the backend's ListObjectsV2 until MaxKeys
// entries are found or the listing ends, then HEADs every listed object
// (a backend listing carries no metadata, nor strictS3's ETag and time).
func (r *remoteStore) ListObjects(ctx context.Context, bucket string, opts ListOptions) (ListResult, error) {
	var res ListResult
	if opts.MaxKeys <= 0 {
		return res, nil
	}
	if r.cfg.RollUpLocally {
		return r.listLocally(ctx, bucket, opts)
	}
	startAfter := opts.After
	if opts.Delimiter != "" && strings.HasPrefix(startAfter, opts.Prefix) && strings.HasSuffix(startAfter, opts.Delimiter) {
		// After names a common prefix: skip every key under it, which the
		// backend would otherwise roll up into the same prefix again.
		startAfter += string(utf8.MaxRune)
	}
	for {
		want := opts.MaxKeys - len(res.Objects) - len(res.CommonPrefixes)
		var out *s3.ListObjectsV2Output
		err := r.call(ctx, func(ctx context.Context) error {
			var err error
			out, err = r.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
				Bucket: aws.String(r.backendName(bucket)), Prefix: nonEmpty(opts.Prefix), Delimiter: nonEmpty(opts.Delimiter),
				StartAfter: nonEmpty(startAfter), EncodingType: types.EncodingTypeUrl, MaxKeys: aws.Int32(int32(min(max(want, 0), 1000))),
			})
			return r.fromBackend("ListObjectsV2", err, ErrNoSuchBucket)
		})
		if err != nil {
			return ListResult{}, err
		}
		decode := listingDecoder(out.EncodingType)
		last := ""
		for _, o := range out.Contents {
			o.Key = aws.String(decode(aws.ToString(o.Key)))
			res.Objects = append(res.Objects, ObjectInfo{
				Bucket: bucket, Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag),
				LastModified: aws.ToTime(o.LastModified).UTC(), Meta: ObjectMeta{StorageClass: string(o.StorageClass)},
			})
			last = max(last, aws.ToString(o.Key))
		}
		for _, p := range out.CommonPrefixes {
			p.Prefix = aws.String(decode(aws.ToString(p.Prefix)))
			res.CommonPrefixes = append(res.CommonPrefixes, aws.ToString(p.Prefix))
			last = max(last, aws.ToString(p.Prefix))
		}
		if last != "" {
			res.NextAfter = max(res.NextAfter, last)
		}
		res.IsTruncated = aws.ToBool(out.IsTruncated)
		if !res.IsTruncated || want <= 0 || len(res.Objects)+len(res.CommonPrefixes) >= opts.MaxKeys {
			break
		}
		startAfter = res.NextAfter
		if strings.HasSuffix(startAfter, opts.Delimiter) && opts.Delimiter != "" {
			startAfter += string(utf8.MaxRune)
		}
	}
	return res, r.fillInfos(ctx, bucket, &res)
}

// listLocally reads the backend's keys in order and rolls them up here,
// for backends whose delimiter listing is wrong (gofakes3). It reads every
// key under a common prefix to get past it.
func (r *remoteStore) listLocally(ctx context.Context, bucket string, opts ListOptions) (ListResult, error) {
	var err error
	res := listPage(opts, r.backendKeys(ctx, bucket, opts.Prefix, opts.After, &err), func(key string) (ObjectInfo, bool) {
		return ObjectInfo{Bucket: bucket, Key: key}, true
	})
	if err != nil {
		return ListResult{}, err
	}
	return res, r.fillInfos(ctx, bucket, &res)
}

// backendKeys yields the bucket's keys with prefix after after, a page of
// the backend's listing at a time; the first error ends it in *errp.
func (r *remoteStore) backendKeys(ctx context.Context, bucket, prefix, after string, errp *error) iter.Seq[string] {
	return func(yield func(string) bool) {
		for {
			var out *s3.ListObjectsV2Output
			*errp = r.call(ctx, func(ctx context.Context) error {
				var err error
				out, err = r.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
					Bucket: aws.String(r.backendName(bucket)), Prefix: nonEmpty(prefix), StartAfter: nonEmpty(after), EncodingType: types.EncodingTypeUrl,
				})
				return r.fromBackend("ListObjectsV2", err, ErrNoSuchBucket)
			})
			if *errp != nil {
				return
			}
			decode := listingDecoder(out.EncodingType)
			for _, o := range out.Contents {
				after = decode(aws.ToString(o.Key))
				if !yield(after) {
					return
				}
			}
			if !aws.ToBool(out.IsTruncated) || len(out.Contents) == 0 {
				return
			}
		}
	}
}

// listingDecoder undoes encoding-type=url, which lets keys XML cannot
// carry (a NUL byte) through a listing; a backend that ignores the
// parameter says so by not echoing it.
func listingDecoder(enc types.EncodingType) func(string) string {
	if enc != types.EncodingTypeUrl {
		return func(s string) string { return s }
	}
	return func(s string) string {
		if d, err := url.QueryUnescape(s); err == nil {
			return d
		}
		return s
	}
}

// listHeadParallelism bounds the HEADs one listing page runs at once.
const listHeadParallelism = 8

// fillInfos replaces each listed object's entry with its HEAD (content
// headers, strictS3's ETag and time); an object deleted since the listing
// is dropped from the page, as if listed a moment later.
func (r *remoteStore) fillInfos(ctx context.Context, bucket string, res *ListResult) error {
	infos := make([]*ObjectInfo, len(res.Objects))
	errs := make([]error, len(res.Objects))
	sem := make(chan struct{}, listHeadParallelism)
	var wg sync.WaitGroup
	for i, o := range res.Objects {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			cur, err := r.head(ctx, bucket, o.Key, true)
			if cur != nil {
				infos[i] = cur.info
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	kept := res.Objects[:0]
	for _, info := range infos {
		if info != nil {
			kept = append(kept, *info)
		}
	}
	res.Objects = kept
	return nil
}
