package s3err

import "net/http"

// The codes strictS3 answers with. Messages are the wire forms recorded from
// real S3 (see docs/aws-behavior.md §9 where the docs differ).
const (
	AccessControlListNotSupported      Code = "AccessControlListNotSupported"
	AccessDenied                       Code = "AccessDenied"
	AccessForbidden                    Code = "AccessForbidden"
	AuthorizationHeaderMalformed       Code = "AuthorizationHeaderMalformed"
	AuthorizationQueryParametersError  Code = "AuthorizationQueryParametersError"
	BadDigest                          Code = "BadDigest"
	BadRequest                         Code = "BadRequest"
	BucketAlreadyExists                Code = "BucketAlreadyExists"
	BucketAlreadyOwnedByYou            Code = "BucketAlreadyOwnedByYou"
	BucketNotEmpty                     Code = "BucketNotEmpty"
	EntityTooLarge                     Code = "EntityTooLarge"
	EntityTooSmall                     Code = "EntityTooSmall"
	ExpiredToken                       Code = "ExpiredToken"
	IllegalLocationConstraintException Code = "IllegalLocationConstraintException"
	IncompleteBody                     Code = "IncompleteBody"
	InternalError                      Code = "InternalError"
	InvalidAccessKeyID                 Code = "InvalidAccessKeyId"
	InvalidArgument                    Code = "InvalidArgument"
	InvalidBucketACLOwnership          Code = "InvalidBucketAclWithObjectOwnership" // name shortened to keep the table aligned
	InvalidBucketACLBlockPublic        Code = "InvalidBucketAclWithBlockPublicAccessError"
	InvalidBucketName                  Code = "InvalidBucketName"
	InvalidBucketState                 Code = "InvalidBucketState"
	InvalidChunkSizeError              Code = "InvalidChunkSizeError"
	InvalidDigest                      Code = "InvalidDigest"
	InvalidLocationConstraint          Code = "InvalidLocationConstraint"
	InvalidObjectState                 Code = "InvalidObjectState"
	InvalidPart                        Code = "InvalidPart"
	InvalidPartOrder                   Code = "InvalidPartOrder"
	InvalidPartNumber                  Code = "InvalidPartNumber"
	InvalidPolicyDocument              Code = "InvalidPolicyDocument"
	InvalidRange                       Code = "InvalidRange"
	InvalidRequest                     Code = "InvalidRequest"
	InvalidStorageClass                Code = "InvalidStorageClass"
	InvalidTag                         Code = "InvalidTag"
	InvalidToken                       Code = "InvalidToken"
	KeyTooLongError                    Code = "KeyTooLongError"
	MalformedPOSTRequest               Code = "MalformedPOSTRequest"
	MalformedPolicy                    Code = "MalformedPolicy" // message: the mistake's; the table's is a non-object document's
	MalformedTrailerError              Code = "MalformedTrailerError"
	MalformedACLError                  Code = "MalformedACLError"
	MalformedXML                       Code = "MalformedXML"
	MaxMessageLengthExceeded           Code = "MaxMessageLengthExceeded"
	MaxPostPreDataLengthExceeded       Code = "MaxPostPreDataLengthExceeded"
	MetadataTooLarge                   Code = "MetadataTooLarge"
	MethodNotAllowed                   Code = "MethodNotAllowed"
	MissingContentLength               Code = "MissingContentLength"
	MissingSecurityHeader              Code = "MissingSecurityHeader"
	NoSuchBucket                       Code = "NoSuchBucket"
	NoSuchBucketPolicy                 Code = "NoSuchBucketPolicy"
	NoSuchCORSConfiguration            Code = "NoSuchCORSConfiguration"
	NoSuchKey                          Code = "NoSuchKey"
	NoSuchObjectLockConfiguration      Code = "NoSuchObjectLockConfiguration"
	NoSuchPublicAccessBlock            Code = "NoSuchPublicAccessBlockConfiguration" // name shortened to keep the table aligned
	NoSuchUpload                       Code = "NoSuchUpload"
	NoSuchVersion                      Code = "NoSuchVersion"
	NotImplemented                     Code = "NotImplemented"
	NotModified                        Code = "NotModified"
	ObjectLockConfigurationNotFound    Code = "ObjectLockConfigurationNotFoundError" // name shortened to keep the table aligned
	OwnershipControlsNotFound          Code = "OwnershipControlsNotFoundError"       // name shortened to keep the table aligned
	PreconditionFailed                 Code = "PreconditionFailed"
	RequestTimeTooSkewed               Code = "RequestTimeTooSkewed"
	RequestTimeout                     Code = "RequestTimeout"
	SignatureDoesNotMatch              Code = "SignatureDoesNotMatch"
	SlowDown                           Code = "SlowDown"
	XAmzContentSHA256Mismatch          Code = "XAmzContentSHA256Mismatch"
)

