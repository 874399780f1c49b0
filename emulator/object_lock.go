package emulator

import (
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// lockTimeFormat is how S3 writes a retain-until date, in XML and in the
// x-amz-object-lock-retain-until-date header.
const lockTimeFormat = "2006-01-02T15:04:05.000Z"

type objectRetention struct {
	XMLName         xml.Name `xml:"Retention"`
	NS              string   `xml:"xmlns,attr,omitempty"`
	Mode            string   `xml:"Mode,omitempty"`
	RetainUntilDate string   `xml:"RetainUntilDate,omitempty"`
}

type objectLegalHold struct {
	XMLName xml.Name `xml:"LegalHold"`
	NS      string   `xml:"xmlns,attr,omitempty"`
	Status  string   `xml:"Status,omitempty"`
}

func validLockMode(mode string) bool {
	return mode == store.LockGovernance || mode == store.LockCompliance
}

func validLegalHold(status string) bool { return status == "ON" || status == "OFF" }

// parseRetainUntil reads an ISO 8601 date as the SDKs send it, with or
// without fractional seconds.
func parseRetainUntil(v string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, v)
	return t.UTC(), err == nil
}

// retainedAt reports whether l's retention still protects its version at
// now: a retain-until date that has passed protects nothing.
func retainedAt(l store.ObjectLock, now time.Time) bool {
	return l.Mode != "" && now.Before(l.RetainUntil)
}

func missingLockConfiguration() error {
	return s3err.Newf(s3err.InvalidRequest, "Bucket is missing Object Lock Configuration")
}

// requireBucketLock refuses a retention or legal-hold request on a bucket
// without Object Lock.
func (s *Server) requireBucketLock(c *call) (objectLockConfiguration, error) {
	cfg, enabled, err := s.bucketLock(c.r.Context(), c.bucket)
	if err != nil {
		return cfg, storeErr(c, err)
	}
	if !enabled {
		if _, err := s.store.BucketInfo(c.r.Context(), c.bucket); err != nil {
			return cfg, storeErr(c, err)
		}
		return cfg, missingLockConfiguration()
	}
	return cfg, nil
}

// bypassGovernance reports whether the request asks to bypass GOVERNANCE
// retention (x-amz-bypass-governance-retention: true) and its caller is
// allowed s3:BypassGovernanceRetention on the key.
func (s *Server) bypassGovernance(c *call, key string) bool {
	if !strings.EqualFold(strings.TrimSpace(headerGet(c.r.Header, "X-Amz-Bypass-Governance-Retention")), "true") {
		return false
	}
	return s.allow(c, "s3:BypassGovernanceRetention", c.bucket, key) == nil
}

// lockedVersion names the version a retention or legal-hold request is
// about, on a bucket with Object Lock: ?versionId's, else the key's
// current one.
func (s *Server) lockedVersion(c *call) (store.ObjectInfo, error) {
	if _, err := s.requireBucketLock(c); err != nil {
		return store.ObjectInfo{}, err
	}
	versionID, given, err := versionParam(c)
	if err != nil {
		return store.ObjectInfo{}, err
	}
	info, err := s.versionInfo(c, versionID, given)
	if err != nil {
		return store.ObjectInfo{}, s.objectErr(c, err)
	}
	return info, nil
}

// readLockRequest checks a PutObjectRetention or PutObjectLegalHold
// request (opName) and reads its document into doc: the version it is
// about, an integrity check as S3 requires, and a document.
func (s *Server) readLockRequest(c *call, opName string, doc any) (store.ObjectInfo, error) {
	info, err := s.lockedVersion(c)
	if err != nil {
		return info, err
	}
	if err := requireIntegrityCheck(c, opName); err != nil {
		return info, err
	}
	empty, err := readXML(c, doc)
	if err != nil {
		return info, err
	}
	if empty {
		return info, s3err.New(s3err.MalformedXML).WithDiagnosis("%s needs a document", opName)
	}
	return info, nil
}

