package emulator

import (
	"encoding/xml"
	"errors"
	"net/url"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// copySource parses x-amz-copy-source: "[/]bucket/key[?versionId=v]", URL
// encoded; versionID is "" when the header names none.
func copySource(header string) (bucket, key, versionID string, err error) {
	bad := s3err.Newf(s3err.InvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey").
		With("ArgumentName", "x-amz-copy-source").With("ArgumentValue", header)
	raw, query, _ := strings.Cut(header, "?")
	if query != "" {
		q := verifier.ParseQuery(query)
		if v, ok := q["versionId"]; ok {
			if !store.IsVersionID(v[0]) {
				return "", "", "", s3err.Newf(s3err.InvalidArgument, "Invalid version id specified").
					With("ArgumentName", "versionId").With("ArgumentValue", v[0])
			}
			versionID = v[0]
		}
	}
	dec, perr := url.PathUnescape(raw)
	if perr != nil {
		return "", "", "", bad
	}
	dec = strings.TrimPrefix(dec, "/")
	bucket, key, ok := strings.Cut(dec, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", "", bad
	}
	return bucket, key, versionID, nil
}

// copyDirective reads x-amz-metadata-directive or x-amz-tagging-directive.
func copyDirective(c *call, header string) (replace bool, err error) {
	switch v := c.r.Header.Get(header); v {
	case "", "COPY":
		return false, nil
	case "REPLACE":
		return true, nil
	default:
		return false, s3err.Newf(s3err.InvalidArgument, "Unknown %s.", strings.TrimPrefix(strings.ToLower(header), "x-amz-")).
			With("ArgumentName", strings.ToLower(header)).With("ArgumentValue", v)
	}
}

// openCopySource authorizes, opens and checks the x-amz-copy-source
// object. The source is opened once: the copy-source conditions and the
// readable check judge the very version whose bytes the returned Object
// reads, so an overwrite in between cannot slip other bytes under a
// condition. A source named with ?versionId= needs s3:GetObjectVersion, as
// on S3, and the response names it in x-amz-copy-source-version-id. On
// success the caller closes the Object.
func (s *Server) openCopySource(c *call) (bucket, key string, src store.Object, err error) {
	bucket, key, versionID, err := copySource(headerGet(c.r.Header, "X-Amz-Copy-Source"))
	if err != nil {
		return "", "", nil, err
	}
	action := "s3:GetObject"
	if versionID != "" {
		action = "s3:GetObjectVersion"
	}
	if err = s.allow(c, action, bucket, key); err != nil {
		return "", "", nil, err
	}
	if versionID != "" {
		src, err = s.store.OpenObjectVersion(c.r.Context(), bucket, key, versionID)
	} else {
		src, err = s.store.OpenObject(c.r.Context(), bucket, key)
	}
	if err != nil {
		return "", "", nil, copySourceErr(err, bucket, key, versionID)
	}
	if info := src.Info(); versionID != "" || info.VersionID != "" {
		c.w.Header().Set("X-Amz-Copy-Source-Version-Id", store.ShownVersionID(info.VersionID))
	}
	info := src.Info()
	if err = evalConditions(c.r.Header, copyConds, info, true); err == nil {
		err = checkReadable(info)
	}
	if err != nil {
		src.Close()
		return "", "", nil, err
	}
	return bucket, key, src, nil
}

// copyObject is PUT with x-amz-copy-source: metadata is copied unless the
// directive is REPLACE, and copying an object onto itself must change
// something, as on S3.
func (s *Server) copyObject(c *call) error {
	if err := checkKey(c.key); err != nil {
		return err
	}
	srcBucket, srcKey, srcObj, err := s.openCopySource(c)
	if err != nil {
		return err
	}
	defer srcObj.Close()
	src := srcObj.Info()
	replaceMeta, err := copyDirective(c, "X-Amz-Metadata-Directive")
	if err != nil {
		return err
	}
	replaceTags, err := copyDirective(c, "X-Amz-Tagging-Directive")
	if err != nil {
		return err
	}
	h := c.r.Header
	// Copying an older version over its key is how S3 restores it, so
	// only a copy of the current version onto itself must change something.
	_, _, srcVersion, _ := copySource(headerGet(h, "X-Amz-Copy-Source")) // parsed cleanly above
	if srcBucket == c.bucket && srcKey == c.key && !replaceMeta && srcVersion == "" &&
		headerGet(h, "X-Amz-Storage-Class") == "" && headerGet(h, "X-Amz-Website-Redirect-Location") == "" &&
		headerGet(h, "X-Amz-Server-Side-Encryption") == "" {
		return s3err.Newf(s3err.InvalidRequest, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	hdrMeta, err := metaFromHeaders(h)
	if err != nil {
		return err
	}
	meta := src.Meta
	if replaceMeta {
		meta = hdrMeta
		meta.Tagging = src.Meta.Tagging
	} else if hdrMeta.StorageClass != "" {
		meta.StorageClass = hdrMeta.StorageClass
	}
	if replaceTags {
		meta.Tagging = hdrMeta.Tagging
	}
	// The copy gets a full-object checksum computed over the copied bytes:
	// of the algorithm the request names, else the source's, else S3's
	// default CRC64NVME. A composite source value describes parts the copy
	// does not have, so it is never carried over as is.
	alg, err := checksumAlgorithmHeader(h)
	if err != nil {
		return err
	}
	if alg == "" && src.Meta.Checksum != nil {
		alg = src.Meta.Checksum.Algorithm
	}
	meta.Checksum = &store.Checksum{Algorithm: alg, Type: checksumFullObject}
	if _, err := s.store.BucketInfo(c.r.Context(), c.bucket); err != nil {
		return storeErr(c, err)
	}
	if meta.ACL, err = s.objectACL(c.r.Context(), c, c.r.Header); err != nil {
		return err
	}
	if meta.Lock, err = s.newVersionLock(c); err != nil {
		return err
	}
	cond, err := writeCondition(h)
	if err != nil {
		return err
	}
	if err := s.checkWriteCondition(c, cond); err != nil {
		return err
	}
	rc, err := srcObj.Reader(nil)
	if err != nil {
		return err
	}
	info, err := s.store.PutObject(c.r.Context(), c.bucket, c.key, meta, cond, newHashOnEOF(rc, meta.Checksum).withSize(src.Size))
	if err != nil {
		return writeConditionErr(c, cond, err)
	}
	s.setVersionHeader(c, "X-Amz-Version-Id", info.VersionID)
	return writeXML(c, copyResult{XMLName: xml.Name{Local: "CopyObjectResult"}, NS: s3NS,
		LastModified: xmlTime(info.LastModified), ETag: info.ETag,
		checksumElems: newChecksumElems(info.Meta.Checksum, true)})
}

// copySourceErr is S3's answer for a copy source that cannot be read: a
// delete marker reads as an absent key when current, and is an invalid
// source when named by id (S3 answers 400 InvalidRequest there).
func copySourceErr(err error, bucket, key, versionID string) error {
	var dm *store.DeleteMarkerError
	if errors.As(err, &dm) && !dm.Current {
		return s3err.Newf(s3err.InvalidRequest, "The source of a copy request may not specifically refer to a delete marker by version id.")
	}
	err = resourceErr(err, bucket, key, "")
	if e, ok := s3err.As(err); ok && e.Code == s3err.NoSuchVersion {
		return e.With("VersionId", versionID)
	}
	return err
}
