package store

import (
	"context"
	"errors"
	"net"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/stricts3/stricts3/internal/s3err"
)

// backendCode is the S3 error code the backend answered, "NotFound" for a
// HEAD's bare 404, or "" when the call failed before an answer.
func backendCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

func backendStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// fromBackend turns a backend failure into the store's error. The errors a
// Store defines pass as such; a slow, unreachable or overloaded backend is
// S3's 503 SlowDown (the client's SDK retries it), anything else a 500
// InternalError; both name the backend and what it said, never its keys.
// missing is the store error a 404 stands for in this call.
func (r *remoteStore) fromBackend(op string, err error, missing error) error {
	if err == nil {
		return nil
	}
	switch backendCode(err) {
	case "NoSuchBucket":
		return ErrNoSuchBucket
	case "NoSuchKey":
		return ErrNoSuchKey
	case "NoSuchUpload":
		return ErrNoSuchUpload
	case "InvalidPart":
		return ErrNoSuchPart
	case "PreconditionFailed":
		return ErrPreconditionFailed
	case "BucketAlreadyOwnedByYou", "BucketAlreadyExists":
		return ErrBucketExists
	case "BucketNotEmpty":
		return ErrBucketNotEmpty
	case "SlowDown", "ServiceUnavailable", "RequestTimeout":
		return r.slowDown(op, err)
	}
	status := backendStatus(err)
	switch {
	case status == http.StatusNotFound && missing != nil:
		return missing
	case status == http.StatusPreconditionFailed:
		return ErrPreconditionFailed
	case status == http.StatusServiceUnavailable:
		return r.slowDown(op, err)
	case status == 0 && isUnreachable(err):
		return r.slowDown(op, err)
	}
	return s3err.New(s3err.InternalError).WithDiagnosis("backend %s failed %s: %v", r.backend, op, err)
}

func (r *remoteStore) slowDown(op string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return s3err.New(s3err.SlowDown).WithDiagnosis("backend %s did not answer %s within %s (--backend-timeout)", r.backend, op, r.cfg.Timeout)
	}
	return s3err.New(s3err.SlowDown).WithDiagnosis("backend %s is unreachable or overloaded on %s: %v", r.backend, op, err)
}

// isUnreachable is a call that got no answer: refused, reset, timed out.
func isUnreachable(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) || errors.As(err, &oe)
}
