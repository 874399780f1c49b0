package emulator

import (
	"encoding/xml"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// postObject answers a browser form upload (POST on a bucket without
// ?delete). The form authenticates itself: the verifier reads it up to the
// file part, checks the policy signature and the policy, and hands back the
// file as a stream the store reads once.
func (s *Server) postObject(c *call) error {
	// The pipeline has already set the CORS headers (see Server.serve), so
	// a page that uploads with fetch/XHR can read the answer, errors included.
	up, err := s.acceptPost(c)
	if err != nil {
		return err
	}
	if up.Key == "" {
		return s3err.Newf(s3err.InvalidArgument, "User key must have a length greater than 0.").
			With("ArgumentName", "key").With("ArgumentValue", "")
	}
	if err := checkKey(up.Key); err != nil {
		return err
	}
	meta, err := metaFromPostFields(up.Fields)
	if err == nil {
		meta.ACL, err = s.objectACL(c.r.Context(), c, postACLHeader(up.Fields))
	}
	if err != nil {
		// S3 measures the file against content-length-range before it
		// validates the object's fields.
		if _, ferr := io.Copy(io.Discard, up.File); ferr != nil {
			return ferr
		}
		return err
	}
	if _, err := s.store.BucketInfo(c.r.Context(), c.bucket); err != nil {
		return storeErr(c, err)
	}
	if meta.Lock, err = s.defaultVersionLock(c); err != nil {
		return err
	}
	// S3 gives every POST upload a full-object CRC64NVME. The store takes
	// the metadata before the body, so the value is filled in when the file
	// reaches EOF, before the store commits.
	sum := &store.Checksum{Algorithm: verifier.CRC64NVME, Type: checksumFullObject}
	meta.Checksum = sum
	body := newHashOnEOF(up.File, sum)
	info, err := s.store.PutObject(c.r.Context(), c.bucket, up.Key, meta, store.PutCondition{}, body)
	if err != nil {
		return storeErr(c, err)
	}
	s.setVersionHeader(c, "X-Amz-Version-Id", info.VersionID)
	return writePostResponse(c, up, info, sum.Value)
}

// acceptPost reads a form up to its file part and checks its signature,
// its policy and the signer's s3:PutObject on the key.
func (s *Server) acceptPost(c *call) (*verifier.PostUpload, error) {
	up, err := s.verifier.ReadPost(c.r, c.bucket, s.postOptions(c)...)
	if err != nil {
		return nil, err
	}
	c.auth = &verifier.Result{Identity: up.Identity}
	c.key = up.Key
	// The form's fields feed bucket policy conditions as headers do.
	c.postFields = up.Fields
	if err := s.allow(c, "s3:PutObject", c.bucket, up.Key); err != nil {
		return nil, err
	}
	return up, nil
}

// metaFromPostFields reads the object headers a form may set. Fields are
// what the verifier returned: lower-case names, only those before the file.
func metaFromPostFields(f verifier.PostFields) (store.ObjectMeta, error) {
	h := http.Header{}
	for name, v := range f {
		switch {
		case name == "content-type", name == "cache-control", name == "content-disposition",
			name == "content-encoding", name == "content-language", name == "expires",
			name == "x-amz-storage-class", strings.HasPrefix(name, "x-amz-meta-"):
			h.Set(name, headerValue(v))
		}
	}
	meta, err := metaFromHeaders(h)
	if err != nil {
		return meta, err
	}
	if f.Has("tagging") {
		tags, err := postTagging(f.Get("tagging"))
		if err != nil {
			return meta, err
		}
		meta.Tagging = tags
	}
	return meta, nil
}

// headerValue stores non-ASCII values RFC 2047-encoded, as S3 does for form
// fields; ASCII stays verbatim.
// postACLHeader is the form's acl field as the x-amz-acl header it
// stands for.
func postACLHeader(f verifier.PostFields) http.Header {
	h := http.Header{}
	if v := f.Get("acl"); v != "" {
		h.Set("X-Amz-Acl", v)
	}
	return h
}

func headerValue(v string) string {
	for i := 0; i < len(v); i++ {
		// Control bytes are encoded too: sent raw, they would make HTTP
		// clients refuse every GET of the object.
		if b := v[i]; b >= 0x7f || b < ' ' && b != '\t' {
			return strings.Replace(mime.QEncoding.Encode("UTF-8", v), "=?UTF-8?q?", "=?UTF-8?Q?", -1)
		}
	}
	return v
}

// postTagging reads the form's tagging field, a <Tagging> XML document
// (unlike the x-amz-tagging header's query string), with PutObjectTagging's
// checks, and returns the stored form.
func postTagging(doc string) (string, error) {
	return parseTaggingDocument([]byte(doc))
}

// writePostResponse answers a stored upload the way the form asked:
// success_action_redirect (absolute URLs only), else success_action_status
// 200 or 201, else 204.
func writePostResponse(c *call, up *verifier.PostUpload, info store.ObjectInfo, crc string) error {
	h := c.w.Header()
	location := objectLocation(c, up.Key)
	h.Set("ETag", info.ETag)
	h.Set("Location", location)
	h.Set("X-Amz-Checksum-Crc64nvme", crc)
	h.Set("X-Amz-Checksum-Type", "FULL_OBJECT")
	if to, ok := redirectTarget(up.Fields.Get("success_action_redirect")); ok {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		h.Set("Location", to+sep+"bucket="+url.QueryEscape(c.bucket)+"&key="+url.QueryEscape(up.Key)+
			"&etag="+url.QueryEscape(info.ETag))
		h.Set("Content-Length", "0")
		c.w.WriteHeader(http.StatusSeeOther)
		return nil
	}
	switch up.Fields.Get("success_action_status") {
	case "200":
		h.Set("Content-Length", "0")
		c.w.WriteHeader(http.StatusOK)
	case "201":
		type postResponse struct {
			XMLName  xml.Name `xml:"PostResponse"`
			Location string   `xml:"Location"`
			Bucket   string   `xml:"Bucket"`
			Key      string   `xml:"Key"`
			ETag     string   `xml:"ETag"`
		}
		body, err := xml.Marshal(postResponse{Location: location, Bucket: c.bucket, Key: up.Key, ETag: info.ETag})
		if err != nil {
			return err
		}
		body = append([]byte(xml.Header), body...)
		h.Set("Content-Type", "application/xml")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		c.w.WriteHeader(http.StatusCreated)
		_, _ = c.w.Write(body)
	default:
		c.w.WriteHeader(http.StatusNoContent)
	}
	return nil
}

// redirectTarget accepts only absolute URLs; S3 ignores anything else.
func redirectTarget(v string) (string, bool) {
	if v == "" {
		return "", false
	}
	u, err := url.Parse(v)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return "", false
	}
	return v, true
}

// objectLocation is the Location of a POST upload or a completed multipart
// upload: the object's URL on this server, in the addressing style the
// request used (S3 answers https://<bucket>.s3.amazonaws.com/<key>).
func objectLocation(c *call, key string) string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	path := strings.Join(segs, "/")
	if c.virtualHost {
		return scheme + "://" + c.r.Host + "/" + path
	}
	return scheme + "://" + c.r.Host + "/" + c.bucket + "/" + path
}
