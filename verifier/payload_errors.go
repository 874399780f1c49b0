package verifier

import (
	"fmt"
	"strconv"

	"github.com/stricts3/stricts3/internal/s3err"
)

// The payload errors, with the wire forms S3 answers. The spec (§8) pins
// IncompleteBody's Content-Length message; "The request body terminated
// unexpectedly" is in an S3 wire log (aws/aws-sdk-java-v2#180), and
// NumberBytesExpected/NumberBytesProvided are what OpenStack Swift's s3api
// functional tests, written against AWS, assert for a length mismatch. The
// chunk and trailer errors follow S3 bodies quoted in public issues. Each
// takes a diagnosis for humans that never reaches the XML.

// msgTerminated is S3's IncompleteBody wording for broken aws-chunked
// framing, as opposed to the table's Content-Length wording used for length
// mismatches.
const msgTerminated = "The request body terminated unexpectedly"

func errTerminated(format string, args ...any) *s3err.Error {
	return s3err.Newf(s3err.IncompleteBody, msgTerminated).WithDiagnosis(format, args...)
}

// errLength is the declared-versus-received mismatch: S3 names both counts.
func errLength(expected, provided int64, format string, args ...any) *s3err.Error {
	return s3err.New(s3err.IncompleteBody).
		With("NumberBytesExpected", strconv.FormatInt(expected, 10)).
		With("NumberBytesProvided", strconv.FormatInt(provided, 10)).
		WithDiagnosis(format, args...)
}

// errChunkSize reports a non-final chunk under 8 KiB. S3 notices it when the
// next chunk starts, and names that next chunk's number with the small size.
func errChunkSize(chunk int, badSize int64) *s3err.Error {
	return s3err.New(s3err.InvalidChunkSizeError).
		With("Chunk", strconv.Itoa(chunk)).
		With("BadChunkSize", strconv.FormatInt(badSize, 10)).
		WithDiagnosis("chunk %d has %d bytes and is followed by chunk %d; every chunk but the last must hold at least %d bytes",
			chunk-1, badSize, chunk, minChunkSize)
}

func errMalformedTrailer(format string, args ...any) *s3err.Error {
	return s3err.New(s3err.MalformedTrailerError).WithDiagnosis(format, args...)
}

func errChecksumValue(alg string, trailing bool) *s3err.Error {
	where := "header"
	if trailing {
		where = "trailing header"
	}
	return s3err.Newf(s3err.InvalidRequest, "Value for %s %s is invalid.", checksumHeader(alg), where).
		WithDiagnosis("a %s checksum is the base64 of %d bytes", alg, checksumSize(alg))
}

func errChecksumMismatch(alg, supplied, computed string) *s3err.Error {
	return s3err.Newf(s3err.BadDigest, "The %s you specified did not match the calculated checksum.", alg).
		WithDiagnosis("%s sent %s, body has %s", checksumHeader(alg), supplied, computed)
}

func errSignature(format string, args ...any) *s3err.Error {
	return s3err.New(s3err.SignatureDoesNotMatch).WithDiagnosis(format, args...)
}

func errInternal(format string, args ...any) *s3err.Error {
	return s3err.New(s3err.InternalError).WithDiagnosis(format, args...)
}

// describeChunk names a chunk for diagnoses: "chunk 3", "final chunk 4".
func describeChunk(index int, size int64) string {
	if size == 0 {
		return fmt.Sprintf("final (zero-length) chunk %d", index)
	}
	return fmt.Sprintf("chunk %d (%d bytes)", index, size)
}
