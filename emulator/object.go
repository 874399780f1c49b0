package emulator

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// maxKeyLength is S3's limit on an object key, in UTF-8 bytes.
const maxKeyLength = 1024

func checkKey(key string) error {
	if len(key) > maxKeyLength {
		return s3err.New(s3err.KeyTooLongError).
			With("Size", strconv.Itoa(len(key))).With("MaxSizeAllowed", strconv.Itoa(maxKeyLength))
	}
	return nil
}

// maxUploadSize is the largest single PUT (object or part) S3 accepts.
const maxUploadSize = 5 << 30

// requireContentLength is S3's 411: a body-carrying write must declare its
// length, either as Content-Length or, for aws-chunked bodies sent with
// Transfer-Encoding: chunked, as x-amz-decoded-content-length. A declared
// payload over 5 GiB is EntityTooLarge before a byte is read.
func requireContentLength(r *http.Request) error {
	if isAWSChunked(r) {
		if headerGet(r.Header, "X-Amz-Decoded-Content-Length") == "" && headerGet(r.Header, "Content-Length") == "" && r.ContentLength <= 0 {
			return s3err.New(s3err.MissingContentLength)
		}
	} else if headerGet(r.Header, "Content-Length") == "" && r.ContentLength <= 0 {
		return s3err.New(s3err.MissingContentLength)
	}
	if size := declaredSize(r); size > maxUploadSize {
		return s3err.New(s3err.EntityTooLarge).
			With("ProposedSize", strconv.FormatInt(size, 10)).With("MaxSizeAllowed", strconv.Itoa(maxUploadSize))
	}
	return nil
}

// declaredSize is the payload length a write declares: for an aws-chunked
// body x-amz-decoded-content-length (the chunk framing is not payload),
// else Content-Length; -1 when it declares none. A store may allocate this
// much up front (store.SizedBody); the verifier holds the body to it.
func declaredSize(r *http.Request) int64 {
	if !isAWSChunked(r) {
		return r.ContentLength
	}
	if v := headerGet(r.Header, "X-Amz-Decoded-Content-Length"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			return n
		}
	}
	return -1
}

func isAWSChunked(r *http.Request) bool {
	return hasAWSChunked(headerGet(r.Header, "Content-Encoding")) || strings.HasPrefix(headerGet(r.Header, "X-Amz-Content-Sha256"), "STREAMING-")
}

