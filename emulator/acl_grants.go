package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// The ACL grantee groups S3 knows, by URI.
const (
	groupAllUsers           = "http://acs.amazonaws.com/groups/global/AllUsers"
	groupAuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	groupLogDelivery        = "http://acs.amazonaws.com/groups/s3/LogDelivery"
	// ec2BundleReader is the canonical user of Amazon EC2 that reads
	// machine-image bundles, the grantee of aws-exec-read, as AWS stores
	// that canned ACL.
	ec2BundleReader = "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c"
)

// ACL permissions.
const (
	permRead        = "READ"
	permWrite       = "WRITE"
	permReadACP     = "READ_ACP"
	permWriteACP    = "WRITE_ACP"
	permFullControl = "FULL_CONTROL"
)

var aclPermissions = map[string]bool{permRead: true, permWrite: true, permReadACP: true, permWriteACP: true, permFullControl: true}

var aclGroups = map[string]bool{groupAllUsers: true, groupAuthenticatedUsers: true, groupLogDelivery: true}

// storedACL is a bucket's or an object's access control list as strictS3
// keeps it (a bucket configuration document, or ObjectMeta.ACL): the
// owner's canonical id and the grants.
type storedACL struct {
	Owner     string       `json:"o"`
	OwnerName string       `json:"n,omitempty"`
	Grants    []aclGranted `json:"g"`
}

// aclGranted is one grant: to a canonical user (ID) or a group (URI).
type aclGranted struct {
	ID         string `json:"id,omitempty"`
	URI        string `json:"uri,omitempty"`
	Permission string `json:"p"`
}

func (a storedACL) encode() string {
	b, _ := json.Marshal(a)
	return string(b)
}

// decodeACL reads what encode wrote; "" (a bucket or object written
// while ACLs were disabled) is the owner's FULL_CONTROL alone.
func decodeACL(doc string, defaultOwner owner) (storedACL, error) {
	if doc == "" {
		return storedACL{Owner: defaultOwner.ID, OwnerName: defaultOwner.DisplayName,
			Grants: []aclGranted{{ID: defaultOwner.ID, Permission: permFullControl}}}, nil
	}
	var a storedACL
	err := json.Unmarshal([]byte(doc), &a)
	return a, err
}

func ownerOnlyACL(ownerID string) storedACL {
	return storedACL{Owner: ownerID, Grants: []aclGranted{{ID: ownerID, Permission: permFullControl}}}
}

// cannedACL expands an x-amz-acl value as the S3 ACL overview defines the
// canned ACLs. bucketOwnerID matters only for the bucket-owner-* values,
// which on a bucket itself grant nothing beyond the owner's FULL_CONTROL.
func cannedACL(name, ownerID, bucketOwnerID string) (storedACL, error) {
	a := ownerOnlyACL(ownerID)
	add := func(g aclGranted) { a.Grants = append(a.Grants, g) }
	switch name {
	case "private":
	case "public-read":
		add(aclGranted{URI: groupAllUsers, Permission: permRead})
	case "public-read-write":
		add(aclGranted{URI: groupAllUsers, Permission: permRead})
		add(aclGranted{URI: groupAllUsers, Permission: permWrite})
	case "aws-exec-read":
		add(aclGranted{ID: ec2BundleReader, Permission: permRead})
	case "authenticated-read":
		add(aclGranted{URI: groupAuthenticatedUsers, Permission: permRead})
	case "log-delivery-write":
		add(aclGranted{URI: groupLogDelivery, Permission: permWrite})
		add(aclGranted{URI: groupLogDelivery, Permission: permReadACP})
	case "bucket-owner-read", "bucket-owner-full-control":
		if bucketOwnerID != ownerID {
			perm := permRead
			if name == "bucket-owner-full-control" {
				perm = permFullControl
			}
			add(aclGranted{ID: bucketOwnerID, Permission: perm})
		}
	default:
		// strictS3's choice: S3's answer to an unknown canned ACL was not
		// found recorded; 400 InvalidArgument naming the header is what
		// S3 answers for other invalid header values.
		return a, s3err.New(s3err.InvalidArgument).With("ArgumentName", "x-amz-acl").With("ArgumentValue", name).
			WithDiagnosis("x-amz-acl %q is not a canned ACL strictS3 knows", name)
	}
	return a, nil
}

// headerPermissions maps the x-amz-grant-* headers to their permission.
var headerPermissions = map[string]string{
	"X-Amz-Grant-Read": permRead, "X-Amz-Grant-Write": permWrite, "X-Amz-Grant-Read-Acp": permReadACP,
	"X-Amz-Grant-Write-Acp": permWriteACP, "X-Amz-Grant-Full-Control": permFullControl,
}

