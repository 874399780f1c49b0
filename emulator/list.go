package emulator

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// maxListKeys is the most keys one listing page returns.
const maxListKeys = 1000

// parseMaxKeys reads a page size (max-keys, max-uploads, max-parts): absent
// is 1000, larger values are capped, anything that is not a non-negative
// integer is InvalidArgument.
func parseMaxKeys(q url.Values, name string) (int, error) {
	v, ok := q[name]
	if !ok {
		return maxListKeys, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < 0 {
		return 0, s3err.Newf(s3err.InvalidArgument, "Provided %s not an integer or within integer range", name).
			With("ArgumentName", name).With("ArgumentValue", v[0])
	}
	return min(n, maxListKeys), nil
}

// parseEncodingType accepts only "url", as S3 does.
func parseEncodingType(q url.Values) (string, error) {
	et := q.Get("encoding-type")
	if et != "" && et != "url" {
		return "", s3err.Newf(s3err.InvalidArgument, "Invalid Encoding Method specified in Request").
			With("ArgumentName", "encoding-type").With("ArgumentValue", et)
	}
	return et, nil
}

// pageParams reads what every listing shares: its size limit (max-keys or
// max-uploads) and encoding-type.
func pageParams(q url.Values, maxName string) (limit int, encoding string, err error) {
	if limit, err = parseMaxKeys(q, maxName); err != nil {
		return 0, "", err
	}
	encoding, err = parseEncodingType(q)
	return limit, encoding, err
}

// encodeKey applies encoding-type=url: form-style escaping with "/" kept,
// which clients undo with an unquote-plus.
func encodeKey(encoding, s string) string {
	if encoding != "url" {
		return s
	}
	return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/")
}

// list runs one page of a listing. max-keys 0 still checks the bucket.
func (s *Server) list(c *call, opts store.ListOptions) (store.ListResult, error) {
	if opts.MaxKeys == 0 {
		_, err := s.store.BucketInfo(c.r.Context(), c.bucket)
		return store.ListResult{}, storeErr(c, err)
	}
	res, err := s.store.ListObjects(c.r.Context(), c.bucket, opts)
	return res, storeErr(c, err)
}

// objectElems lists objs; owner, when not nil, is shown as every object's
// owner: with Object Ownership BucketOwnerEnforced (the default) the bucket
// owner owns every object, and strictS3 records no other writer.
func objectElems(objs []store.ObjectInfo, encoding string, owner *owner) []objectElem {
	out := make([]objectElem, 0, len(objs))
	for _, o := range objs {
		e := objectElem{Key: encodeKey(encoding, o.Key), LastModified: xmlTime(o.LastModified), ETag: o.ETag, Size: o.Size, StorageClass: storageClass(o.Meta)}
		if owner != nil {
			own := *owner
			e.Owner = &own
		}
		if ck := o.Meta.Checksum; ck != nil && ck.Value != "" {
			e.ChecksumAlgorithm, e.ChecksumType = ck.Algorithm, ck.Type
		}
		out = append(out, e)
	}
	return out
}

func ownerIf(show bool, o *owner) *owner {
	if show {
		return o
	}
	return nil
}

// bucketOwnerElem is the owner element of c's bucket.
func (s *Server) bucketOwnerElem(c *call) (*owner, error) {
	acct, err := s.bucketOwner(c.r.Context(), c.bucket)
	if err != nil {
		return nil, storeErr(c, err)
	}
	o := ownerOf(acct)
	return &o, nil
}

func prefixElems(prefixes []string, encoding string) []commonPrefix {
	out := make([]commonPrefix, 0, len(prefixes))
	for _, p := range prefixes {
		out = append(out, commonPrefix{Prefix: encodeKey(encoding, p)})
	}
	return out
}

// listObjectsV1 is ListObjects: marker paging; NextMarker is sent only with
// a delimiter (without one, clients page from the last key).
func (s *Server) listObjectsV1(c *call) error {
	q := c.query
	maxKeys, enc, err := pageParams(q, "max-keys")
	if err != nil {
		return err
	}
	prefix, delim, marker := q.Get("prefix"), q.Get("delimiter"), q.Get("marker")
	res, err := s.list(c, store.ListOptions{Prefix: prefix, Delimiter: delim, After: marker, MaxKeys: maxKeys})
	if err != nil {
		return err
	}
	owner, err := s.bucketOwnerElem(c)
	if err != nil {
		return err
	}
	out := listBucketResultV1{
		NS: s3NS, Name: c.bucket, Prefix: encodeKey(enc, prefix), Marker: encodeKey(enc, marker),
		MaxKeys: maxKeys, Delimiter: encodeKey(enc, delim), IsTruncated: res.IsTruncated,
		Contents: objectElems(res.Objects, enc, owner), CommonPrefixes: prefixElems(res.CommonPrefixes, enc),
		EncodingType: enc,
	}
	if res.IsTruncated && delim != "" {
		out.NextMarker = encodeKey(enc, res.NextAfter)
	}
	return writeXML(c, out)
}

// listObjectsV2 pages with an opaque continuation token (base64 of the last
// key or prefix returned), which wins over start-after.
func (s *Server) listObjectsV2(c *call) error {
	q := c.query
	maxKeys, enc, err := pageParams(q, "max-keys")
	if err != nil {
		return err
	}
	prefix, delim, startAfter := q.Get("prefix"), q.Get("delimiter"), q.Get("start-after")
	after := startAfter
	_, hasToken := q["continuation-token"]
	token := q.Get("continuation-token")
	if hasToken {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || token == "" {
			return s3err.Newf(s3err.InvalidArgument, "The continuation token provided is incorrect").
				With("ArgumentName", "continuation-token")
		}
		after = string(raw)
	}
	res, err := s.list(c, store.ListOptions{Prefix: prefix, Delimiter: delim, After: after, MaxKeys: maxKeys})
	if err != nil {
		return err
	}
	owner, err := s.bucketOwnerElem(c)
	if err != nil {
		return err
	}
	out := listBucketResultV2{
		NS: s3NS, Name: c.bucket, Prefix: encodeKey(enc, prefix), Delimiter: encodeKey(enc, delim),
		MaxKeys: maxKeys, KeyCount: len(res.Objects) + len(res.CommonPrefixes), IsTruncated: res.IsTruncated,
		ContinuationToken: token, StartAfter: encodeKey(enc, startAfter), EncodingType: enc,
		Contents:       objectElems(res.Objects, enc, ownerIf(q.Get("fetch-owner") == "true", owner)),
		CommonPrefixes: prefixElems(res.CommonPrefixes, enc),
	}
	if res.IsTruncated {
		out.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(res.NextAfter))
	}
	return writeXML(c, out)
}