type row struct {
	status  int
	message string
}

var table = map[Code]row{
	AccessControlListNotSupported:      {http.StatusBadRequest, "The bucket does not allow ACLs"},
	AccessDenied:                       {http.StatusForbidden, "Access Denied"},
	AccessForbidden:                    {http.StatusForbidden, "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."},
	AuthorizationHeaderMalformed:       {http.StatusBadRequest, "The authorization header is malformed."},
	AuthorizationQueryParametersError:  {http.StatusBadRequest, "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."},
	BadDigest:                          {http.StatusBadRequest, "The Content-MD5 you specified did not match what we received."},
	BadRequest:                         {http.StatusBadRequest, "Bad Request"},
	BucketAlreadyExists:                {http.StatusConflict, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."},
	BucketAlreadyOwnedByYou:            {http.StatusConflict, "Your previous request to create the named bucket succeeded and you already own it."},
	BucketNotEmpty:                     {http.StatusConflict, "The bucket you tried to delete is not empty"},
	EntityTooLarge:                     {http.StatusBadRequest, "Your proposed upload exceeds the maximum allowed size"},
	EntityTooSmall:                     {http.StatusBadRequest, "Your proposed upload is smaller than the minimum allowed size"},
	ExpiredToken:                       {http.StatusBadRequest, "The provided token has expired."},
	IllegalLocationConstraintException: {http.StatusBadRequest, "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."},
	IncompleteBody:                     {http.StatusBadRequest, "You did not provide the number of bytes specified by the Content-Length HTTP header"},
	InternalError:                      {http.StatusInternalServerError, "We encountered an internal error. Please try again."},
	InvalidAccessKeyID:                 {http.StatusForbidden, "The AWS Access Key Id you provided does not exist in our records."},
	InvalidArgument:                    {http.StatusBadRequest, "Invalid Argument"},
	InvalidBucketACLOwnership:          {http.StatusBadRequest, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"},
	InvalidBucketACLBlockPublic:        {http.StatusBadRequest, "Bucket cannot have public ACLs set with BlockPublicAccess enabled"},
	InvalidBucketName:                  {http.StatusBadRequest, "The specified bucket is not valid."},
	InvalidBucketState:                 {http.StatusConflict, "The request is not valid with the current state of the bucket."},
	InvalidChunkSizeError:              {http.StatusBadRequest, "Only the last chunk is allowed to have a size less than 8192 bytes"},
	InvalidDigest:                      {http.StatusBadRequest, "The Content-MD5 you specified was invalid."},
	InvalidLocationConstraint:          {http.StatusBadRequest, "The specified location-constraint is not valid"},
	InvalidObjectState:                 {http.StatusForbidden, "The operation is not valid for the object's storage class"},
	InvalidPart:                        {http.StatusBadRequest, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."},
	InvalidPartOrder:                   {http.StatusBadRequest, "The list of parts was not in ascending order. The parts list must be specified in order by part number."},
	InvalidPartNumber:                  {http.StatusRequestedRangeNotSatisfiable, "The requested partnumber is not satisfiable"},
	InvalidPolicyDocument:              {http.StatusBadRequest, "Invalid Policy"},
	InvalidRange:                       {http.StatusRequestedRangeNotSatisfiable, "The requested range is not satisfiable"},
	InvalidRequest:                     {http.StatusBadRequest, "Invalid Request"},
	InvalidStorageClass:                {http.StatusBadRequest, "The storage class you specified is not valid"},
	InvalidTag:                         {http.StatusBadRequest, "Your request contains tag input that is not valid. For example, your request might contain duplicate keys, keys or values that are too long, or system tags."},
	InvalidToken:                       {http.StatusBadRequest, "The provided token is malformed or otherwise invalid."},
	KeyTooLongError:                    {http.StatusBadRequest, "Your key is too long"},
	MalformedPOSTRequest:               {http.StatusBadRequest, "The body of your POST request is not well-formed multipart/form-data."},
	MalformedACLError:                  {http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema"},
	MalformedXML:                       {http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema"},
	MalformedTrailerError:              {http.StatusBadRequest, "The request contained trailing data that was not well-formed or did not conform to our published schema."},
	MaxMessageLengthExceeded:           {http.StatusBadRequest, "Your request was too big."},
	MaxPostPreDataLengthExceeded:       {http.StatusBadRequest, "Your POST request fields preceeding the upload file was too large."},
	MetadataTooLarge:                   {http.StatusBadRequest, "Your metadata headers exceed the maximum allowed metadata size."},
	MalformedPolicy:                    {http.StatusBadRequest, "Policies must be valid JSON and the first byte must be '{'"},
	MethodNotAllowed:                   {http.StatusMethodNotAllowed, "The specified method is not allowed against this resource."},
	MissingContentLength:               {http.StatusLengthRequired, "You must provide the Content-Length HTTP header."},
	MissingSecurityHeader:              {http.StatusBadRequest, "Your request is missing a required header."},
	NoSuchBucket:                       {http.StatusNotFound, "The specified bucket does not exist"},
	NoSuchCORSConfiguration:            {http.StatusNotFound, "The CORS configuration does not exist"},
	NoSuchBucketPolicy:                 {http.StatusNotFound, "The bucket policy does not exist"},
	NoSuchPublicAccessBlock:            {http.StatusNotFound, "The public access block configuration was not found"},
	NoSuchKey:                          {http.StatusNotFound, "The specified key does not exist."},
	NoSuchObjectLockConfiguration:      {http.StatusNotFound, "The specified object does not have a ObjectLock configuration"},
	NoSuchUpload:                       {http.StatusNotFound, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."},
	NoSuchVersion:                      {http.StatusNotFound, "The specified version does not exist."},
	NotImplemented:                     {http.StatusNotImplemented, "A header you provided implies functionality that is not implemented"},
	NotModified:                        {http.StatusNotModified, "Not Modified"},
	OwnershipControlsNotFound:          {http.StatusNotFound, "The bucket ownership controls were not found"},
	ObjectLockConfigurationNotFound:    {http.StatusNotFound, "Object Lock configuration does not exist for this bucket"},
	PreconditionFailed:                 {http.StatusPreconditionFailed, "At least one of the pre-conditions you specified did not hold"},
	RequestTimeTooSkewed:               {http.StatusForbidden, "The difference between the request time and the current time is too large."},
	RequestTimeout:                     {http.StatusBadRequest, "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed."},
	SignatureDoesNotMatch:              {http.StatusForbidden, "The request signature we calculated does not match the signature you provided. Check your key and signing method."},
	SlowDown:                           {http.StatusServiceUnavailable, "Please reduce your request rate."},
	XAmzContentSHA256Mismatch:          {http.StatusBadRequest, "The provided 'x-amz-content-sha256' header does not match what was computed."},
}
