package emulator

import "encoding/xml"

// accessControlPolicy is GetBucketAcl's and GetObjectAcl's answer.
type accessControlPolicy struct {
	XMLName xml.Name `xml:"AccessControlPolicy"`
	NS      string   `xml:"xmlns,attr"`
	Owner   owner    `xml:"Owner"`
	Grants  []grant  `xml:"AccessControlList>Grant"`
}

type grant struct {
	Grantee    grantee `xml:"Grantee"`
	Permission string  `xml:"Permission"`
}

type grantee struct {
	XSI         string `xml:"xmlns:xsi,attr"`
	Type        string `xml:"xsi:type,attr"`
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

// ownerFullControl is the ACL S3 answers for every bucket and object of a
// bucket with ACLs disabled (BucketOwnerEnforced, the default): the owner
// has FULL_CONTROL, nobody else anything. strictS3 keeps no other grants,
// so it answers this on every bucket; ACL headers a bucket with ACLs
// enabled accepted are not reflected.
func ownerFullControl(o owner) accessControlPolicy {
	return accessControlPolicy{NS: s3NS, Owner: o, Grants: []grant{{
		Grantee:    grantee{XSI: "http://www.w3.org/2001/XMLSchema-instance", Type: "CanonicalUser", ID: o.ID, DisplayName: o.DisplayName},
		Permission: "FULL_CONTROL",
	}}}
}

func (s *Server) getBucketACL(c *call) error {
	if _, err := s.store.BucketInfo(c.r.Context(), c.bucket); err != nil {
		return storeErr(c, err)
	}
	o, err := s.bucketOwnerElem(c)
	if err != nil {
		return err
	}
	return writeXML(c, ownerFullControl(*o))
}

func (s *Server) getObjectACL(c *call) error {
	versionID, given, err := versionParam(c)
	if err != nil {
		return err
	}
	info, err := s.versionInfo(c, versionID, given)
	if err != nil {
		return s.objectErr(c, err)
	}
	s.setVersionHeader(c, "X-Amz-Version-Id", info.VersionID)
	o, err := s.bucketOwnerElem(c)
	if err != nil {
		return err
	}
	return writeXML(c, ownerFullControl(*o))
}
