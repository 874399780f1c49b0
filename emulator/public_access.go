package emulator

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
)

// PublicAccessBlock is S3 Block Public Access: four switches that
// override what bucket policies and ACLs would otherwise make public.
// BlockPublicAcls refuses a public ACL on a bucket with ACLs enabled;
// IgnorePublicAcls voids the grants to AllUsers and AuthenticatedUsers;
// BlockPublicPolicy refuses a public bucket
// policy (403 AccessDenied), and RestrictPublicBuckets limits a public
// policy to the bucket owner's account, anonymous callers and other
// accounts excluded.
type PublicAccessBlock struct {
	BlockPublicAcls       bool `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool `xml:"RestrictPublicBuckets"`
}

// BlockAllPublicAccess is what S3 sets on every new bucket since April
// 2023, and what strictS3 sets on buckets CreateBucket makes: a public
// bucket policy needs DeletePublicAccessBlock (or a Put turning
// BlockPublicPolicy off) first, as on S3.
var BlockAllPublicAccess = PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}

// publicAccessConfig is the bucket configuration holding the bucket's
// PublicAccessBlock document.
const publicAccessConfig = "publicAccessBlock"

type publicAccessBlockXML struct {
	XMLName xml.Name `xml:"PublicAccessBlockConfiguration"`
	NS      string   `xml:"xmlns,attr,omitempty"`
	PublicAccessBlock
}

func (p PublicAccessBlock) or(q PublicAccessBlock) PublicAccessBlock {
	return PublicAccessBlock{
		BlockPublicAcls:       p.BlockPublicAcls || q.BlockPublicAcls,
		IgnorePublicAcls:      p.IgnorePublicAcls || q.IgnorePublicAcls,
		BlockPublicPolicy:     p.BlockPublicPolicy || q.BlockPublicPolicy,
		RestrictPublicBuckets: p.RestrictPublicBuckets || q.RestrictPublicBuckets,
	}
}

func (p PublicAccessBlock) marshal() []byte {
	b, _ := xml.Marshal(publicAccessBlockXML{NS: s3NS, PublicAccessBlock: p})
	return b
}

// bucketPublicAccessBlock is the bucket's own setting, if it has one.
func (s *Server) bucketPublicAccessBlock(ctx context.Context, bucket string) (PublicAccessBlock, bool, error) {
	doc, err := s.store.GetBucketConfig(ctx, bucket, publicAccessConfig)
	switch {
	case errors.Is(err, store.ErrNoSuchBucketConfig):
		return PublicAccessBlock{}, false, nil
	case err != nil:
		return PublicAccessBlock{}, false, err
	}
	pab, err := s.publicAccess.parse(bucket, doc, func(doc []byte) (PublicAccessBlock, error) {
		var x publicAccessBlockXML
		err := xml.Unmarshal(doc, &x)
		return x.PublicAccessBlock, err
	})
	return pab, err == nil, err
}

// effectivePublicAccessBlock combines the bucket's setting with the
// account-wide one, as S3 does: a switch on at either level is on.
func (s *Server) effectivePublicAccessBlock(ctx context.Context, bucket string) (PublicAccessBlock, error) {
	own, _, err := s.bucketPublicAccessBlock(ctx, bucket)
	return own.or(s.accountPublicAccess), err
}

func (s *Server) putPublicAccessBlock(c *call) error {
	var x publicAccessBlockXML
	empty, err := readXML(c, &x)
	if err != nil {
		return err
	}
	if empty {
		return s3err.New(s3err.MalformedXML).WithDiagnosis("PutPublicAccessBlock needs a PublicAccessBlockConfiguration document")
	}
	if err := s.store.PutBucketConfig(c.r.Context(), c.bucket, publicAccessConfig, x.PublicAccessBlock.marshal()); err != nil {
		return storeErr(c, err)
	}
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) getPublicAccessBlock(c *call) error {
	p, ok, err := s.bucketPublicAccessBlock(c.r.Context(), c.bucket)
	if err != nil {
		return storeErr(c, err)
	}
	if !ok {
		return s3err.New(s3err.NoSuchPublicAccessBlock).With("BucketName", c.bucket)
	}
	return writeXML(c, publicAccessBlockXML{NS: s3NS, PublicAccessBlock: p})
}

func (s *Server) deletePublicAccessBlock(c *call) error {
	return s.deleteBucketConfigDoc(c, publicAccessConfig)
}
