package emulator

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// versionParam reads ?versionId. S3 refuses an empty one and one it could
// not have issued, both as InvalidArgument; "null" names the null version.
func versionParam(c *call) (id string, given bool, err error) {
	v, ok := c.query["versionId"]
	if !ok {
		return "", false, nil
	}
	id = v[0]
	if id == "" {
		return "", false, s3err.Newf(s3err.InvalidArgument, "Version id cannot be the empty string").
			With("ArgumentName", "versionId").With("ArgumentValue", "")
	}
	if !store.IsVersionID(id) {
		return "", false, s3err.Newf(s3err.InvalidArgument, "Invalid version id specified").
			With("ArgumentName", "versionId").With("ArgumentValue", id)
	}
	return id, true, nil
}

// openVersion opens the version ?versionId names, else the current one.
func (s *Server) openVersion(c *call, id string, given bool) (store.Object, error) {
	if given {
		return s.store.OpenObjectVersion(c.r.Context(), c.bucket, c.key, id)
	}
	return s.store.OpenObject(c.r.Context(), c.bucket, c.key)
}

// versionInfo describes the version ?versionId names, else the current one.
func (s *Server) versionInfo(c *call, id string, given bool) (store.ObjectInfo, error) {
	if !given {
		return s.store.HeadObject(c.r.Context(), c.bucket, c.key)
	}
	obj, err := s.store.OpenObjectVersion(c.r.Context(), c.bucket, c.key, id)
	if err != nil {
		return store.ObjectInfo{}, err
	}
	defer obj.Close()
	return obj.Info(), nil
}

// objectErr is storeErr for reads and writes of one object version. A
// delete marker answers as S3 does: the key's current version being one is
// 404 NoSuchKey, a marker named by id is 405 MethodNotAllowed, both with
// x-amz-delete-marker and the marker's x-amz-version-id.
func (s *Server) objectErr(c *call, err error) error {
	var dm *store.DeleteMarkerError
	if !errors.As(err, &dm) {
		return storeErr(c, err)
	}
	h := c.w.Header()
	h.Set("X-Amz-Delete-Marker", "true")
	h.Set("X-Amz-Version-Id", store.ShownVersionID(dm.Marker.VersionID))
	if dm.Current {
		return s3err.New(s3err.NoSuchKey).With("Key", c.key)
	}
	h.Set("Last-Modified", dm.Marker.LastModified.UTC().Format(http.TimeFormat))
	return s3err.New(s3err.MethodNotAllowed).With("Method", c.r.Method).With("ResourceType", "DeleteMarker")
}

// setVersionHeader sends x-amz-version-id for a version of c's bucket: its
// id, or "null" for the null version once the bucket has a versioning
// status. A never-versioned bucket sends none, as S3 does.
func (s *Server) setVersionHeader(c *call, name, id string) {
	if id == "" {
		b, err := s.store.BucketInfo(c.r.Context(), c.bucket)
		if err != nil || b.Versioning == "" {
			return
		}
	}
	c.w.Header().Set(name, store.ShownVersionID(id))
}

type versioningConfiguration struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	NS        string   `xml:"xmlns,attr,omitempty"`
	Status    string   `xml:"Status,omitempty"`
	MfaDelete string   `xml:"MfaDelete,omitempty"`
}

// neverVersioned is GetBucketVersioning's answer, byte for byte as S3's,
// for a bucket whose versioning was never enabled: no Status.
const neverVersioned = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>`

// getBucketVersioning answers the bucket's status.
func (s *Server) getBucketVersioning(c *call) error {
	b, err := s.store.BucketInfo(c.r.Context(), c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	if b.Versioning != "" {
		return writeXML(c, versioningConfiguration{NS: s3NS, Status: b.Versioning})
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(neverVersioned)))
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write([]byte(neverVersioned))
	return nil
}

// putBucketVersioning sets Enabled or Suspended. A configuration without
// Status changes nothing. A Status outside the schema's two values is
// MalformedXML (the schema rejects it; some servers answer
// IllegalVersioningConfigurationException instead, and no recording of
// S3 settles it). MfaDelete Enabled needs the root account's MFA device,
// which no strictS3 request can present: S3 answers such a request
// without it 403 AccessDenied "Mfa Authentication must be used for this
// request".
func (s *Server) putBucketVersioning(c *call) error {
	if _, err := s.store.BucketInfo(c.r.Context(), c.bucket); err != nil {
		return storeErr(c, err)
	}
	var req versioningConfiguration
	empty, err := readXML(c, &req)
	if err != nil {
		return err
	}
	if empty {
		return s3err.New(s3err.MalformedXML).WithDiagnosis("PutBucketVersioning needs a <VersioningConfiguration> document")
	}
	switch req.MfaDelete {
	case "", "Disabled":
	case "Enabled":
		return s3err.Newf(s3err.AccessDenied, "Mfa Authentication must be used for this request").
			WithDiagnosis("MfaDelete needs an x-amz-mfa device code, which strictS3 cannot check; versioning unchanged")
	default:
		return s3err.New(s3err.MalformedXML).WithDiagnosis("MfaDelete must be Enabled or Disabled, not %q", req.MfaDelete)
	}
	switch req.Status {
	case "":
	case store.VersioningEnabled, store.VersioningSuspended:
		if err := s.lockForbidsSuspending(c, req.Status); err != nil {
			return err
		}
		if err := s.store.SetBucketVersioning(c.r.Context(), c.bucket, req.Status); err != nil {
			return storeErr(c, err)
		}
	default:
		return s3err.New(s3err.MalformedXML).WithDiagnosis("Status must be Enabled or Suspended, not %q", req.Status)
	}
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}
