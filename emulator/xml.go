package emulator

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// s3NS is the namespace of every S3 response document.
const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

// timeXML is how S3 writes times in XML bodies (millisecond precision, Z).
const timeXML = "2006-01-02T15:04:05.000Z"

func xmlTime(t time.Time) string { return t.UTC().Format(timeXML) }

// owner is the one account strictS3 serves: every credential acts as the
// bucket owner (their Allow function narrows what they may do).
type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

var theOwner = owner{
	ID:          "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a",
	DisplayName: "stricts3",
}

type listAllMyBucketsResult struct {
	XMLName xml.Name     `xml:"ListAllMyBucketsResult"`
	NS      string       `xml:"xmlns,attr"`
	Owner   owner        `xml:"Owner"`
	Buckets []bucketElem `xml:"Buckets>Bucket"`
	// ContinuationToken is the token of the next page (S3 names it so, not
	// NextContinuationToken); absent on the last page.
	ContinuationToken string `xml:"ContinuationToken,omitempty"`
	// Prefix echoes the request's prefix when it sent one.
	Prefix *string `xml:"Prefix"`
}

type bucketElem struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion,omitempty"`
}

type locationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	NS      string   `xml:"xmlns,attr"`
	Value   string   `xml:",chardata"`
}

// createBucketConfiguration is CreateBucket's optional request body.
type createBucketConfiguration struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string   `xml:"LocationConstraint"`
}

type objectElem struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	Owner        *owner `xml:"Owner,omitempty"`
	StorageClass string `xml:"StorageClass"`
	// ChecksumAlgorithm and ChecksumType describe the stored checksum, as
	// S3 lists them.
	ChecksumAlgorithm string `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string `xml:"ChecksumType,omitempty"`
}

type commonPrefix struct {
	Prefix string `xml:"Prefix"`
}

type listBucketResultV1 struct {
	XMLName        xml.Name       `xml:"ListBucketResult"`
	NS             string         `xml:"xmlns,attr"`
	Name           string         `xml:"Name"`
	Prefix         string         `xml:"Prefix"`
	Marker         string         `xml:"Marker"`
	NextMarker     string         `xml:"NextMarker,omitempty"`
	MaxKeys        int            `xml:"MaxKeys"`
	Delimiter      string         `xml:"Delimiter,omitempty"`
	IsTruncated    bool           `xml:"IsTruncated"`
	Contents       []objectElem   `xml:"Contents"`
	CommonPrefixes []commonPrefix `xml:"CommonPrefixes"`
	EncodingType   string         `xml:"EncodingType,omitempty"`
}

type listBucketResultV2 struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	NS                    string         `xml:"xmlns,attr"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	Delimiter             string         `xml:"Delimiter,omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	KeyCount              int            `xml:"KeyCount"`
	IsTruncated           bool           `xml:"IsTruncated"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	Contents              []objectElem   `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

// copyResult is CopyObject's CopyObjectResult and UploadPartCopy's
// CopyPartResult: the same elements under two names.
type copyResult struct {
	XMLName      xml.Name
	NS           string `xml:"xmlns,attr"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	checksumElems
}

// checksumElems are the Checksum<ALG> elements S3 documents carry; at most
// one is set. ChecksumType is left empty where a document has none.
type checksumElems struct {
	ChecksumCRC32     string `xml:"ChecksumCRC32,omitempty"`
	ChecksumCRC32C    string `xml:"ChecksumCRC32C,omitempty"`
	ChecksumCRC64NVME string `xml:"ChecksumCRC64NVME,omitempty"`
	ChecksumSHA1      string `xml:"ChecksumSHA1,omitempty"`
	ChecksumSHA256    string `xml:"ChecksumSHA256,omitempty"`
	ChecksumType      string `xml:"ChecksumType,omitempty"`
}

// newChecksumElems fills the element of ck's algorithm; withType adds
// ChecksumType.
func newChecksumElems(ck *store.Checksum, withType bool) checksumElems {
	var e checksumElems
	if ck == nil || ck.Value == "" {
		return e
	}
	if p := e.field(ck.Algorithm); p != nil {
		*p = ck.Value
	}
	if withType {
		e.ChecksumType = ck.Type
	}
	return e
}

// field is the element for alg, nil for an unknown algorithm.
func (e *checksumElems) field(alg string) *string {
	switch alg {
	case "CRC32":
		return &e.ChecksumCRC32
	case "CRC32C":
		return &e.ChecksumCRC32C
	case "CRC64NVME":
		return &e.ChecksumCRC64NVME
	case "SHA1":
		return &e.ChecksumSHA1
	case "SHA256":
		return &e.ChecksumSHA256
	}
	return nil
}

// values lists the algorithms whose element is set, in S3's order, with
// their values.
func (e checksumElems) values() (algs, vals []string) {
	for _, alg := range verifier.ChecksumAlgorithms() {
		if v := *e.field(alg); v != "" {
			algs, vals = append(algs, alg), append(vals, v)
		}
	}
	return algs, vals
}

