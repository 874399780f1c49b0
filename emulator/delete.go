package emulator

import (
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// maxDeleteKeys is the most keys one DeleteObjects request may name.
const maxDeleteKeys = 1000

// deleteObjects is POST ?delete: each key (or the version its VersionId
// names) is deleted as DeleteObject deletes it (a missing key counts as
// deleted, as on S3) and reported unless Quiet; keys the caller may not
// delete (s3:DeleteObject, or s3:DeleteObjectVersion with a VersionId) are
// reported as AccessDenied errors.
func (s *Server) deleteObjects(c *call) error {
	if !hasIntegrityCheck(c.r.Header) {
		return s3err.Newf(s3err.InvalidRequest, "Missing required header for this request: Content-MD5").
			WithDiagnosis("DeleteObjects needs Content-MD5 or an x-amz-checksum-* header")
	}
	var req deleteRequest
	empty, err := readXML(c, &req)
	if err != nil {
		return err
	}
	if empty || len(req.Objects) == 0 || len(req.Objects) > maxDeleteKeys {
		return s3err.New(s3err.MalformedXML).
			WithDiagnosis("DeleteObjects needs 1 to %d <Object> elements, got %d", maxDeleteKeys, len(req.Objects))
	}
	if _, err := s.store.BucketInfo(c.r.Context(), c.bucket); err != nil {
		return storeErr(c, err)
	}
	res := deleteResult{NS: s3NS}
	for _, o := range req.Objects {
		done, err := s.deleteOne(c, o.Key, o.VersionID)
		if err != nil {
			e, ok := s3err.As(err)
			if !ok {
				e = s3err.New(s3err.InternalError)
			}
			res.Errors = append(res.Errors, deleteErrorE{Key: o.Key, VersionID: o.VersionID, Code: string(e.Code), Message: e.Message})
			continue
		}
		if !req.Quiet {
			res.Deleted = append(res.Deleted, done)
		}
	}
	return writeXML(c, res)
}

// deleteOne deletes one DeleteObjects entry and describes it as S3 does:
// the VersionId asked, and a delete marker removed or created with its id.
func (s *Server) deleteOne(c *call, key, versionID string) (deletedElem, error) {
	action := "s3:DeleteObject"
	if versionID != "" {
		action = "s3:DeleteObjectVersion"
		// An id S3 could not have issued can name no version; S3's
		// answer for it inside DeleteObjects is not recorded, so it is
		// reported as the absent version it is.
		if !store.IsVersionID(versionID) {
			return deletedElem{}, s3err.Newf(s3err.NoSuchVersion, "The specified version does not exist.")
		}
	}
	if err := s.allow(c, action, c.bucket, key); err != nil {
		return deletedElem{}, err
	}
	res, err := s.deleteVersion(c, key, versionID)
	if err != nil {
		return deletedElem{}, resourceErr(err, c.bucket, key, "")
	}
	done := deletedElem{Key: key, VersionID: versionID}
	if res.DeleteMarker {
		done.DeleteMarker, done.DeleteMarkerVersionID = true, store.ShownVersionID(res.VersionID)
	}
	return done, nil
}
