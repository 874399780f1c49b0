package emulator

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/stricts3/stricts3/internal/s3err"
)

// operation is one S3 API operation: its name (for logs), the IAM action the
// caller must be allowed, and the handler.
type operation struct {
	name string
	// action is checked against bucket/key before the handler runs; ""
	// means the handler authorizes itself (DeleteObjects, CopyObject's
	// source) or there is nothing to authorize.
	action string
	// unauthenticated operations skip Authenticate: CORS preflights, and
	// POST object uploads, whose form carries its own signature.
	unauthenticated bool
	run             func(s *Server, c *call) error
}

// ServeHTTP exists so an operation can be a mux route handler; the Server
// runs operations itself after authentication, never through this method.
func (o *operation) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "operation reached without the pipeline", http.StatusInternalServerError)
}

// implementedSubresources are the query keys that select an operation
// strictS3 implements.
var implementedSubresources = []string{"uploads", "uploadId", "delete", "location", "cors", "versioning", "versions", "attributes",
	"policy", "policyStatus", "publicAccessBlock", "ownershipControls", "object-lock", "retention", "legal-hold"}

// unimplementedSubresources select S3 operations strictS3 does not
// implement. They answer 501 NotImplemented and change nothing, except the
// few routed before the catch-all: Get/Put/DeleteObjectTagging and
// Get/PutBucketAcl, Get/PutObjectAcl (bucket ?tagging stays 501).
var unimplementedSubresources = []string{
	"accelerate", "acl", "analytics", "encryption", "intelligent-tiering",
	"inventory", "lifecycle", "logging", "metadataConfiguration",
	"metadataInventoryTable", "metadataJournalTable", "metadataTable", "metrics",
	"notification", "renameObject", "replication", "requestPayment", "restore",
	"select", "select-type", "session", "tagging", "torrent", "website",
}

var (
	methodNotAllowedOp = &operation{name: "MethodNotAllowed", run: (*Server).methodNotAllowed}
	noOperationOp      = &operation{name: "NoOperation", run: (*Server).noOperation}
)