// aclFromHeaders is the ACL a request's x-amz-acl or x-amz-grant-*
// headers ask for, with ok false when it names none. As S3 documents,
// the two forms cannot be combined, and explicit grants replace the
// owner's default FULL_CONTROL (the owner keeps the implicit right to
// read and write the ACL).
func aclFromHeaders(h http.Header, ownerID, bucketOwnerID string) (a storedACL, ok bool, err error) {
	canned := headerGet(h, "X-Amz-Acl")
	if !hasGrantHeader(h) {
		if canned == "" {
			return a, false, nil
		}
		a, err = cannedACL(canned, ownerID, bucketOwnerID)
		return a, err == nil, err
	}
	if canned != "" {
		return a, false, s3err.Newf(s3err.InvalidRequest, "Specifying both Canned ACLs and Header Grants is not allowed")
	}
	a.Owner = ownerID
	for _, name := range grantHeaders {
		for _, v := range h.Values(name) {
			gs, err := parseGrantHeader(v, headerPermissions[name])
			if err != nil {
				return a, false, err
			}
			a.Grants = append(a.Grants, gs...)
		}
	}
	return a, true, nil
}

// parseGrantHeader reads one x-amz-grant-* value: comma-separated
// id="…", uri="…" or emailAddress="…" grantees.
func parseGrantHeader(v, perm string) ([]aclGranted, error) {
	var out []aclGranted
	for _, part := range strings.Split(v, ",") {
		typ, val, found := strings.Cut(strings.TrimSpace(part), "=")
		val = strings.Trim(strings.TrimSpace(val), `"`)
		if !found || val == "" {
			return nil, invalidGrant(v, "each grantee is id=\"…\", uri=\"…\" or emailAddress=\"…\"")
		}
		switch strings.ToLower(strings.TrimSpace(typ)) {
		case "id":
			out = append(out, aclGranted{ID: val, Permission: perm})
		case "uri":
			if !aclGroups[val] {
				return nil, invalidGrant(v, "unknown group URI "+val)
			}
			out = append(out, aclGranted{URI: val, Permission: perm})
		case "emailaddress":
			// S3 resolves e-mail addresses to canonical ids in a few
			// regions only; strictS3 has no addresses to resolve.
			return nil, invalidGrant(v, "strictS3 cannot resolve e-mail grantees; grant by id=\"<canonical id>\"")
		default:
			return nil, invalidGrant(v, "unknown grantee type "+typ)
		}
	}
	return out, nil
}

func invalidGrant(v, why string) error {
	return s3err.New(s3err.InvalidArgument).With("ArgumentName", "x-amz-grant").With("ArgumentValue", v).
		WithDiagnosis("grant header %q: %s", v, why)
}

// aclFromDocument is the ACL an AccessControlPolicy body sets. Its Owner
// must be the resource's owner, as S3 requires.
func aclFromDocument(doc accessControlPolicy, ownerID string) (storedACL, error) {
	if doc.Owner.ID != "" && doc.Owner.ID != ownerID {
		return storedACL{}, s3err.New(s3err.AccessDenied).
			WithDiagnosis("the AccessControlPolicy names owner %s, but the resource's owner is %s", doc.Owner.ID, ownerID)
	}
	a := storedACL{Owner: ownerID}
	for _, g := range doc.Grants {
		if !aclPermissions[g.Permission] {
			return a, s3err.New(s3err.MalformedACLError).WithDiagnosis("grant permission %q is not READ, WRITE, READ_ACP, WRITE_ACP or FULL_CONTROL", g.Permission)
		}
		switch {
		case g.Grantee.URI != "" && aclGroups[g.Grantee.URI]:
			a.Grants = append(a.Grants, aclGranted{URI: g.Grantee.URI, Permission: g.Permission})
		case g.Grantee.ID != "":
			a.Grants = append(a.Grants, aclGranted{ID: g.Grantee.ID, Permission: g.Permission})
		default:
			return a, s3err.New(s3err.MalformedACLError).WithDiagnosis("a grantee needs an ID (CanonicalUser) or a known group URI; strictS3 cannot resolve e-mail grantees")
		}
	}
	return a, nil
}

// isPublic reports the first grant to AllUsers or AuthenticatedUsers.
func (a storedACL) public() (aclGranted, bool) {
	for _, g := range a.Grants {
		if g.URI == groupAllUsers || g.URI == groupAuthenticatedUsers {
			return g, true
		}
	}
	return aclGranted{}, false
}

func (g aclGranted) String() string {
	if g.URI != "" {
		return fmt.Sprintf("%s to group %s", g.Permission, g.URI[strings.LastIndex(g.URI, "/")+1:])
	}
	return fmt.Sprintf("%s to canonical user %s", g.Permission, g.ID)
}
