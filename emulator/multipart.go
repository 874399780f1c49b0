package emulator

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

const (
	// maxPartNumber is the highest part number S3 accepts.
	maxPartNumber = 10000
	// minPartSize is S3's floor for every part but the last.
	minPartSize = 5 << 20
)

// parsePartNumber reads the partNumber query parameter of UploadPart or
// GetObject.
func parsePartNumber(pn string) (int, error) {
	n, err := strconv.Atoi(pn)
	if err != nil || n < 1 || n > maxPartNumber {
		return 0, s3err.Newf(s3err.InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive").
			With("ArgumentName", "partNumber").With("ArgumentValue", pn)
	}
	return n, nil
}

func uploadID(c *call) string { return c.query.Get("uploadId") }

// upload finds the upload c names; NoSuchUpload carries the id, as on S3.
func (s *Server) upload(c *call) (store.UploadInfo, error) {
	u, err := s.store.GetUpload(c.r.Context(), c.bucket, c.key, uploadID(c))
	return u, storeErr(c, err)
}

func (s *Server) createMultipartUpload(c *call) error {
	if err := checkKey(c.key); err != nil {
		return err
	}
	meta, err := metaFromHeaders(c.r.Header)
	if err != nil {
		return err
	}
	// The upload's checksum settings ride in its metadata (no Value yet);
	// CompleteMultipartUpload replaces them with the object's checksum.
	if meta.Checksum, err = uploadChecksumSpec(c.r.Header); err != nil {
		return err
	}
	if _, err := s.store.BucketInfo(c.r.Context(), c.bucket); err != nil {
		return storeErr(c, err)
	}
	if meta.ACL, err = s.objectACL(c.r.Context(), c, c.r.Header); err != nil {
		return err
	}
	if meta.Lock, err = s.newVersionLock(c); err != nil {
		return err
	}
	u, err := s.store.CreateUpload(c.r.Context(), c.bucket, c.key, meta)
	if err != nil {
		return storeErr(c, err)
	}
	if spec := uploadSpec(u); spec != nil {
		c.w.Header().Set("X-Amz-Checksum-Algorithm", spec.Algorithm)
		c.w.Header().Set("X-Amz-Checksum-Type", spec.Type)
	}
	return writeXML(c, initiateMultipartUploadResult{NS: s3NS, Bucket: c.bucket, Key: c.key, UploadID: u.UploadID})
}

func (s *Server) uploadPart(c *call) error {
	pn, err := parsePartNumber(c.query.Get("partNumber"))
	if err != nil {
		return err
	}
	if err := requireContentLength(c.r); err != nil {
		return err
	}
	u, err := s.upload(c)
	if err != nil {
		return err
	}
	// S3 reports a Content-MD5 mismatch on a part with a base64 ExpectedDigest.
	body, err := c.body(verifier.ExpectedDigestBase64())
	if err != nil {
		return err
	}
	spec, declared := uploadSpec(u), c.declaredChecksumAlg()
	if err := checkPartAlgorithm(declared, spec); err != nil {
		return err
	}
	typ := ""
	if spec != nil {
		typ = spec.Type
	}
	sum := &store.Checksum{}
	var src io.Reader = &checksumOnEOF{body: body, dst: sum, typ: typ, size: declaredSize(c.r)}
	if spec == nil && declared != "" && declared != verifier.CRC64NVME {
		// The parts of an upload without an algorithm keep S3's default
		// CRC64NVME, from which the object's full-object checksum is
		// combined; the client's own checksum is verified and echoed only.
		sum = &store.Checksum{Algorithm: verifier.CRC64NVME}
		src = newHashOnEOF(body, sum).withSize(declaredSize(c.r))
	}
	part, err := s.store.UploadPart(c.r.Context(), c.bucket, c.key, uploadID(c), pn, sum, src)
	if err != nil {
		return storeErr(c, err)
	}
	c.w.Header().Set("ETag", part.ETag)
	// The part's checksum is echoed when the client sent one; a value the
	// server only computed (S3's default) is kept for the object checksum.
	if ck := body.Checksum(); ck != nil && ck.Supplied {
		c.w.Header().Set(checksumHeaderName(ck.Algorithm), ck.Value)
	}
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// uploadPartCopy is UploadPart with its bytes taken from x-amz-copy-source,
// optionally narrowed by x-amz-copy-source-range.
func (s *Server) uploadPartCopy(c *call) error {
	pn, err := parsePartNumber(c.query.Get("partNumber"))
	if err != nil {
		return err
	}
	u, err := s.upload(c)
	if err != nil {
		return err
	}
	// The range is read as asked and judged against the size of the source
	// version opened, so the source is looked up only once.
	hdr := headerGet(c.r.Header, "X-Amz-Copy-Source-Range")
	var rng *store.Range
	if first, last, ok := parseCopySourceRange(hdr); ok {
		rng = &store.Range{Start: first, Length: last - first + 1}
	}
	_, _, srcObj, err := s.openCopySource(c)
	if err != nil {
		return err
	}
	defer srcObj.Close()
	size := srcObj.Info().Size
	if hdr != "" {
		if err := checkCopySourceRange(hdr, size); err != nil {
			return err
		}
		size = rng.Length
	}
	rc, err := srcObj.Reader(rng)
	if err != nil {
		return err
	}
	// A copied part gets a checksum of its upload's algorithm, computed
	// over the copied bytes, else S3's default CRC64NVME.
	sum := &store.Checksum{Algorithm: verifier.CRC64NVME}
	spec := uploadSpec(u)
	if spec != nil {
		sum = &store.Checksum{Algorithm: spec.Algorithm, Type: spec.Type}
	}
	part, err := s.store.UploadPart(c.r.Context(), c.bucket, c.key, uploadID(c), pn, sum, newHashOnEOF(rc, sum).withSize(size))
	if err != nil {
		return storeErr(c, err)
	}
	res := copyResult{XMLName: xml.Name{Local: "CopyPartResult"}, NS: s3NS, LastModified: xmlTime(part.LastModified), ETag: part.ETag}
	if spec != nil {
		res.checksumElems = newChecksumElems(part.Checksum, false)
	}
	return writeXML(c, res)
}

// parseCopySourceRange reads "bytes=first-last" with 0 <= first <= last <
// MaxInt64 (so last-first+1 cannot overflow; no object is that large);
// ok is false for anything else.
func parseCopySourceRange(hdr string) (first, last int64, ok bool) {
	spec, ok := strings.CutPrefix(hdr, "bytes=")
	if !ok {
		return 0, 0, false
	}
	a, b, ok := strings.Cut(spec, "-")
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || first < 0 || last < first || last == math.MaxInt64 {
		return 0, 0, false
	}
	return first, last, true
}

// checkCopySourceRange refuses an x-amz-copy-source-range that is
// malformed or, unlike Range, not fully inside the source object.
func checkCopySourceRange(hdr string, size int64) error {
	if _, last, ok := parseCopySourceRange(hdr); !ok || last >= size {
		return s3err.Newf(s3err.InvalidArgument, "Range specified is not valid for source object of size: %d", size).
			With("ArgumentName", "x-amz-copy-source-range").With("ArgumentValue", hdr)
	}
	return nil
}

// completeMultipartUpload checks the part list as S3 does (ascending order,
// every part uploaded with that ETag, every part but the last at least
// 5 MiB) and assembles the object, if its If-None-Match / If-Match hold.
// Its ETag is the MD5 of the parts' binary MD5s followed by
// "-<number of parts>".
func (s *Server) completeMultipartUpload(c *call) error {
	u, err := s.store.GetUpload(c.r.Context(), c.bucket, c.key, uploadID(c))
	if errors.Is(err, store.ErrNoSuchUpload) {
		if _, ok := s.completed.get(uploadID(c)); !ok {
			return storeErr(c, err)
		}
		var req completeMultipartUpload
		if _, err := readXML(c, &req); err != nil {
			return err
		}
		return s.completeAgain(c, req.Parts)
	}
	if err != nil {
		return storeErr(c, err)
	}
	cond, err := writeCondition(c.r.Header)
	if err != nil {
		return err
	}
	spec := uploadSpec(u)
	objSum, err := takeObjectChecksumHeader(c.r.Header)
	if err != nil {
		return err
	}
	var req completeMultipartUpload
	empty, err := readXML(c, &req)
	if err != nil {
		return err
	}
	if empty || len(req.Parts) == 0 {
		return s3err.New(s3err.MalformedXML).WithDiagnosis("CompleteMultipartUpload needs at least one <Part>")
	}
	if err := checkChecksumTypeHeader(c.r.Header, spec); err != nil {
		return err
	}
	stored, err := s.store.ListParts(c.r.Context(), c.bucket, c.key, u.UploadID)
	if err != nil {
		return storeErr(c, err)
	}
	byNumber := make(map[int]store.PartInfo, len(stored))
	for _, p := range stored {
		byNumber[p.PartNumber] = p
	}
	for i, p := range req.Parts {
		if i > 0 && p.PartNumber <= req.Parts[i-1].PartNumber {
			return s3err.New(s3err.InvalidPartOrder).With("UploadId", u.UploadID).
				WithDiagnosis("part %d follows part %d", p.PartNumber, req.Parts[i-1].PartNumber)
		}
	}
	// Every named part must exist with its ETag before sizes are judged:
	// a missing part is the more fundamental mistake.
	found := make([]store.PartInfo, len(req.Parts))
	for i, p := range req.Parts {
		got, ok := byNumber[p.PartNumber]
		if !ok || strings.Trim(got.ETag, `"`) != strings.Trim(p.ETag, `"`) {
			why := "was never uploaded"
			if ok {
				why = fmt.Sprintf("has ETag %s, not %s", got.ETag, p.ETag)
			}
			return s3err.New(s3err.InvalidPart).With("UploadId", u.UploadID).
				With("PartNumber", strconv.Itoa(p.PartNumber)).With("ETag", p.ETag).
				WithDiagnosis("part %d %s", p.PartNumber, why)
		}
		if err := checkCompletePartChecksums(u.UploadID, spec, p.checksumElems, p.ETag, got); err != nil {
			return err
		}
		found[i] = got
	}
	parts := make([]store.CompletePart, 0, len(req.Parts))
	etagHash := md5.New()
	var total int64
	for i, got := range found {
		if i < len(found)-1 && got.Size < s.minPartSize {
			return s3err.New(s3err.EntityTooSmall).
				With("ProposedSize", strconv.FormatInt(got.Size, 10)).
				With("MinSizeAllowed", strconv.FormatInt(s.minPartSize, 10)).
				With("PartNumber", strconv.Itoa(got.PartNumber)).
				With("ETag", strings.Trim(got.ETag, `"`))
		}
		sum, err := hex.DecodeString(strings.Trim(got.ETag, `"`))
		if err != nil {
			return fmt.Errorf("stored part %d has a non-MD5 ETag %s", got.PartNumber, got.ETag)
		}
		etagHash.Write(sum)
		total += got.Size
		cp := store.CompletePart{PartNumber: got.PartNumber, ETag: got.ETag}
		if spec != nil && spec.Type == checksumComposite && got.Checksum != nil {
			cp.Checksum = got.Checksum.Value // GET ?partNumber returns it
		}
		parts = append(parts, cp)
	}
	if err := checkMPObjectSize(c.r.Header, total); err != nil {
		return err
	}
	final, err := finalChecksum(spec, found)
	if err != nil {
		return err
	}
	if err := checkObjectChecksumHeader(objSum, spec, final); err != nil {
		return err
	}
	meta := u.Meta
	meta.Checksum = final
	etag := fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(etagHash.Sum(nil)), len(parts))
	// The store judges the condition and the parts' ETags as it commits,
	// so a concurrent write or UploadPart cannot slip in between.
	info, err := s.store.CompleteUpload(c.r.Context(), c.bucket, c.key, u.UploadID, parts, etag, meta, cond)
	if errors.Is(err, store.ErrNoSuchUpload) {
		// A concurrent CompleteMultipartUpload of the same upload won.
		return s.completeAgain(c, req.Parts)
	}
	if err != nil {
		return writeConditionErr(c, cond, err)
	}
	rec := completedUpload{bucket: c.bucket, key: c.key, parts: partsDigest(req.Parts), etag: info.ETag, checksum: info.Meta.Checksum, versionID: info.VersionID}
	s.completed.add(u.UploadID, rec)
	s.setVersionHeader(c, "X-Amz-Version-Id", info.VersionID)
	return writeCompleteResult(c, rec)
}

func (s *Server) abortMultipartUpload(c *call) error {
	if _, err := s.upload(c); err != nil {
		return err
	}
	if err := s.store.AbortUpload(c.r.Context(), c.bucket, c.key, uploadID(c)); err != nil {
		return storeErr(c, err)
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listParts(c *call) error {
	u, err := s.upload(c)
	if err != nil {
		return err
	}
	q := c.query
	maxParts, err := parseMaxKeys(q, "max-parts")
	if err != nil {
		return err
	}
	marker := 0
	if v := q.Get("part-number-marker"); v != "" {
		if marker, err = strconv.Atoi(v); err != nil || marker < 0 {
			return s3err.Newf(s3err.InvalidArgument, "Provided part-number-marker not an integer or within integer range").
				With("ArgumentName", "part-number-marker").With("ArgumentValue", v)
		}
	}
	parts, err := s.store.ListParts(c.r.Context(), c.bucket, c.key, u.UploadID)
	if err != nil {
		return storeErr(c, err)
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].PartNumber < parts[j].PartNumber })
	// strictS3 records no initiator: the bucket owner stands for both,
	// as it owns every object under BucketOwnerEnforced.
	own, err := s.bucketOwnerElem(c)
	if err != nil {
		return err
	}
	out := listPartsResult{
		NS: s3NS, Bucket: c.bucket, Key: c.key, UploadID: u.UploadID, Initiator: *own, Owner: *own,
		StorageClass: storageClass(u.Meta), PartNumberMarker: marker, MaxParts: maxParts,
	}
	if spec := uploadSpec(u); spec != nil {
		out.ChecksumAlgorithm, out.ChecksumType = spec.Algorithm, spec.Type
	}
	for _, p := range parts {
		if p.PartNumber <= marker {
			continue
		}
		if len(out.Parts) == maxParts {
			out.IsTruncated = true
			break
		}
		out.Parts = append(out.Parts, partElem{PartNumber: p.PartNumber, LastModified: xmlTime(p.LastModified), ETag: p.ETag, Size: p.Size,
			checksumElems: newChecksumElems(p.Checksum, false)})
		out.NextPartNumberMarker = p.PartNumber
	}
	return writeXML(c, out)
}

// listMultipartUploads lists in-progress uploads by key then upload id,
// honouring prefix, delimiter, key-marker/upload-id-marker and max-uploads.
func (s *Server) listMultipartUploads(c *call) error {
	q := c.query
	maxUploads, enc, err := pageParams(q, "max-uploads")
	if err != nil {
		return err
	}
	uploads, err := s.store.ListUploads(c.r.Context(), c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	own, err := s.bucketOwnerElem(c)
	if err != nil {
		return err
	}
	sort.Slice(uploads, func(i, j int) bool {
		if uploads[i].Key != uploads[j].Key {
			return uploads[i].Key < uploads[j].Key
		}
		return uploads[i].Initiated.Before(uploads[j].Initiated)
	})
	prefix, delim := q.Get("prefix"), q.Get("delimiter")
	keyMarker, idMarker := q.Get("key-marker"), q.Get("upload-id-marker")
	out := listMultipartUploadsResult{
		NS: s3NS, Bucket: c.bucket, KeyMarker: encodeKey(enc, keyMarker), UploadIDMarker: idMarker,
		Prefix: encodeKey(enc, prefix), Delimiter: encodeKey(enc, delim), MaxUploads: maxUploads, EncodingType: enc,
	}
	pastIDMarker := idMarker == ""
	lastPrefix := ""
	for _, u := range uploads {
		if !strings.HasPrefix(u.Key, prefix) || u.Key < keyMarker {
			continue
		}
		if delim != "" {
			if i := strings.Index(u.Key[len(prefix):], delim); i >= 0 {
				cp := u.Key[:len(prefix)+i+len(delim)]
				if cp == lastPrefix || cp <= keyMarker {
					continue
				}
				if len(out.Uploads)+len(out.CommonPrefixes) == maxUploads {
					out.IsTruncated = true
					break
				}
				lastPrefix = cp
				out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{Prefix: encodeKey(enc, cp)})
				out.NextKeyMarker, out.NextUploadIDMarker = encodeKey(enc, cp), ""
				continue
			}
		}
		if u.Key == keyMarker {
			if idMarker == "" {
				continue
			}
			if !pastIDMarker {
				pastIDMarker = u.UploadID == idMarker
				continue
			}
		}
		if len(out.Uploads)+len(out.CommonPrefixes) == maxUploads {
			out.IsTruncated = true
			break
		}
		ue := uploadElem{
			Key: encodeKey(enc, u.Key), UploadID: u.UploadID, Initiator: *own, Owner: *own,
			StorageClass: storageClass(u.Meta), Initiated: xmlTime(u.Initiated),
		}
		if spec := uploadSpec(u); spec != nil {
			ue.ChecksumAlgorithm, ue.ChecksumType = spec.Algorithm, spec.Type
		}
		out.Uploads = append(out.Uploads, ue)
		out.NextKeyMarker, out.NextUploadIDMarker = encodeKey(enc, u.Key), u.UploadID
	}
	return writeXML(c, out)
}