func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	// The path is addressed by Server.address, not by mux: keys may hold
	// any byte sequence, "//" included, and must not be cleaned.
	r.SkipClean(true)
	add := func(level levelMatcher, method string, op *operation, extra ...mux.MatcherFunc) {
		rt := r.NewRoute().Name(op.name).MatcherFunc(mux.MatcherFunc(level)).Handler(op)
		if method != "" {
			rt.Methods(method)
		}
		for _, m := range extra {
			rt.MatcherFunc(m)
		}
	}
	op := func(name, action string, run func(*Server, *call) error) *operation {
		return &operation{name: name, action: action, run: run}
	}

	// CORS preflights are answered before anything else, unauthenticated.
	r.NewRoute().Name("Preflight").Methods(http.MethodOptions).
		Handler(&operation{name: "Preflight", unauthenticated: true, run: (*Server).preflight})

	// Plain object operations first: they are most requests, and they can
	// come first because every later route either names a sub-resource
	// (which these refuse) or addresses a bucket or the service, so the
	// order of the two groups changes no request's route, only how many
	// routes a PutObject or GetObject is tried against. Within the group,
	// order matters: CopyObject before PutObject, a versionId before none.
	add(isObject, http.MethodPut, op("CopyObject", "s3:PutObject", (*Server).copyObject), noSubresource, hasHeader("X-Amz-Copy-Source"))
	add(isObject, http.MethodPut, op("PutObject", "s3:PutObject", (*Server).putObject), noSubresource)
	add(isObject, http.MethodGet, op("GetObject", "s3:GetObjectVersion", (*Server).getObject), noSubresource, hasQuery("versionId"))
	add(isObject, http.MethodHead, op("HeadObject", "s3:GetObjectVersion", (*Server).headObject), noSubresource, hasQuery("versionId"))
	add(isObject, http.MethodDelete, op("DeleteObject", "s3:DeleteObjectVersion", (*Server).deleteObject), noSubresource, hasQuery("versionId"))
	add(isObject, http.MethodGet, op("GetObject", "s3:GetObject", (*Server).getObject), noSubresource)
	add(isObject, http.MethodHead, op("HeadObject", "s3:GetObject", (*Server).headObject), noSubresource)
	add(isObject, http.MethodDelete, op("DeleteObject", "s3:DeleteObject", (*Server).deleteObject), noSubresource)

	// The few operations on sub-resources otherwise unimplemented (object
	// ?tagging) come before the catch-all below, and only when no other
	// sub-resource is named with them. With ?versionId they ask for the
	// version's IAM action, as S3 does.
	add(isObject, http.MethodGet, op("GetObjectTagging", "s3:GetObjectVersionTagging", (*Server).getObjectTagging), onlySubresource("tagging"), hasQuery("versionId"))
	add(isObject, http.MethodPut, op("PutObjectTagging", "s3:PutObjectVersionTagging", (*Server).putObjectTagging), onlySubresource("tagging"), hasQuery("versionId"))
	add(isObject, http.MethodDelete, op("DeleteObjectTagging", "s3:DeleteObjectVersionTagging", (*Server).deleteObjectTagging), onlySubresource("tagging"), hasQuery("versionId"))
	add(isObject, http.MethodGet, op("GetObjectTagging", "s3:GetObjectTagging", (*Server).getObjectTagging), onlySubresource("tagging"))
	add(isObject, http.MethodPut, op("PutObjectTagging", "s3:PutObjectTagging", (*Server).putObjectTagging), onlySubresource("tagging"))
	add(isObject, http.MethodDelete, op("DeleteObjectTagging", "s3:DeleteObjectTagging", (*Server).deleteObjectTagging), onlySubresource("tagging"))
	add(isBucket, http.MethodGet, op("GetBucketAcl", "s3:GetBucketAcl", (*Server).getBucketACL), onlySubresource("acl"))
	add(isObject, http.MethodGet, op("GetObjectAcl", "s3:GetObjectAcl", (*Server).getObjectACL), onlySubresource("acl"))
	add(isBucket, http.MethodPut, op("PutBucketAcl", "s3:PutBucketAcl", (*Server).putACL), onlySubresource("acl"))
	add(isObject, http.MethodPut, op("PutObjectAcl", "s3:PutObjectAcl", (*Server).putACL), onlySubresource("acl"))

	// Unimplemented sub-resources, on any method, before the plain routes.
	notImpl := &operation{name: "NotImplemented", run: (*Server).notImplemented}
	r.NewRoute().Name(notImpl.name).MatcherFunc(notService).
		MatcherFunc(anyUnimplementedSubresource).Handler(notImpl)

	// Service.
	add(isService, http.MethodGet, op("ListBuckets", "s3:ListAllMyBuckets", (*Server).listBuckets), noSubresource)

	// Bucket sub-resources.
	add(isBucket, http.MethodGet, op("GetBucketLocation", "s3:GetBucketLocation", (*Server).getBucketLocation), hasQuery("location"))
	add(isBucket, http.MethodGet, op("ListMultipartUploads", "s3:ListBucketMultipartUploads", (*Server).listMultipartUploads), hasQuery("uploads"))
	add(isBucket, http.MethodPost, op("DeleteObjects", "", (*Server).deleteObjects), hasQuery("delete"))
	add(isBucket, http.MethodPut, op("PutBucketCors", "s3:PutBucketCORS", (*Server).putBucketCors), hasQuery("cors"))
	add(isBucket, http.MethodGet, op("GetBucketCors", "s3:GetBucketCORS", (*Server).getBucketCors), hasQuery("cors"))
	add(isBucket, http.MethodDelete, op("DeleteBucketCors", "s3:PutBucketCORS", (*Server).deleteBucketCors), hasQuery("cors"))
	add(isBucket, http.MethodGet, op("GetBucketVersioning", "s3:GetBucketVersioning", (*Server).getBucketVersioning), hasQuery("versioning"))
	add(isBucket, http.MethodPut, op("PutBucketVersioning", "s3:PutBucketVersioning", (*Server).putBucketVersioning), hasQuery("versioning"))
	add(isBucket, http.MethodGet, op("ListObjectVersions", "s3:ListBucketVersions", (*Server).listObjectVersions), hasQuery("versions"))
	add(isBucket, http.MethodPut, op("PutBucketPolicy", "s3:PutBucketPolicy", (*Server).putBucketPolicy), hasQuery("policy"))
	add(isBucket, http.MethodGet, op("GetBucketPolicy", "s3:GetBucketPolicy", (*Server).getBucketPolicy), hasQuery("policy"))
	add(isBucket, http.MethodDelete, op("DeleteBucketPolicy", "s3:DeleteBucketPolicy", (*Server).deleteBucketPolicy), hasQuery("policy"))
	add(isBucket, http.MethodGet, op("GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", (*Server).getBucketPolicyStatus), hasQuery("policyStatus"))
	add(isBucket, http.MethodPut, op("PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock", (*Server).putPublicAccessBlock), hasQuery("publicAccessBlock"))
	add(isBucket, http.MethodGet, op("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", (*Server).getPublicAccessBlock), hasQuery("publicAccessBlock"))
	add(isBucket, http.MethodDelete, op("DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock", (*Server).deletePublicAccessBlock), hasQuery("publicAccessBlock"))
	add(isBucket, http.MethodGet, op("GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration", (*Server).getObjectLockConfiguration), hasQuery("object-lock"))
	add(isBucket, http.MethodPut, op("PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration", (*Server).putObjectLockConfiguration), hasQuery("object-lock"))
	add(isObject, http.MethodGet, op("GetObjectRetention", "s3:GetObjectRetention", (*Server).getObjectRetention), hasQuery("retention"))
	add(isObject, http.MethodPut, op("PutObjectRetention", "s3:PutObjectRetention", (*Server).putObjectRetention), hasQuery("retention"))
	add(isObject, http.MethodGet, op("GetObjectLegalHold", "s3:GetObjectLegalHold", (*Server).getObjectLegalHold), hasQuery("legal-hold"))
	add(isObject, http.MethodPut, op("PutObjectLegalHold", "s3:PutObjectLegalHold", (*Server).putObjectLegalHold), hasQuery("legal-hold"))
	add(isBucket, http.MethodGet, op("GetBucketOwnershipControls", "s3:GetBucketOwnershipControls", (*Server).getBucketOwnershipControls), hasQuery("ownershipControls"))
	add(isBucket, http.MethodPut, op("PutBucketOwnershipControls", "s3:PutBucketOwnershipControls", (*Server).putBucketOwnershipControls), hasQuery("ownershipControls"))
	add(isBucket, http.MethodDelete, op("DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls", (*Server).deleteBucketOwnershipControls), hasQuery("ownershipControls"))
	// Bucket.
	add(isBucket, http.MethodPut, op("CreateBucket", "s3:CreateBucket", (*Server).createBucket), noSubresource)
	add(isBucket, http.MethodHead, op("HeadBucket", "s3:ListBucket", (*Server).headBucket), noSubresource)
	add(isBucket, http.MethodDelete, op("DeleteBucket", "s3:DeleteBucket", (*Server).deleteBucket), noSubresource)
	add(isBucket, http.MethodGet, op("ListObjectsV2", "s3:ListBucket", (*Server).listObjectsV2), noSubresource, queryEquals("list-type", "2"))
	add(isBucket, http.MethodGet, op("ListObjects", "s3:ListBucket", (*Server).listObjectsV1), noSubresource)
	// A bucket POST without ?delete is a browser form upload.
	r.NewRoute().Name("PostObject").MatcherFunc(mux.MatcherFunc(isBucket)).Methods(http.MethodPost).
		MatcherFunc(noSubresource).
		Handler(&operation{name: "PostObject", unauthenticated: true, run: (*Server).postObject})

	// Multipart.
	add(isObject, http.MethodPost, op("CreateMultipartUpload", "s3:PutObject", (*Server).createMultipartUpload), hasQuery("uploads"))
	add(isObject, http.MethodPut, op("UploadPartCopy", "s3:PutObject", (*Server).uploadPartCopy), hasQuery("uploadId"), hasHeader("X-Amz-Copy-Source"))
	add(isObject, http.MethodPut, op("UploadPart", "s3:PutObject", (*Server).uploadPart), hasQuery("uploadId"))
	add(isObject, http.MethodPost, op("CompleteMultipartUpload", "s3:PutObject", (*Server).completeMultipartUpload), hasQuery("uploadId"))
	add(isObject, http.MethodDelete, op("AbortMultipartUpload", "s3:AbortMultipartUpload", (*Server).abortMultipartUpload), hasQuery("uploadId"))
	add(isObject, http.MethodGet, op("ListParts", "s3:ListMultipartUploadParts", (*Server).listParts), hasQuery("uploadId"))
	// Object.
	add(isObject, http.MethodGet, op("GetObjectAttributes", "s3:GetObjectVersionAttributes", (*Server).getObjectAttributes), onlySubresource("attributes"), hasQuery("versionId"))
	add(isObject, http.MethodGet, op("GetObjectAttributes", "s3:GetObjectAttributes", (*Server).getObjectAttributes), onlySubresource("attributes"))
	return r
}

