package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// OpenObject starts a GET of the whole object, so the version it describes
// stays readable whatever writes follow: a range is fetched with If-Match
// on that version's backend ETag, and if the backend has replaced it, the
// range is cut out of the open stream instead.
func (r *remoteStore) OpenObject(ctx context.Context, bucket, key string) (Object, error) {
	for range 3 {
		obj, err := r.openObject(ctx, bucket, key)
		if errors.Is(err, errRecordGone) {
			continue
		}
		return obj, err
	}
	return nil, r.fromBackend("GetObject", errRecordGone, nil)
}

func (r *remoteStore) openObject(ctx context.Context, bucket, key string) (Object, error) {
	// The stream outlives this call: it ends with Close, or when it
	// pauses for longer than the timeout.
	gctx, ic, cancel := withIdleCancel(context.WithoutCancel(ctx), r.cfg.Timeout)
	out, err := r.client.GetObject(gctx, &s3.GetObjectInput{Bucket: aws.String(r.backendName(bucket)), Key: aws.String(key)})
	if err != nil {
		cancel()
		if errors.Is(r.fromBackend("GetObject", err, ErrNoSuchKey), ErrNoSuchKey) {
			if _, err := r.BucketInfo(ctx, bucket); err != nil {
				return nil, err
			}
			return nil, ErrNoSuchKey
		}
		return nil, r.fromBackend("GetObject", err, nil)
	}
	info, err := r.objectInfo(ctx, bucket, key, nativeHeaders{
		ContentType: out.ContentType, ContentEncoding: out.ContentEncoding, ContentDisposition: out.ContentDisposition,
		ContentLanguage: out.ContentLanguage, CacheControl: out.CacheControl, Metadata: out.Metadata,
		ETag: out.ETag, LastModified: out.LastModified, Size: out.ContentLength,
	})
	if err != nil {
		out.Body.Close()
		cancel()
		return nil, err
	}
	return &remoteObject{r: r, bucket: bucket, key: key, info: info, native: aws.ToString(out.ETag),
		body: out.Body, watch: ic, cancel: cancel}, nil
}

type remoteObject struct {
	r           *remoteStore
	bucket, key string
	info        ObjectInfo
	native      string
	body        io.ReadCloser // the whole version, unread; nil once used
	watch       *idleCancel
	cancel      context.CancelFunc
	// extra is a ranged GET's stream, closed by the next Reader or Close.
	extra io.Closer
}

func (o *remoteObject) Info() ObjectInfo { return cloneInfo(o.info) }

func (o *remoteObject) Reader(rng *Range) (io.Reader, error) {
	whole := Range{Start: 0, Length: o.info.Size}
	if rng != nil {
		whole = clampRange(rng, o.info.Size)
	}
	o.closeExtra()
	if o.body != nil && whole.Start == 0 {
		return o.take(whole), nil
	}
	if r, err := o.fetch(whole); err == nil || o.body == nil {
		return r, err
	}
	// The backend holds another version now: skip to the range in the
	// stream opened with this one.
	src := o.take(Range{Start: 0, Length: whole.Start + whole.Length})
	if _, err := io.CopyN(io.Discard, src, whole.Start); err != nil {
		return nil, o.r.fromBackend("GetObject", err, nil)
	}
	return src, nil
}

// take hands out the open stream, limited to rng.Length bytes from 0.
func (o *remoteObject) take(rng Range) io.Reader {
	body := o.body
	o.body = nil
	o.extra = body
	return touchingReader{io.LimitReader(body, rng.Start+rng.Length), o.watch}
}

// fetch GETs rng of this version only.
func (o *remoteObject) fetch(rng Range) (io.Reader, error) {
	if rng.Length == 0 {
		return strings.NewReader(""), nil
	}
	gctx, ic, cancel := withIdleCancel(context.Background(), o.r.cfg.Timeout)
	out, err := o.r.client.GetObject(gctx, &s3.GetObjectInput{
		Bucket: aws.String(o.r.backendName(o.bucket)), Key: aws.String(o.key),
		Range:   aws.String(fmt.Sprintf("bytes=%d-%d", rng.Start, rng.Start+rng.Length-1)),
		IfMatch: aws.String(o.native),
	})
	if err != nil {
		cancel()
		return nil, o.r.fromBackend("GetObject", err, ErrNoSuchKey)
	}
	// A backend that ignores If-Match shows the change in the ETag.
	if aws.ToString(out.ETag) != o.native {
		out.Body.Close()
		cancel()
		return nil, ErrPreconditionFailed
	}
	o.extra = closerFunc(func() error { defer cancel(); return out.Body.Close() })
	return touchingReader{io.LimitReader(out.Body, rng.Length), ic}, nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func (o *remoteObject) closeExtra() {
	if o.extra != nil {
		o.extra.Close()
		o.extra = nil
	}
}

func (o *remoteObject) Close() error {
	o.closeExtra()
	if o.body != nil {
		o.body.Close()
		o.body = nil
	}
	o.cancel()
	return nil
}
