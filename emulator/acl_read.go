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
	ID          string `xml:"ID,omitempty"`
	DisplayName string `xml:"DisplayName,omitempty"`
	URI         string `xml:"URI,omitempty"`
}

// ownerFullControl is the ACL S3 answers for every bucket and object of a
// bucket with ACLs disabled (BucketOwnerEnforced, the default): the owner
// has FULL_CONTROL, nobody else anything.
func ownerFullControl(o owner) accessControlPolicy {
	return storedACL{Owner: o.ID, OwnerName: o.DisplayName, Grants: []aclGranted{{ID: o.ID, Permission: permFullControl}}}.policy()
}

// policy is a as Get*Acl answers it. Only the owner's display name is
// known; other canonical users are shown by id alone.
func (a storedACL) policy() accessControlPolicy {
	const xsi = "http://www.w3.org/2001/XMLSchema-instance"
	p := accessControlPolicy{NS: s3NS, Owner: owner{ID: a.Owner, DisplayName: a.OwnerName}, Grants: []grant{}}
	for _, g := range a.Grants {
		ge := grantee{XSI: xsi, Type: "CanonicalUser", ID: g.ID}
		if g.URI != "" {
			ge = grantee{XSI: xsi, Type: "Group", URI: g.URI}
		} else if g.ID == a.Owner {
			ge.DisplayName = a.OwnerName
		}
		p.Grants = append(p.Grants, grant{Grantee: ge, Permission: g.Permission})
	}
	return p
}

func (s *Server) getBucketACL(c *call) error {
	if _, err := s.store.BucketInfo(c.r.Context(), c.bucket); err != nil {
		return storeErr(c, err)
	}
	a, err := s.bucketACL(c.r.Context(), c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	return writeXML(c, a.policy())
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
	a, err := s.objectACLOf(c.r.Context(), c.bucket, info)
	if err != nil {
		return storeErr(c, err)
	}
	return writeXML(c, a.policy())
}
