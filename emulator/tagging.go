package emulator

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// S3's object tag limits: at most 10 tags; a key of 1 to 128 and a value of
// 0 to 256 Unicode characters, counted in UTF-16 as S3 stores them (a
// character outside the BMP takes two positions).
const (
	maxObjectTags  = 10
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

// tag is one key/value pair of an object's tag set.
type tag struct{ Key, Value string }

// tagChar reports whether r may appear in a tag key or value: S3's pattern
// [\p{L}\p{Z}\p{N}_.:/=+\-@], letters, separators (spaces), numbers and
// seven symbols.
func tagChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Z, r) || unicode.IsNumber(r) || strings.ContainsRune("_.:/=+-@", r)
}

func tagText(s string, minLen, maxLen int) bool {
	for _, r := range s {
		if r == '\uFFFD' || !tagChar(r) { // U+FFFD also stands for invalid UTF-8
			return false
		}
	}
	n := len(utf16.Encode([]rune(s)))
	return n >= minLen && n <= maxLen
}

// checkTagSet validates tags in order, each key, then its value, then its
// uniqueness (reported by dup, whose error differs between the XML document
// and the x-amz-tagging header), and only then the count, as S3 does: an
// invalid eleventh tag is reported as invalid, not as one too many.
func checkTagSet(tags []tag, dup func(key string) error) error {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if !tagText(t.Key, 1, maxTagKeyLen) {
			return s3err.Newf(s3err.InvalidTag, "The TagKey you have provided is invalid").With("TagKey", t.Key).
				WithDiagnosis("a tag key is 1 to %d characters of letters, digits, spaces and _ . : / = + - @", maxTagKeyLen)
		}
		if !tagText(t.Value, 0, maxTagValueLen) {
			return s3err.Newf(s3err.InvalidTag, "The TagValue you have provided is invalid").
				With("TagKey", t.Key).With("TagValue", t.Value).
				WithDiagnosis("a tag value is 0 to %d characters of letters, digits, spaces and _ . : / = + - @", maxTagValueLen)
		}
		if seen[t.Key] {
			return dup(t.Key)
		}
		seen[t.Key] = true
	}
	if len(tags) > maxObjectTags {
		return s3err.Newf(s3err.BadRequest, "Object tags cannot be greater than %d", maxObjectTags).
			WithDiagnosis("%d tags given", len(tags))
	}
	return nil
}

// encodeTags is the stored form of a validated tag set (store.ObjectMeta's
// Tagging): URL query encoding, keys sorted.
func encodeTags(tags []tag) string {
	q := url.Values{}
	for _, t := range tags {
		q.Set(t.Key, t.Value)
	}
	return q.Encode()
}