// deleteRequest is DeleteObjects' request body.
type deleteRequest struct {
	XMLName xml.Name `xml:"Delete"`
	Quiet   bool     `xml:"Quiet"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
	} `xml:"Object"`
}

type deleteResult struct {
	XMLName xml.Name       `xml:"DeleteResult"`
	NS      string         `xml:"xmlns,attr"`
	Deleted []deletedElem  `xml:"Deleted"`
	Errors  []deleteErrorE `xml:"Error"`
}

type deletedElem struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId,omitempty"`
	// DeleteMarker and DeleteMarkerVersionID report a marker created (no
	// VersionId asked) or removed (its id asked).
	DeleteMarker          bool   `xml:"DeleteMarker,omitempty"`
	DeleteMarkerVersionID string `xml:"DeleteMarkerVersionId,omitempty"`
}

type deleteErrorE struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId,omitempty"`
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
}

// initiateMultipartUploadResult carries no checksum elements: S3 returns
// the upload's algorithm and type as headers.
type initiateMultipartUploadResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	NS       string   `xml:"xmlns,attr"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

// completeMultipartUpload is CompleteMultipartUpload's request body.
type completeMultipartUpload struct {
	XMLName xml.Name              `xml:"CompleteMultipartUpload"`
	Parts   []completeRequestPart `xml:"Part"`
}

type completeRequestPart struct {
	PartNumber int    `xml:"PartNumber"`
	ETag       string `xml:"ETag"`
	checksumElems
}

type completeMultipartUploadResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	NS       string   `xml:"xmlns,attr"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
	checksumElems
}

type partElem struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	checksumElems
}

type listPartsResult struct {
	XMLName              xml.Name   `xml:"ListPartsResult"`
	NS                   string     `xml:"xmlns,attr"`
	Bucket               string     `xml:"Bucket"`
	Key                  string     `xml:"Key"`
	UploadID             string     `xml:"UploadId"`
	Initiator            owner      `xml:"Initiator"`
	Owner                owner      `xml:"Owner"`
	StorageClass         string     `xml:"StorageClass"`
	PartNumberMarker     int        `xml:"PartNumberMarker"`
	NextPartNumberMarker int        `xml:"NextPartNumberMarker"`
	MaxParts             int        `xml:"MaxParts"`
	IsTruncated          bool       `xml:"IsTruncated"`
	ChecksumAlgorithm    string     `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType         string     `xml:"ChecksumType,omitempty"`
	Parts                []partElem `xml:"Part"`
}

type uploadElem struct {
	Key          string `xml:"Key"`
	UploadID     string `xml:"UploadId"`
	Initiator    owner  `xml:"Initiator"`
	Owner        owner  `xml:"Owner"`
	StorageClass string `xml:"StorageClass"`
	Initiated    string `xml:"Initiated"`
	// ChecksumAlgorithm and ChecksumType are the upload's, when it has one.
	ChecksumAlgorithm string `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string `xml:"ChecksumType,omitempty"`
}

type listMultipartUploadsResult struct {
	XMLName            xml.Name       `xml:"ListMultipartUploadsResult"`
	NS                 string         `xml:"xmlns,attr"`
	Bucket             string         `xml:"Bucket"`
	KeyMarker          string         `xml:"KeyMarker"`
	UploadIDMarker     string         `xml:"UploadIdMarker"`
	NextKeyMarker      string         `xml:"NextKeyMarker"`
	NextUploadIDMarker string         `xml:"NextUploadIdMarker"`
	Prefix             string         `xml:"Prefix"`
	Delimiter          string         `xml:"Delimiter,omitempty"`
	MaxUploads         int            `xml:"MaxUploads"`
	IsTruncated        bool           `xml:"IsTruncated"`
	Uploads            []uploadElem   `xml:"Upload"`
	CommonPrefixes     []commonPrefix `xml:"CommonPrefixes"`
	EncodingType       string         `xml:"EncodingType,omitempty"`
}

// writeXML sends v as a 200 application/xml document.
func writeXML(c *call, v any) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(b.Bytes())
	return nil
}

// maxXMLBody bounds the request documents read whole into memory
// (CreateBucket, DeleteObjects, CompleteMultipartUpload). It must admit the
// largest document S3 accepts: DeleteObjects with 1000 keys of 1024 bytes,
// each byte escaped as an entity such as &quot; (6 bytes), is about 7 MB;
// CompleteMultipartUpload with 10000 parts and their checksums about 2 MB.
const maxXMLBody = 8 << 20

// tooBig is S3's documented answer to a request larger than it reads.
func tooBig(size string) *s3err.Error {
	return s3err.New(s3err.MaxMessageLengthExceeded).
		WithDiagnosis("the request document is %s bytes; strictS3 reads at most %d", size, maxXMLBody)
}

// readXML reads the verified request body and decodes it into v. An empty
// or unparsable document is MalformedXML; one over maxXMLBody is
// MaxMessageLengthExceeded, refused from its Content-Length before a byte
// is read when it is announced; a payload check failure is that check's
// error.
func readXML(c *call, v any) (empty bool, err error) {
	if n := c.r.ContentLength; n > maxXMLBody && !isAWSChunked(c.r) {
		return false, tooBig(strconv.FormatInt(n, 10))
	}
	body, err := c.body()
	if err != nil {
		return false, err
	}
	data, err := io.ReadAll(io.LimitReader(body, maxXMLBody+1))
	if err != nil {
		return false, err
	}
	if len(data) > maxXMLBody {
		return false, tooBig("more than " + strconv.Itoa(maxXMLBody))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return true, nil
	}
	if err := xml.Unmarshal(data, v); err != nil {
		return false, s3err.New(s3err.MalformedXML).WithDiagnosis("request document: %v", err)
	}
	return false, nil
}