// updateLock applies update to the version's lock state in the store.
func (s *Server) updateLock(c *call, info store.ObjectInfo, update func(store.ObjectLock) (store.ObjectLock, error)) error {
	if _, err := s.store.SetObjectVersionLock(c.r.Context(), c.bucket, c.key, info.VersionID, update); err != nil {
		return s.objectErr(c, err) // passes update's *s3err.Error as is
	}
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// getObjectRetention answers the version's retention; one never given a
// retention has no configuration to show.
func (s *Server) getObjectRetention(c *call) error {
	info, err := s.lockedVersion(c)
	if err != nil {
		return err
	}
	l := info.Meta.Lock
	if l == nil || l.Mode == "" {
		return s3err.New(s3err.NoSuchObjectLockConfiguration)
	}
	return writeXML(c, objectRetention{NS: s3NS, Mode: l.Mode, RetainUntilDate: l.RetainUntil.UTC().Format(lockTimeFormat)})
}

// putObjectRetention sets the version's retention. An integrity check is
// required, as for the bucket's configuration. Retention only ever grows
// on its own: a COMPLIANCE one can be extended but never shortened,
// removed or turned GOVERNANCE; a GOVERNANCE one can be extended or made
// COMPLIANCE, and weakened only with x-amz-bypass-governance-retention by
// a caller allowed s3:BypassGovernanceRetention. S3 answers a refused
// change 403 AccessDenied. The rule is judged inside the store's update,
// so it holds against a concurrent change.
func (s *Server) putObjectRetention(c *call) error {
	var req objectRetention
	info, err := s.readLockRequest(c, "PutObjectRetention", &req)
	if err != nil {
		return err
	}
	next, err := s.requestedRetention(req)
	if err != nil {
		return err
	}
	bypass := s.bypassGovernance(c, c.key)
	now := s.clock.Now()
	return s.updateLock(c, info, func(cur store.ObjectLock) (store.ObjectLock, error) {
		if why := retentionChangeRefused(cur, next, now, bypass); why != "" {
			return cur, s3err.New(s3err.AccessDenied).WithDiagnosis("%s", why)
		}
		cur.Mode, cur.RetainUntil = next.Mode, next.RetainUntil
		return cur, nil
	})
}

// requestedRetention validates a <Retention> document. An empty one
// removes the retention. A Mode without a date (or the reverse) and a
// Mode outside the schema's two are MalformedXML; S3's exact answer for
// the half-given pair is not recorded, and the schema pairs them.
func (s *Server) requestedRetention(req objectRetention) (store.ObjectLock, error) {
	if req.Mode == "" && req.RetainUntilDate == "" {
		return store.ObjectLock{}, nil
	}
	if !validLockMode(req.Mode) {
		return store.ObjectLock{}, s3err.New(s3err.MalformedXML).WithDiagnosis("Retention Mode must be GOVERNANCE or COMPLIANCE, not %q", req.Mode)
	}
	until, ok := parseRetainUntil(req.RetainUntilDate)
	if !ok {
		return store.ObjectLock{}, s3err.New(s3err.MalformedXML).WithDiagnosis("RetainUntilDate %q is not an ISO 8601 date", req.RetainUntilDate)
	}
	if !until.After(s.clock.Now()) {
		return store.ObjectLock{}, retainUntilPast()
	}
	return store.ObjectLock{Mode: req.Mode, RetainUntil: until}, nil
}

func retainUntilPast() error {
	return s3err.Newf(s3err.InvalidArgument, "The retain until date must be in the future!")
}

// retentionChangeRefused says why replacing cur's retention by next's is
// refused at now, or "" when it is allowed.
func retentionChangeRefused(cur, next store.ObjectLock, now time.Time, bypass bool) string {
	if !retainedAt(cur, now) {
		return ""
	}
	weakens := next.Mode == "" || next.RetainUntil.Before(cur.RetainUntil)
	switch {
	case cur.Mode == store.LockCompliance && (weakens || next.Mode != store.LockCompliance):
		return "the version's COMPLIANCE retention can only be extended until " + cur.RetainUntil.Format(lockTimeFormat) + " passes"
	case cur.Mode == store.LockGovernance && weakens && !bypass:
		return "shortening or removing a GOVERNANCE retention needs x-amz-bypass-governance-retention: true and s3:BypassGovernanceRetention"
	}
	return ""
}

// getObjectLegalHold answers the version's legal hold; one never set has
// none to show.
func (s *Server) getObjectLegalHold(c *call) error {
	info, err := s.lockedVersion(c)
	if err != nil {
		return err
	}
	l := info.Meta.Lock
	if l == nil || l.LegalHold == "" {
		return s3err.New(s3err.NoSuchObjectLockConfiguration)
	}
	return writeXML(c, objectLegalHold{NS: s3NS, Status: l.LegalHold})
}

// putObjectLegalHold turns the version's legal hold ON or OFF; any caller
// allowed s3:PutObjectLegalHold may do either, whatever the retention.
func (s *Server) putObjectLegalHold(c *call) error {
	var req objectLegalHold
	info, err := s.readLockRequest(c, "PutObjectLegalHold", &req)
	if err != nil {
		return err
	}
	if !validLegalHold(req.Status) {
		return s3err.New(s3err.MalformedXML).WithDiagnosis("PutObjectLegalHold needs <LegalHold><Status>ON|OFF</Status></LegalHold>")
	}
	return s.updateLock(c, info, func(cur store.ObjectLock) (store.ObjectLock, error) {
		cur.LegalHold = req.Status
		return cur, nil
	})
}

// deleteVersion deletes version versionID of key for good, or with
// versionID "" does what a DELETE without a version id does (a delete
// marker on a versioned bucket, never refused). A protected version is
// refused 403 AccessDenied, as S3 does: a legal hold ON always, a
// COMPLIANCE retention until it passes, a GOVERNANCE one unless the request
// bypasses it. The store judges the version under its lock, so a retention
// set concurrently is seen. Whether the request may bypass is decided
// beforehand (it reads the bucket's policy from the store), so a request
// with x-amz-bypass-governance-retention asks for
// s3:BypassGovernanceRetention whether or not the version needs it.
func (s *Server) deleteVersion(c *call, key, versionID string) (store.DeleteResult, error) {
	if versionID == "" {
		return s.store.DeleteObjectVersion(c.r.Context(), c.bucket, key, "")
	}
	bypass := s.bypassGovernance(c, key)
	now := s.clock.Now()
	return s.store.DeleteObjectVersionIf(c.r.Context(), c.bucket, key, versionID, func(info store.ObjectInfo) error {
		why := deleteRefused(info.Meta.Lock, now, bypass)
		if why == "" {
			return nil
		}
		return s3err.New(s3err.AccessDenied).WithDiagnosis("version %s of %s is protected by Object Lock: %s",
			store.ShownVersionID(info.VersionID), key, why)
	})
}

// deleteRefused says why a version locked by l may not be deleted at now,
// or "" when it may.
func deleteRefused(l *store.ObjectLock, now time.Time, bypass bool) string {
	switch {
	case l == nil:
		return ""
	case l.LegalHold == "ON":
		return "its legal hold is ON"
	case !retainedAt(*l, now):
		return ""
	case l.Mode == store.LockCompliance:
		return "COMPLIANCE retention until " + l.RetainUntil.Format(lockTimeFormat)
	case !bypass:
		return "GOVERNANCE retention until " + l.RetainUntil.Format(lockTimeFormat) +
			"; bypassing it needs x-amz-bypass-governance-retention: true and s3:BypassGovernanceRetention"
	}
	return ""
}

// writeLockHeaders adds the version's Object Lock state to a GET or HEAD
// answer, as S3 does.
func writeLockHeaders(h http.Header, l *store.ObjectLock) {
	if l == nil {
		return
	}
	if l.Mode != "" {
		h.Set("X-Amz-Object-Lock-Mode", l.Mode)
		h.Set("X-Amz-Object-Lock-Retain-Until-Date", l.RetainUntil.UTC().Format(lockTimeFormat))
	}
	if l.LegalHold != "" {
		h.Set("X-Amz-Object-Lock-Legal-Hold", l.LegalHold)
	}
}

// hideLockHeaders drops what the caller may not read: S3 shows a version's
// retention only to a caller allowed s3:GetObjectRetention, and its legal
// hold only to one allowed s3:GetObjectLegalHold.
func (s *Server) hideLockHeaders(c *call, h http.Header) {
	if headerGet(h, "X-Amz-Object-Lock-Mode") != "" && s.allow(c, "s3:GetObjectRetention", c.bucket, c.key) != nil {
		h.Del("X-Amz-Object-Lock-Mode")
		h.Del("X-Amz-Object-Lock-Retain-Until-Date")
	}
	if headerGet(h, "X-Amz-Object-Lock-Legal-Hold") != "" && s.allow(c, "s3:GetObjectLegalHold", c.bucket, c.key) != nil {
		h.Del("X-Amz-Object-Lock-Legal-Hold")
	}
}
