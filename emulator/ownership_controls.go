package emulator

import (
	"encoding/xml"
	"net/http"

	"github.com/stricts3/stricts3/internal/s3err"
)

type ownershipControlsXML struct {
	XMLName xml.Name `xml:"OwnershipControls"`
	NS      string   `xml:"xmlns,attr,omitempty"`
	Rules   []struct {
		ObjectOwnership string `xml:"ObjectOwnership"`
	} `xml:"Rule"`
}

func (s *Server) getBucketOwnershipControls(c *call) error {
	own, err := s.objectOwnership(c.r.Context(), c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	if own == "" {
		return s3err.New(s3err.OwnershipControlsNotFound).With("BucketName", c.bucket)
	}
	out := ownershipControlsXML{NS: s3NS}
	out.Rules = append(out.Rules, struct {
		ObjectOwnership string `xml:"ObjectOwnership"`
	}{own})
	return writeXML(c, out)
}

// putBucketOwnershipControls sets the one rule S3 allows. A document
// without exactly one rule of a known value is MalformedXML (strictS3's
// reading of S3's schema; no recorded answer for each case was found).
func (s *Server) putBucketOwnershipControls(c *call) error {
	var in ownershipControlsXML
	if _, err := readXML(c, &in); err != nil {
		return err
	}
	if len(in.Rules) != 1 || !ownershipValues[in.Rules[0].ObjectOwnership] {
		return s3err.New(s3err.MalformedXML).
			WithDiagnosis("OwnershipControls needs exactly one Rule whose ObjectOwnership is BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter")
	}
	if err := s.store.PutBucketConfig(c.r.Context(), c.bucket, ownershipConfig, []byte(in.Rules[0].ObjectOwnership)); err != nil {
		return storeErr(c, err)
	}
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// deleteBucketOwnershipControls leaves the bucket without controls: ACLs
// enabled, as ObjectWriter. An empty document records that, so the bucket
// is not mistaken for one that never had the setting (BucketOwnerEnforced).
func (s *Server) deleteBucketOwnershipControls(c *call) error {
	if _, err := s.store.BucketInfo(c.r.Context(), c.bucket); err != nil {
		return storeErr(c, err)
	}
	if err := s.store.PutBucketConfig(c.r.Context(), c.bucket, ownershipConfig, nil); err != nil {
		return storeErr(c, err)
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}