// decodeTags reads the stored form back, sorted by key as S3 lists tags.
func decodeTags(stored string) []tag {
	q, _ := url.ParseQuery(stored) // written by encodeTags
	out := make([]tag, 0, len(q))
	for k, v := range q {
		out = append(out, tag{k, v[0]})
	}
	slices.SortFunc(out, func(a, b tag) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// parseTaggingHeader reads x-amz-tagging (PutObject, CreateMultipartUpload,
// CopyObject with REPLACE): URL query parameters. Empty pairs are skipped
// and a key without '=' has the empty value, as on S3; an empty key before
// '=', a second '=', a bad escape or a repeated key is S3's InvalidArgument
// about the header's encoding. It returns the stored form.
func parseTaggingHeader(h string) (string, error) {
	bad := func() error {
		return s3err.Newf(s3err.InvalidArgument, "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.").
			With("ArgumentName", "x-amz-tagging").With("ArgumentValue", h)
	}
	var tags []tag
	for pair := range strings.SplitSeq(h, "&") {
		if pair == "" {
			continue
		}
		k, v, found := strings.Cut(pair, "=")
		if found && k == "" || strings.Contains(v, "=") {
			return "", bad()
		}
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return "", bad()
		}
		tags = append(tags, tag{key, value})
	}
	if err := checkTagSet(tags, func(string) error { return bad() }); err != nil {
		return "", err
	}
	return encodeTags(tags), nil
}

// taggingRequest is PutObjectTagging's body and a POST form's tagging
// field. Tagging, TagSet, Key and Value are all required; the pointers tell
// a missing element from an empty one.
type taggingRequest struct {
	XMLName xml.Name `xml:"Tagging"`
	TagSet  *struct {
		Tags []struct {
			Key   *string `xml:"Key"`
			Value *string `xml:"Value"`
		} `xml:"Tag"`
	} `xml:"TagSet"`
}

// parseTaggingDocument validates a <Tagging> document and returns the
// stored form: a missing TagSet, Key or Value is MalformedXML; tags are
// then checked as checkTagSet does, a repeated key being InvalidTag.
func parseTaggingDocument(doc []byte) (string, error) {
	var req taggingRequest
	if err := xml.Unmarshal(doc, &req); err != nil {
		return "", s3err.New(s3err.MalformedXML).WithDiagnosis("the tag set must be a <Tagging><TagSet><Tag>... document: %v", err)
	}
	return tagsOf(req)
}

func tagsOf(req taggingRequest) (string, error) {
	if req.TagSet == nil {
		return "", s3err.New(s3err.MalformedXML).WithDiagnosis("<Tagging> needs a <TagSet>")
	}
	tags := make([]tag, 0, len(req.TagSet.Tags))
	for _, t := range req.TagSet.Tags {
		if t.Key == nil || t.Value == nil {
			return "", s3err.New(s3err.MalformedXML).WithDiagnosis("every <Tag> needs a <Key> and a <Value>")
		}
		tags = append(tags, tag{*t.Key, *t.Value})
	}
	err := checkTagSet(tags, func(key string) error {
		return s3err.Newf(s3err.InvalidTag, "Cannot provide multiple Tags with the same key").With("TagKey", key)
	})
	if err != nil {
		return "", err
	}
	return encodeTags(tags), nil
}

// taggingResult is GetObjectTagging's answer; TagSet is always written,
// empty for an untagged object.
type taggingResult struct {
	XMLName xml.Name `xml:"Tagging"`
	NS      string   `xml:"xmlns,attr"`
	TagSet  struct {
		Tags []tagElem `xml:"Tag"`
	} `xml:"TagSet"`
}

type tagElem struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// tagCount is the x-amz-tagging-count of a stored tag set, 0 for none.
func tagCount(stored string) int {
	if stored == "" {
		return 0
	}
	return len(decodeTags(stored))
}

func (s *Server) getObjectTagging(c *call) error {
	versionID, given, err := versionParam(c)
	if err != nil {
		return err
	}
	info, err := s.versionInfo(c, versionID, given)
	if err != nil {
		return s.objectErr(c, err)
	}
	s.setVersionHeader(c, "X-Amz-Version-Id", info.VersionID)
	res := taggingResult{NS: s3NS}
	res.TagSet.Tags = []tagElem{}
	if info.Meta.Tagging != "" {
		for _, t := range decodeTags(info.Meta.Tagging) {
			res.TagSet.Tags = append(res.TagSet.Tags, tagElem(t))
		}
	}
	return writeXML(c, res)
}

// putObjectTagging replaces the whole tag set. Like PutBucketCors it needs
// an integrity check (botocore marks it requestChecksumRequired); the
// object's bytes, ETag and Last-Modified do not change.
func (s *Server) putObjectTagging(c *call) error {
	versionID, given, err := versionParam(c)
	if err != nil {
		return err
	}
	if _, err := s.versionInfo(c, versionID, given); err != nil {
		return s.objectErr(c, err)
	}
	if err := requireIntegrityCheck(c, "PutObjectTagging"); err != nil {
		return err
	}
	var req taggingRequest
	empty, err := readXML(c, &req)
	if err != nil {
		return err
	}
	if empty {
		return s3err.New(s3err.MalformedXML).WithDiagnosis("PutObjectTagging needs a <Tagging> document")
	}
	stored, err := tagsOf(req)
	if err != nil {
		return err
	}
	if err := s.setTagging(c, versionID, given, stored); err != nil {
		return err
	}
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// deleteObjectTagging removes every tag and answers 204.
func (s *Server) deleteObjectTagging(c *call) error {
	versionID, given, err := versionParam(c)
	if err != nil {
		return err
	}
	if err := s.setTagging(c, versionID, given, ""); err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// setTagging stores the tag set on the version ?versionId names, else on
// the current one, and names the version in x-amz-version-id.
func (s *Server) setTagging(c *call, versionID string, given bool, stored string) error {
	var info store.ObjectInfo
	var err error
	if given {
		info, err = s.store.SetObjectVersionTagging(c.r.Context(), c.bucket, c.key, versionID, stored)
	} else {
		info, err = s.store.SetObjectTagging(c.r.Context(), c.bucket, c.key, stored)
	}
	if err != nil {
		return s.objectErr(c, err)
	}
	s.setVersionHeader(c, "X-Amz-Version-Id", info.VersionID)
	return nil
}
