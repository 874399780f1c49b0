package emulator

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"time"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// objectLockConfig is the bucket configuration holding the bucket's Object
// Lock configuration document; a bucket has Object Lock enabled exactly
// when it has one.
const objectLockConfig = "object-lock"

// Bounds S3 puts on a default retention period (the API reference's
// DefaultRetention: at most 100 years).
const (
	maxDefaultRetentionDays  = 36500
	maxDefaultRetentionYears = 100
)

type objectLockConfiguration struct {
	XMLName           xml.Name        `xml:"ObjectLockConfiguration"`
	NS                string          `xml:"xmlns,attr,omitempty"`
	ObjectLockEnabled string          `xml:"ObjectLockEnabled,omitempty"`
	Rule              *objectLockRule `xml:"Rule,omitempty"`
}

type objectLockRule struct {
	DefaultRetention *defaultRetention `xml:"DefaultRetention"`
}

type defaultRetention struct {
	Mode  string `xml:"Mode,omitempty"`
	Days  *int   `xml:"Days,omitempty"`
	Years *int   `xml:"Years,omitempty"`
}

// enabledLockConfiguration is what a bucket created with Object Lock
// enabled answers before any PutObjectLockConfiguration: no default rule.
var enabledLockConfiguration = objectLockConfiguration{NS: s3NS, ObjectLockEnabled: "Enabled"}

func (cfg objectLockConfiguration) marshal() []byte {
	doc, err := xml.Marshal(cfg)
	if err != nil {
		panic("emulator: object lock configuration does not marshal: " + err.Error())
	}
	return append([]byte(xml.Header), doc...)
}

// validate checks a PutObjectLockConfiguration document as S3 does:
// ObjectLockEnabled must say Enabled, and a Rule needs a DefaultRetention
// with a Mode and exactly one of Days or Years (the schema's choice, so a
// document breaking it is MalformedXML); a period that is not positive or
// exceeds 100 years is InvalidArgument.
func (cfg objectLockConfiguration) validate() error {
	if cfg.ObjectLockEnabled != "Enabled" {
		return s3err.New(s3err.MalformedXML).WithDiagnosis("ObjectLockEnabled must be Enabled, not %q", cfg.ObjectLockEnabled)
	}
	if cfg.Rule == nil {
		return nil
	}
	d := cfg.Rule.DefaultRetention
	switch {
	case d == nil:
		return s3err.New(s3err.MalformedXML).WithDiagnosis("a Rule needs a DefaultRetention")
	case d.Mode != store.LockGovernance && d.Mode != store.LockCompliance:
		return s3err.New(s3err.MalformedXML).WithDiagnosis("DefaultRetention Mode must be GOVERNANCE or COMPLIANCE, not %q", d.Mode)
	case (d.Days == nil) == (d.Years == nil):
		return s3err.New(s3err.MalformedXML).WithDiagnosis("DefaultRetention needs exactly one of Days or Years")
	}
	n, limit := d.Years, maxDefaultRetentionYears
	if d.Days != nil {
		n, limit = d.Days, maxDefaultRetentionDays
	}
	if *n <= 0 {
		return s3err.Newf(s3err.InvalidArgument, "Default retention period must be a positive integer value").
			With("ArgumentName", "DefaultRetention").With("ArgumentValue", "")
	}
	if *n > limit {
		return s3err.Newf(s3err.InvalidArgument, "Default retention period is too large.").
			With("ArgumentName", "DefaultRetention").With("ArgumentValue", "")
	}
	return nil
}

// defaultUntil is the retain-until date the bucket's default rule gives a
// version written at now; ok is false without a default rule.
func (cfg objectLockConfiguration) defaultUntil(now time.Time) (mode string, until time.Time, ok bool) {
	if cfg.Rule == nil || cfg.Rule.DefaultRetention == nil {
		return "", time.Time{}, false
	}
	d := cfg.Rule.DefaultRetention
	if d.Days != nil {
		return d.Mode, now.UTC().AddDate(0, 0, *d.Days), true
	}
	return d.Mode, now.UTC().AddDate(*d.Years, 0, 0), true
}

// bucketLock is the bucket's Object Lock configuration; enabled is false
// for a bucket without Object Lock.
func (s *Server) bucketLock(ctx context.Context, bucket string) (cfg objectLockConfiguration, enabled bool, err error) {
	doc, err := s.store.GetBucketConfig(ctx, bucket, objectLockConfig)
	if errors.Is(err, store.ErrNoSuchBucketConfig) {
		return cfg, false, nil
	}
	if err != nil {
		return cfg, false, err
	}
	if err := xml.Unmarshal(doc, &cfg); err != nil {
		return cfg, false, err
	}
	return cfg, true, nil
}

// getObjectLockConfiguration answers the stored document; a bucket
// without Object Lock has none.
func (s *Server) getObjectLockConfiguration(c *call) error {
	return s.getBucketConfigDoc(c, objectLockConfig, "application/xml", func(string) error {
		return s3err.New(s3err.ObjectLockConfigurationNotFound).With("BucketName", c.bucket)
	})
}

// putObjectLockConfiguration replaces the bucket's configuration. Like
// PutBucketCors it needs an integrity check (the API reference marks
// Content-MD5 required). On a bucket without Object Lock it enables it, as
// S3 has allowed since November 2023, but only once versioning is Enabled:
// otherwise 409 InvalidBucketState.
func (s *Server) putObjectLockConfiguration(c *call) error {
	b, err := s.store.BucketInfo(c.r.Context(), c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	if err := requireIntegrityCheck(c, "PutObjectLockConfiguration"); err != nil {
		return err
	}
	var cfg objectLockConfiguration
	empty, err := readXML(c, &cfg)
	if err != nil {
		return err
	}
	if empty {
		return s3err.New(s3err.MalformedXML).WithDiagnosis("PutObjectLockConfiguration needs an <ObjectLockConfiguration> document")
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	_, enabled, err := s.bucketLock(c.r.Context(), c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	if !enabled && b.Versioning != store.VersioningEnabled {
		return s3err.Newf(s3err.InvalidBucketState, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration").
			WithDiagnosis("bucket %s has versioning %q; enable versioning before Object Lock", c.bucket, b.Versioning)
	}
	cfg.NS = s3NS
	if err := s.store.PutBucketConfig(c.r.Context(), c.bucket, objectLockConfig, cfg.marshal()); err != nil {
		return storeErr(c, err)
	}
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// lockForbidsSuspending refuses to suspend versioning on a bucket with
// Object Lock, whose protected versions need versioning.
func (s *Server) lockForbidsSuspending(c *call, status string) error {
	if status != store.VersioningSuspended {
		return nil
	}
	_, enabled, err := s.bucketLock(c.r.Context(), c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	if enabled {
		return s3err.Newf(s3err.InvalidBucketState, "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.")
	}
	return nil
}
