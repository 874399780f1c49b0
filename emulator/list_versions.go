package emulator

import (
	"encoding/xml"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

type listVersionsResult struct {
	XMLName             xml.Name `xml:"ListVersionsResult"`
	NS                  string   `xml:"xmlns,attr"`
	Name                string   `xml:"Name"`
	Prefix              string   `xml:"Prefix"`
	KeyMarker           string   `xml:"KeyMarker"`
	VersionIDMarker     string   `xml:"VersionIdMarker"`
	NextKeyMarker       string   `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker string   `xml:"NextVersionIdMarker,omitempty"`
	MaxKeys             int      `xml:"MaxKeys"`
	Delimiter           string   `xml:"Delimiter,omitempty"`
	IsTruncated         bool     `xml:"IsTruncated"`
	// Entries are versionElem and deleteMarkerElem values in listing
	// order: S3 interleaves the two kinds as they sort.
	Entries        []any          `xml:"Entries"`
	CommonPrefixes []commonPrefix `xml:"CommonPrefixes"`
	EncodingType   string         `xml:"EncodingType,omitempty"`
}

type versionElem struct {
	XMLName           xml.Name `xml:"Version"`
	Key               string   `xml:"Key"`
	VersionID         string   `xml:"VersionId"`
	IsLatest          bool     `xml:"IsLatest"`
	LastModified      string   `xml:"LastModified"`
	ETag              string   `xml:"ETag"`
	Size              int64    `xml:"Size"`
	Owner             owner    `xml:"Owner"`
	StorageClass      string   `xml:"StorageClass"`
	ChecksumAlgorithm string   `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string   `xml:"ChecksumType,omitempty"`
}

type deleteMarkerElem struct {
	XMLName      xml.Name `xml:"DeleteMarker"`
	Key          string   `xml:"Key"`
	VersionID    string   `xml:"VersionId"`
	IsLatest     bool     `xml:"IsLatest"`
	LastModified string   `xml:"LastModified"`
	Owner        owner    `xml:"Owner"`
}

// listObjectVersions is GET ?versions: every version and delete marker,
// by key and then newest first, paged with key-marker and
// version-id-marker as S3 pages it (see store.VersionListOptions).
func (s *Server) listObjectVersions(c *call) error {
	q := c.query
	maxKeys, enc, err := pageParams(q, "max-keys")
	if err != nil {
		return err
	}
	opts := store.VersionListOptions{
		Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"),
		KeyMarker: q.Get("key-marker"), VersionIDMarker: q.Get("version-id-marker"), MaxKeys: maxKeys,
	}
	if opts.VersionIDMarker != "" {
		if opts.KeyMarker == "" {
			return s3err.Newf(s3err.InvalidArgument, "A version-id marker cannot be specified without a key marker.").
				With("ArgumentName", "version-id-marker").With("ArgumentValue", opts.VersionIDMarker)
		}
		if !store.IsVersionID(opts.VersionIDMarker) {
			return s3err.Newf(s3err.InvalidArgument, "Invalid version id specified").
				With("ArgumentName", "version-id-marker").With("ArgumentValue", opts.VersionIDMarker)
		}
	}
	var res store.VersionListResult
	if maxKeys == 0 {
		_, err = s.store.BucketInfo(c.r.Context(), c.bucket)
	} else {
		res, err = s.store.ListObjectVersions(c.r.Context(), c.bucket, opts)
	}
	if err != nil {
		return storeErr(c, err)
	}
	out := listVersionsResult{
		NS: s3NS, Name: c.bucket, Prefix: encodeKey(enc, opts.Prefix),
		KeyMarker: encodeKey(enc, opts.KeyMarker), VersionIDMarker: opts.VersionIDMarker,
		MaxKeys: maxKeys, Delimiter: encodeKey(enc, opts.Delimiter), IsTruncated: res.IsTruncated,
		Entries: versionEntries(res.Versions, enc), CommonPrefixes: prefixElems(res.CommonPrefixes, enc),
		EncodingType: enc,
	}
	if res.IsTruncated {
		out.NextKeyMarker = encodeKey(enc, res.NextKeyMarker)
		out.NextVersionIDMarker = res.NextVersionIDMarker
	}
	return writeXML(c, out)
}

func versionEntries(vs []store.ObjectInfo, enc string) []any {
	out := make([]any, 0, len(vs))
	for _, v := range vs {
		key, id, modified := encodeKey(enc, v.Key), store.ShownVersionID(v.VersionID), xmlTime(v.LastModified)
		if v.IsDeleteMarker {
			out = append(out, deleteMarkerElem{Key: key, VersionID: id, IsLatest: v.IsLatest, LastModified: modified, Owner: theOwner})
			continue
		}
		e := versionElem{Key: key, VersionID: id, IsLatest: v.IsLatest, LastModified: modified, ETag: v.ETag,
			Size: v.Size, Owner: theOwner, StorageClass: storageClass(v.Meta)}
		if ck := v.Meta.Checksum; ck != nil && ck.Value != "" {
			e.ChecksumAlgorithm, e.ChecksumType = ck.Algorithm, ck.Type
		}
		out = append(out, e)
	}
	return out
}
