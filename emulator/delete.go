package emulator

import "github.com/stricts3/stricts3/internal/s3err"

// maxDeleteKeys is the most keys one DeleteObjects request may name.
const maxDeleteKeys = 1000

// deleteObjects is POST ?delete: each key is deleted (a missing key counts
// as deleted, as on S3) and reported unless Quiet; keys the caller may not
// delete are reported as AccessDenied errors.
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
		err := s.allow(c, "s3:DeleteObject", c.bucket, o.Key)
		if err == nil {
			err = resourceErr(s.store.DeleteObject(c.r.Context(), c.bucket, o.Key), c.bucket, o.Key, "")
		}
		if err != nil {
			e, ok := s3err.As(err)
			if !ok {
				e = s3err.New(s3err.InternalError)
			}
			res.Errors = append(res.Errors, deleteErrorE{Key: o.Key, Code: string(e.Code), Message: e.Message})
			continue
		}
		if !req.Quiet {
			res.Deleted = append(res.Deleted, deletedElem{Key: o.Key})
		}
	}
	return writeXML(c, res)
}