func (s *Server) putObject(c *call) error {
	if err := checkKey(c.key); err != nil {
		return err
	}
	if err := requireContentLength(c.r); err != nil {
		return err
	}
	meta, err := metaFromHeaders(c.r.Header)
	if err != nil {
		return err
	}
	if meta.Tagging != "" {
		// AWS's PutObject reference: setting the tag set with the upload
		// needs s3:PutObjectTagging too.
		if err := s.allow(c, "s3:PutObjectTagging", c.bucket, c.key); err != nil {
			return err
		}
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
	if err := requireLockIntegrity(c, meta.Lock); err != nil {
		return err
	}
	cond, err := writeCondition(c.r.Header)
	if err != nil {
		return err
	}
	if err := s.checkWriteCondition(c, cond); err != nil {
		return err
	}
	body, err := c.body()
	if err != nil {
		return err
	}
	// Every object gets a full-object checksum: the one the client sent
	// (verified), else one of the algorithm it named, else S3's default
	// CRC64NVME. It is filled in when the body ends cleanly.
	meta.Checksum = &store.Checksum{}
	info, err := s.store.PutObject(c.r.Context(), c.bucket, c.key, meta, cond,
		&checksumOnEOF{body: body, dst: meta.Checksum, typ: checksumFullObject, size: declaredSize(c.r)})
	if err != nil {
		return writeConditionErr(c, cond, err)
	}
	// ETag, the checksum and its type, Content-Length: one value array.
	hs := newHeaderSet(c.w.Header(), 4)
	hs.set("ETag", info.ETag)
	hs.setChecksum(info.Meta.Checksum)
	s.setVersionHeader(c, "X-Amz-Version-Id", info.VersionID)
	hs.set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) getObject(c *call) error { return s.readObject(c, true) }

func (s *Server) headObject(c *call) error { return s.readObject(c, false) }

// readObject answers GET (withBody) and HEAD: the response-* overrides'
// charset (before the object is looked up), conditions, range, headers,
// overrides, then the bytes.
func (s *Server) readObject(c *call, withBody bool) error {
	if err := checkOverrideCharset(c); err != nil {
		return err
	}
	versionID, versioned, err := versionParam(c)
	if err != nil {
		return err
	}
	// A GET opens the object once, so the conditions, the headers and the
	// bytes all come from one version however the key changes meanwhile; a
	// HEAD needs only the info.
	var obj store.Object
	var info store.ObjectInfo
	if withBody {
		obj, err = s.openVersion(c, versionID, versioned)
		if err == nil {
			defer obj.Close()
			info = obj.Info()
		}
	} else {
		info, err = s.versionInfo(c, versionID, versioned)
	}
	if err != nil {
		return s.objectErr(c, err)
	}
	h := c.w.Header()
	s.setVersionHeader(c, "X-Amz-Version-Id", info.VersionID)
	if err := evalConditions(c.r.Header, getConds, info, false); err != nil {
		if e, ok := s3err.As(err); ok && e.Code == s3err.NotModified {
			c.err = e
			h.Set("ETag", info.ETag)
			h.Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
			c.w.WriteHeader(http.StatusNotModified)
			return nil
		}
		return err
	}
	if withBody {
		if err := checkReadable(info); err != nil {
			return err
		}
	}
	rng, partNumber, err := s.objectRange(c, info)
	if err != nil {
		return err
	}
	withChecksum, err := checksumModeEnabled(c.r.Header)
	if err != nil {
		return err
	}
	overrides, err := responseOverrides(c)
	if err != nil {
		return err
	}
	var body io.Reader
	if withBody {
		if body, err = obj.Reader(rng); err != nil {
			return err
		}
	}
	writeObjectHeaders(h, info)
	if headerGet(h, "X-Amz-Tagging-Count") != "" && s.allow(c, "s3:GetObjectTagging", c.bucket, c.key) != nil {
		// S3 counts the tags only for a caller who may read them.
		h.Del("X-Amz-Tagging-Count")
	}
	s.hideLockHeaders(c, h)
	if withChecksum {
		setChecksumHeaders(h, readChecksum(info, rng, partNumber))
	}
	for name, v := range overrides {
		h.Set(name, v)
	}
	status := http.StatusOK
	length := info.Size
	if rng != nil {
		status = http.StatusPartialContent
		length = rng.Length
		h.Set("Content-Range", "bytes "+strconv.FormatInt(rng.Start, 10)+"-"+
			strconv.FormatInt(rng.Start+rng.Length-1, 10)+"/"+strconv.FormatInt(info.Size, 10))
	}
	if n := info.PartsCount(); partNumber > 0 && n > 0 {
		h.Set("X-Amz-Mp-Parts-Count", strconv.Itoa(n))
	}
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	c.w.WriteHeader(status)
	if withBody {
		return sendBody(c, body, length)
	}
	return nil
}

// sendBody copies an object's bytes to the client after the headers went
// out. It writes to the underlying ResponseWriter (the status is recorded
// already) so net/http can hand a file to sendfile(2). A client that hangs
// up mid-download is not a server error: the call records it for the log
// line, with the bytes that got out.
func sendBody(c *call, body io.Reader, length int64) error {
	n, err := io.Copy(c.w.ResponseWriter, body)
	if err == nil {
		return nil
	}
	if isDeadlineExceeded(err) {
		// Not a hangup: the server gave up on a client that took no byte
		// for the write idle timeout; the watch (deadline.go) answers it as
		// RequestTimeout in the log.
		return err
	}
	var netErr *net.OpError
	if c.r.Context().Err() != nil || errors.As(err, &netErr) {
		c.hangup = &hangup{sent: n, length: length}
		return nil
	}
	// The status is sent; the client sees a short body.
	return s3err.New(s3err.InternalError).WithDiagnosis("reading the object after %d of %d bytes: %v", n, length, err)
}

// objectRange picks the bytes to send: ?partNumber=N (one part of a
// multipart object; the whole object is part 1 of a simple one, still
// answered as a 206 range) or a Range header. S3 rejects both at once.
func (s *Server) objectRange(c *call, info store.ObjectInfo) (*store.Range, int, error) {
	pn := c.query.Get("partNumber")
	if pn == "" {
		if hdr := headerGet(c.r.Header, "Range"); hdr != "" {
			rng, err := parseRange(hdr, info.Size)
			return rng, 0, err
		}
		return nil, 0, nil
	}
	n, err := parsePartNumber(pn)
	if err != nil {
		return nil, 0, err
	}
	if headerGet(c.r.Header, "Range") != "" {
		return nil, 0, s3err.Newf(s3err.InvalidRequest, "Cannot specify both Range header and partNumber query parameter")
	}
	sizes := info.PartSizes
	if len(sizes) == 0 {
		sizes = []int64{info.Size}
	}
	if n > len(sizes) {
		return nil, 0, s3err.New(s3err.InvalidPartNumber).
			With("PartNumberRequested", pn).With("ActualPartCount", strconv.Itoa(len(sizes)))
	}
	var start int64
	for _, sz := range sizes[:n-1] {
		start += sz
	}
	if info.Size == 0 {
		return nil, n, nil // no byte range can name an empty object
	}
	return &store.Range{Start: start, Length: sizes[n-1]}, n, nil
}

// responseOverrides maps each header a response-* parameter replaces to its
// value as sent on the wire.
func responseOverrides(c *call) (map[string]string, error) {
	var out map[string]string // most GETs override nothing: no map for them
	q := c.query
	for _, o := range overrideParams {
		if _, ok := q[o.param]; !ok {
			continue
		}
		if c.auth == nil || c.auth.Identity.Anonymous() {
			return nil, s3err.Newf(s3err.InvalidRequest, "Request specific response headers cannot be used for anonymous GET requests.")
		}
		if out == nil {
			out = map[string]string{}
		}
		out[o.header] = latin1Bytes(q.Get(o.param)) // checkOverrideCharset has vetted it
	}
	return out, nil
}

// deleteObject removes the version ?versionId names for good, or without
// one does what S3 does under the bucket's versioning status (a delete
// marker once versioned). x-amz-delete-marker and x-amz-version-id say
// which version was removed or created.
func (s *Server) deleteObject(c *call) error {
	versionID, given, err := versionParam(c)
	if err != nil {
		return err
	}
	if !given {
		versionID = ""
	}
	res, err := s.deleteVersion(c, c.key, versionID)
	if err != nil {
		return storeErr(c, err) // passes the lock's *s3err.Error as is
	}
	if res.DeleteMarker {
		c.w.Header().Set("X-Amz-Delete-Marker", "true")
	}
	if given || res.DeleteMarker {
		c.w.Header().Set("X-Amz-Version-Id", store.ShownVersionID(res.VersionID))
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// archived are the storage classes whose objects must be restored before
// their bytes can be read (GET, copy source); HEAD still works.
var archived = map[string]bool{"GLACIER": true, "DEEP_ARCHIVE": true}

func checkReadable(info store.ObjectInfo) error {
	if sc := info.Meta.StorageClass; archived[sc] {
		return s3err.New(s3err.InvalidObjectState).With("StorageClass", sc).
			WithDiagnosis("objects in %s need a RestoreObject, which strictS3 does not implement", sc)
	}
	return nil
}