// levelMatcher selects service, bucket or object requests.
type levelMatcher func(r *http.Request, m *mux.RouteMatch) bool

func isService(r *http.Request, _ *mux.RouteMatch) bool { return targetOf(r).bucket == "" }

func isBucket(r *http.Request, _ *mux.RouteMatch) bool {
	t := targetOf(r)
	return t.bucket != "" && t.key == ""
}

func isObject(r *http.Request, _ *mux.RouteMatch) bool {
	t := targetOf(r)
	return t.bucket != "" && t.key != ""
}

func notService(r *http.Request, _ *mux.RouteMatch) bool { return targetOf(r).bucket != "" }

// hasQuery matches requests whose query names name, with any value. A
// sub-resource is looked up in the request's set of them.
func hasQuery(name string) mux.MatcherFunc {
	if bit, ok := subresourceBits[name]; ok {
		return func(r *http.Request, _ *mux.RouteMatch) bool { return targetOf(r).sub&bit != 0 }
	}
	return func(r *http.Request, _ *mux.RouteMatch) bool {
		_, ok := targetOf(r).query[name]
		return ok
	}
}

// anyUnimplementedSubresource matches requests naming a sub-resource
// strictS3 does not implement.
func anyUnimplementedSubresource(r *http.Request, _ *mux.RouteMatch) bool {
	return targetOf(r).sub&anyUnimplemented != 0
}

