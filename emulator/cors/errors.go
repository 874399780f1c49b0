package cors

import "github.com/stricts3/stricts3/internal/s3err"

// ErrOriginMissing is S3's answer to an OPTIONS request without an Origin
// header, whether or not the bucket (or a configuration) exists: 400
// BadRequest "Insufficient information. Origin request header needed."
func ErrOriginMissing() *s3err.Error {
	return s3err.Newf(s3err.BadRequest, "Insufficient information. Origin request header needed.").
		WithDiagnosis("an OPTIONS request is a CORS preflight and must carry an Origin header")
}

// ErrBucketNotFound is the answer to a preflight for a bucket that does not
// exist: 403 AccessForbidden "CORSResponse: Bucket not found", with <Method>
// (requestMethod, or OPTIONS when none was sent) and <ResourceType>BUCKET.
func ErrBucketNotFound(requestMethod string) *s3err.Error {
	return s3err.Newf(s3err.AccessForbidden, "CORSResponse: Bucket not found").
		With(errElemMethod, methodOrOptions(requestMethod)).
		With(errElemRsType, string(ResourceBucket))
}

// ErrNotEnabled is the answer to a preflight for a bucket without a CORS
// configuration: 403 AccessForbidden "CORSResponse: CORS is not enabled for
// this bucket.", with <Method> (requestMethod, or OPTIONS when none was
// sent) and <ResourceType>BUCKET even when the URL names an object.
func ErrNotEnabled(requestMethod string) *s3err.Error {
	return s3err.Newf(s3err.AccessForbidden, "CORSResponse: CORS is not enabled for this bucket.").
		With(errElemMethod, methodOrOptions(requestMethod)).
		With(errElemRsType, string(ResourceBucket)).
		WithDiagnosis("the bucket has no CORS configuration; set one with PutBucketCors")
}

// ErrRequestMethodMissing is the answer to a preflight with an Origin but no
// Access-Control-Request-Method on a bucket that has a configuration: 400
// BadRequest "Invalid Access-Control-Request-Method: null". The wording is
// that of S3-compatible servers that copy S3 (not recorded from S3 itself).
func ErrRequestMethodMissing() *s3err.Error {
	return s3err.Newf(s3err.BadRequest, "Invalid Access-Control-Request-Method: null").
		WithDiagnosis("a CORS preflight must name the method of the actual request in Access-Control-Request-Method")
}

// ErrNoSuchConfiguration is GetBucketCors' answer for a bucket without a
// configuration: 404 NoSuchCORSConfiguration with <BucketName>.
func ErrNoSuchConfiguration(bucket string) *s3err.Error {
	return s3err.New(s3err.NoSuchCORSConfiguration).With("BucketName", bucket)
}

func methodOrOptions(m string) string {
	if m == "" {
		return "OPTIONS"
	}
	return m
}
