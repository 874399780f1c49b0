package emulator

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// defaultContentType is what S3 stores when a PUT names none.
const defaultContentType = "binary/octet-stream"

// userMetaPrefix starts the name of every user metadata header.
const userMetaPrefix = "x-amz-meta-"

// maxUserMetadata is S3's limit on x-amz-meta-* names plus values, in bytes.
const maxUserMetadata = 2048

// storageClasses are the x-amz-storage-class values S3 accepts.
var storageClasses = map[string]bool{
	"STANDARD": true, "REDUCED_REDUNDANCY": true, "STANDARD_IA": true, "ONEZONE_IA": true,
	"INTELLIGENT_TIERING": true, "GLACIER": true, "DEEP_ARCHIVE": true, "OUTPOSTS": true,
	"GLACIER_IR": true, "SNOW": true, "EXPRESS_ONEZONE": true, "FSX_OPENZFS": true,
}

// storageClass is m's storage class as listings report it: STANDARD when
// the object was stored without one.
func storageClass(m store.ObjectMeta) string {
	if m.StorageClass == "" {
		return "STANDARD"
	}
	return m.StorageClass
}

// metaFromHeaders reads what S3 stores beside an object from a PUT, a
// CreateMultipartUpload or a CopyObject with REPLACE. Transport headers
// (x-amz-date, x-amz-content-sha256, checksums...) are never stored.
func metaFromHeaders(h http.Header) (store.ObjectMeta, error) {
	m := store.ObjectMeta{
		ContentType:        headerGet(h, "Content-Type"),
		ContentDisposition: headerGet(h, "Content-Disposition"),
		ContentLanguage:    headerGet(h, "Content-Language"),
		CacheControl:       headerGet(h, "Cache-Control"),
		Expires:            headerGet(h, "Expires"),
		ContentEncoding:    stripAWSChunked(headerGet(h, "Content-Encoding")),
	}
	if m.ContentType == "" {
		m.ContentType = defaultContentType
	}
	size := 0
	for name, vals := range h {
		// Matching the prefix before lowering the name spares a string per
		// header that is not metadata, which is most of them.
		if len(name) < len(userMetaPrefix) || !strings.EqualFold(name[:len(userMetaPrefix)], userMetaPrefix) {
			continue
		}
		userKey := strings.ToLower(name[len(userMetaPrefix):])
		if m.User == nil {
			m.User = map[string]string{}
		}
		// Repeated metadata headers are joined with commas, as HTTP does.
		v := strings.Join(vals, ",")
		m.User[userKey] = v
		size += len(userKey) + len(v)
	}
	if size > maxUserMetadata {
		return m, s3err.New(s3err.MetadataTooLarge).
			With("Size", strconv.Itoa(size)).With("MaxSizeAllowed", strconv.Itoa(maxUserMetadata))
	}
	if sc := headerGet(h, "X-Amz-Storage-Class"); sc != "" {
		if !storageClasses[sc] {
			return m, s3err.New(s3err.InvalidStorageClass).With("StorageClassRequested", sc)
		}
		m.StorageClass = sc
	}
	if tg := headerGet(h, "X-Amz-Tagging"); tg != "" {
		stored, err := parseTaggingHeader(tg)
		if err != nil {
			return m, err
		}
		m.Tagging = stored
	}
	return m, nil
}

// stripAWSChunked removes the transfer coding "aws-chunked" from a
// Content-Encoding list: S3 does not store it. Everything else is kept as
// sent, spacing included ("deflate, gzip" stays "deflate, gzip"), because
// S3 returns the stored value byte for byte.
func stripAWSChunked(ce string) string {
	if !hasAWSChunked(ce) {
		return ce
	}
	parts := strings.Split(ce, ",")
	keep := parts[:0]
	for _, p := range parts {
		if !strings.EqualFold(strings.TrimSpace(p), "aws-chunked") {
			keep = append(keep, p)
		}
	}
	// The separator that followed or preceded the token goes with it.
	return strings.TrimSpace(strings.Join(keep, ","))
}

// hasAWSChunked reports whether the Content-Encoding list ce names
// aws-chunked, without splitting it: every PUT asks.
func hasAWSChunked(ce string) bool {
	for p := range strings.SplitSeq(ce, ",") {
		if strings.EqualFold(strings.TrimSpace(p), "aws-chunked") {
			return true
		}
	}
	return false
}

// writeObjectHeaders sets the headers GET and HEAD return for info.
func writeObjectHeaders(h http.Header, info store.ObjectInfo) {
	m := info.Meta
	// Room for the four always set and the five optional ones below.
	hs := newHeaderSet(h, 9)
	hs.set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
	hs.set("ETag", info.ETag)
	hs.set("Accept-Ranges", "bytes")
	ct := m.ContentType
	if ct == "" {
		ct = defaultContentType
	}
	hs.set("Content-Type", ct)
	hs.setIf("Content-Encoding", m.ContentEncoding)
	hs.setIf("Content-Disposition", m.ContentDisposition)
	hs.setIf("Content-Language", m.ContentLanguage)
	hs.setIf("Cache-Control", m.CacheControl)
	hs.setIf("Expires", m.Expires)
	for k, v := range m.User {
		h["X-Amz-Meta-"+k] = []string{v}
	}
	if m.StorageClass != "" && m.StorageClass != "STANDARD" {
		h.Set("X-Amz-Storage-Class", m.StorageClass)
	}
	if n := tagCount(m.Tagging); n > 0 {
		h.Set("X-Amz-Tagging-Count", strconv.Itoa(n))
	}
	writeLockHeaders(h, m.Lock)
}