func queryEquals(name, value string) mux.MatcherFunc {
	return func(r *http.Request, _ *mux.RouteMatch) bool {
		return targetOf(r).query.Get(name) == value
	}
}

func hasHeader(name string) mux.MatcherFunc {
	return func(r *http.Request, _ *mux.RouteMatch) bool { return r.Header.Get(name) != "" }
}

// onlySubresource matches requests that name sub-resource name and no
// other, implemented or not.
func onlySubresource(name string) mux.MatcherFunc {
	bit := subresourcesOf(name)
	return func(r *http.Request, _ *mux.RouteMatch) bool { return targetOf(r).sub == bit }
}

// noSubresource matches requests whose query selects no sub-resource, so a
// plain object or bucket handler can never receive ?tagging or ?acl.
func noSubresource(r *http.Request, _ *mux.RouteMatch) bool { return targetOf(r).sub == 0 }

// notImplemented answers a sub-resource strictS3 does not implement.
func (s *Server) notImplemented(c *call) error {
	var names []string
	for _, n := range unimplementedSubresources {
		if _, ok := c.query[n]; ok {
			names = append(names, "?"+n)
		}
	}
	c.op = c.r.Method + " " + strings.Join(names, " ")
	return s3err.New(s3err.NotImplemented).
		WithDiagnosis("strictS3 does not implement %s %s; nothing was changed", c.r.Method, strings.Join(names, " "))
}

// methodNotAllowed answers a method the addressed resource does not support.
func (s *Server) methodNotAllowed(c *call) error {
	rt := "OBJECT"
	switch {
	case c.bucket == "":
		rt = "SERVICE"
	case c.key == "":
		rt = "BUCKET"
	}
	return s3err.New(s3err.MethodNotAllowed).With("Method", c.r.Method).With("ResourceType", rt)
}

// noOperation answers a request no S3 operation strictS3 knows would take.
func (s *Server) noOperation(c *call) error {
	return s3err.New(s3err.NotImplemented).
		WithDiagnosis("no S3 operation matches %s %s?%s; nothing was changed", c.r.Method, c.r.URL.Path, c.r.URL.RawQuery)
}
