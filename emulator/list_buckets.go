package emulator

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// maxBucketsLimit is the largest max-buckets S3 accepts.
const maxBucketsLimit = 10000

// listBuckets is ListBuckets with S3's optional pagination: max-buckets
// (1 to 10000; absent lists every bucket, as an unpaginated request does),
// continuation-token (opaque: base64url of the last bucket name of the
// previous page), prefix and bucket-region filters. Buckets come in name
// order, so a token stays valid while buckets are created or deleted.
func (s *Server) listBuckets(c *call) error {
	q := c.query
	limit, err := parseMaxBuckets(q)
	if err != nil {
		return err
	}
	after, err := bucketsContinuationAfter(q)
	if err != nil {
		return err
	}
	prefix := q.Get("prefix")
	region, byRegion := q.Get("bucket-region"), q.Has("bucket-region")
	buckets, err := s.store.ListBuckets(c.r.Context())
	if err != nil {
		return storeErr(c, err)
	}
	// Each account lists its own buckets, as on S3.
	caller := c.callerAccount()
	res := listAllMyBucketsResult{NS: s3NS, Owner: ownerOf(caller), Buckets: []bucketElem{}}
	if q.Has("prefix") {
		res.Prefix = &prefix
	}
	for _, b := range buckets {
		bucketRegion := b.Region
		if bucketRegion == "" {
			bucketRegion = s.region
		}
		if b.Name <= after || !strings.HasPrefix(b.Name, prefix) || byRegion && bucketRegion != region {
			continue
		}
		if owner, err := s.bucketOwner(c.r.Context(), b.Name); err != nil || owner != caller {
			continue // a bucket deleted meanwhile is not listed either
		}
		if limit > 0 && len(res.Buckets) == limit {
			last := res.Buckets[len(res.Buckets)-1].Name
			res.ContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(last))
			break
		}
		res.Buckets = append(res.Buckets, bucketElem{Name: b.Name, CreationDate: xmlTime(b.CreationDate), BucketRegion: b.Region})
	}
	return writeXML(c, res)
}

// parseMaxBuckets reads max-buckets; 0 means no limit. An empty value is
// taken as absent, as S3 does for its other integer list parameters
// (max-parts=, part-number-marker=). S3 answers a value that is not an
// integer differently from an integer out of range.
func parseMaxBuckets(q url.Values) (int, error) {
	v := q.Get("max-buckets")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, s3err.Newf(s3err.InvalidArgument, "Provided max-buckets not an integer or within integer range").
			With("ArgumentName", "max-buckets").With("ArgumentValue", v)
	}
	if n < 1 || n > maxBucketsLimit {
		return 0, s3err.Newf(s3err.InvalidArgument, "Argument max-buckets must be an integer between 1 and 10000.").
			With("ArgumentName", "max-buckets").With("ArgumentValue", v)
	}
	return int(n), nil
}

// bucketsContinuationAfter decodes continuation-token into the bucket name
// the page starts after. An empty token starts at the first bucket, as S3
// does. For a token strictS3 never issued, S3's ListObjectsV2 answer is
// used; no recorded ListBuckets answer for one was found.
func bucketsContinuationAfter(q url.Values) (string, error) {
	token := q.Get("continuation-token")
	if token == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) == 0 {
		return "", s3err.Newf(s3err.InvalidArgument, "The continuation token provided is incorrect").
			With("ArgumentName", "continuation-token")
	}
	return string(raw), nil
}
