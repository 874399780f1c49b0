package emulator

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// objectAttributes are the names x-amz-object-attributes may list.
var objectAttributes = map[string]bool{"ETag": true, "Checksum": true, "ObjectParts": true, "StorageClass": true, "ObjectSize": true}

type getObjectAttributesResponse struct {
	XMLName xml.Name `xml:"GetObjectAttributesResponse"`
	NS      string   `xml:"xmlns,attr"`
	// ETag is written without quotes, unlike every other ETag S3 sends.
	ETag         string           `xml:"ETag,omitempty"`
	Checksum     *checksumElems   `xml:"Checksum"`
	ObjectParts  *objectPartsElem `xml:"ObjectParts"`
	StorageClass string           `xml:"StorageClass,omitempty"`
	ObjectSize   *int64           `xml:"ObjectSize"`
}

type objectPartsElem struct {
	IsTruncated          bool             `xml:"IsTruncated"`
	MaxParts             int              `xml:"MaxParts"`
	NextPartNumberMarker int              `xml:"NextPartNumberMarker"`
	PartNumberMarker     int              `xml:"PartNumberMarker"`
	Parts                []attributesPart `xml:"Part"`
	PartsCount           int              `xml:"PartsCount"`
}

type attributesPart struct {
	checksumElems
	PartNumber int   `xml:"PartNumber"`
	Size       int64 `xml:"Size"`
}

// parseObjectAttributes reads x-amz-object-attributes: a comma-separated
// list (the header may repeat) of the five names, case-sensitive.
func parseObjectAttributes(h http.Header) (map[string]bool, error) {
	want := map[string]bool{}
	for _, v := range h.Values("X-Amz-Object-Attributes") {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if !objectAttributes[name] {
				return nil, s3err.Newf(s3err.InvalidArgument, "Invalid attribute name specified.").
					With("ArgumentName", "x-amz-object-attributes").With("ArgumentValue", name)
			}
			want[name] = true
		}
	}
	if len(want) == 0 {
		return nil, s3err.Newf(s3err.InvalidRequest, "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty")
	}
	return want, nil
}

// headerInt reads a non-negative integer header (x-amz-max-parts,
// x-amz-part-number-marker); absent is def.
func headerInt(h http.Header, name string, def int) (int, error) {
	v := h.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, s3err.Newf(s3err.InvalidArgument, "Provided %s not an integer or within integer range", strings.ToLower(name)).
			With("ArgumentName", strings.ToLower(name)).With("ArgumentValue", v)
	}
	return n, nil
}

// getObjectAttributes is GET ?attributes: what x-amz-object-attributes asks
// for, of the current version or the one ?versionId names. A multipart
// object lists its parts (paged with x-amz-max-parts, at most 1000, and
// x-amz-part-number-marker) only when it has a COMPOSITE checksum, whose
// parts carry their own, as S3 lists them (a FULL_OBJECT or no checksum
// lists none: the AWS reference leaves Part out without part checksums);
// PartsCount is always there.
func (s *Server) getObjectAttributes(c *call) error {
	versionID, given, err := versionParam(c)
	if err != nil {
		return err
	}
	want, err := parseObjectAttributes(c.r.Header)
	if err != nil {
		return err
	}
	maxParts, err := headerInt(c.r.Header, "X-Amz-Max-Parts", maxListKeys)
	if err != nil {
		return err
	}
	marker, err := headerInt(c.r.Header, "X-Amz-Part-Number-Marker", 0)
	if err != nil {
		return err
	}
	info, err := s.versionInfo(c, versionID, given)
	if err != nil {
		return s.objectErr(c, err)
	}
	out := getObjectAttributesResponse{NS: s3NS}
	if want["ETag"] {
		out.ETag = strings.Trim(info.ETag, `"`)
	}
	if ck := info.Meta.Checksum; want["Checksum"] && ck != nil && ck.Value != "" {
		// A composite value is shown without its "-N" part count here,
		// unlike in headers and CompleteMultipartUpload (recorded against
		// S3 by floci-io/floci#3083).
		bare := *ck
		if bare.Type == checksumComposite {
			bare.Value, _, _ = strings.Cut(bare.Value, "-")
		}
		elems := newChecksumElems(&bare, true)
		out.Checksum = &elems
	}
	if want["ObjectParts"] && info.PartsCount() > 0 {
		out.ObjectParts = objectParts(info, min(maxParts, maxListKeys), marker)
	}
	if want["StorageClass"] {
		out.StorageClass = storageClass(info.Meta)
	}
	if want["ObjectSize"] {
		size := info.Size
		out.ObjectSize = &size
	}
	h := c.w.Header()
	h.Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
	s.setVersionHeader(c, "X-Amz-Version-Id", info.VersionID)
	return writeXML(c, out)
}

// objectParts pages a multipart object's parts. Parts are numbered in
// their order in the object (the store keeps no other number; S3 numbers
// them as they were uploaded, the same for uploads numbered 1..N).
func objectParts(info store.ObjectInfo, maxParts, marker int) *objectPartsElem {
	e := &objectPartsElem{MaxParts: maxParts, PartNumberMarker: marker, PartsCount: info.PartsCount()}
	if ck := info.Meta.Checksum; len(info.PartChecksums) == 0 || ck == nil || ck.Type != checksumComposite {
		return e
	}
	alg := info.Meta.Checksum.Algorithm
	for i := marker; i < len(info.PartSizes); i++ {
		if len(e.Parts) == maxParts {
			e.IsTruncated = true
			break
		}
		p := attributesPart{PartNumber: i + 1, Size: info.PartSizes[i]}
		if f := p.field(alg); f != nil {
			*f = info.PartChecksums[i]
		}
		e.Parts = append(e.Parts, p)
		e.NextPartNumberMarker = i + 1
	}
	return e
}
