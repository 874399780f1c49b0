package emulator

import (
	"encoding/base64"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// The two kinds of object checksum S3 reports in x-amz-checksum-type.
const (
	checksumFullObject = "FULL_OBJECT"
	checksumComposite  = "COMPOSITE"
)

// checksumHeaderName is the header (and trailer) carrying alg's value:
// X-Amz-Checksum-Crc32 for CRC32.
func checksumHeaderName(alg string) string {
	// Every upload and every GET with checksum mode asks: the algorithms S3
	// knows are answered without building the name.
	switch alg {
	case "CRC32":
		return "X-Amz-Checksum-Crc32"
	case "CRC32C":
		return "X-Amz-Checksum-Crc32c"
	case "CRC64NVME":
		return "X-Amz-Checksum-Crc64nvme"
	case "SHA1":
		return "X-Amz-Checksum-Sha1"
	case "SHA256":
		return "X-Amz-Checksum-Sha256"
	}
	return http.CanonicalHeaderKey("x-amz-checksum-" + strings.ToLower(alg))
}

// hasIntegrityCheck reports whether a request carries what S3 demands of
// DeleteObjects and PutBucketCors: Content-MD5, or an x-amz-checksum-*
// value in a header or announced in x-amz-trailer. A header that only names
// an algorithm (x-amz-sdk-checksum-algorithm, x-amz-checksum-algorithm)
// vouches for nothing. The payload checks verify the value itself.
func hasIntegrityCheck(h http.Header) bool {
	return headerGet(h, "Content-Md5") != "" || declaredChecksumAlg(h) != ""
}

// requireIntegrityCheck is S3's answer to a request of operation opName
// that lacks the integrity check hasIntegrityCheck looks for.
func requireIntegrityCheck(c *call, opName string) error {
	if hasIntegrityCheck(c.r.Header) {
		return nil
	}
	return s3err.Newf(s3err.InvalidRequest, "Missing required header for this request: Content-MD5").
		WithDiagnosis("%s needs Content-MD5 or an x-amz-checksum-* header or trailer", opName)
}

// declaredChecksumAlg is the algorithm whose value the request body carries,
// in an x-amz-checksum-* header or announced in x-amz-trailer; "" when it
// carries none. The verifier has already rejected contradictory or
// malformed declarations by the time the emulator asks.
func declaredChecksumAlg(h http.Header) string {
	for name := range h {
		if alg, ok := verifier.ChecksumAlgorithmOf(name); ok {
			return alg
		}
	}
	if alg, ok := verifier.ChecksumAlgorithmOf(strings.TrimSpace(headerGet(h, "X-Amz-Trailer"))); ok {
		return alg
	}
	return ""
}

// declaredChecksumAlg is declaredChecksumAlg of the request's headers, else
// of a pre-signed URL's query (where S3 computes the named algorithm).
func (c *call) declaredChecksumAlg() string {
	if alg := declaredChecksumAlg(c.r.Header); alg != "" || c.auth == nil {
		return alg
	}
	return declaredChecksumAlg(c.auth.QueryHeaders)
}

// checksumOnEOF passes a verified body through to a store and, when the
// body reaches io.EOF cleanly, copies its checksum into dst. The stores read
// the metadata only after the body returned io.EOF (store.Store's contract:
// a write commits only then), so dst, already referenced by the metadata
// handed to the store, carries the value in time.
type checksumOnEOF struct {
	body *verifier.Body
	dst  *store.Checksum
	typ  string
	// size is the request's declared payload length, -1 for none.
	size int64
}

func (r *checksumOnEOF) Read(p []byte) (int, error) {
	n, err := r.body.Read(p)
	if err == io.EOF {
		if sum := r.body.Checksum(); sum != nil {
			*r.dst = store.Checksum{Algorithm: sum.Algorithm, Value: sum.Value, Type: r.typ}
		}
	}
	return n, err
}

// MD5 makes checksumOnEOF a store.HashedBody: the verified body has already
// hashed the bytes for the ETag.
func (r *checksumOnEOF) MD5() []byte { return r.body.MD5() }

// ExpectedSize makes checksumOnEOF a store.SizedBody, so a memory store
// allocates the body once.
func (r *checksumOnEOF) ExpectedSize() int64 { return r.size }

var (
	_ store.HashedBody = (*checksumOnEOF)(nil)
	_ store.SizedBody  = (*checksumOnEOF)(nil)
	_ store.SizedBody  = (*hashOnEOF)(nil)
)

// hashOnEOF is checksumOnEOF for bytes the server reads itself (a copy
// source): it computes dst.Algorithm over what passes through and writes the
// base64 digest into dst.Value at io.EOF.
type hashOnEOF struct {
	r    io.Reader
	h    hash.Hash
	dst  *store.Checksum
	size int64
}

func newHashOnEOF(r io.Reader, dst *store.Checksum) *hashOnEOF {
	h, ok := verifier.NewChecksumHash(dst.Algorithm)
	if !ok {
		dst.Algorithm = verifier.CRC64NVME
		h, _ = verifier.NewChecksumHash(dst.Algorithm)
	}
	return &hashOnEOF{r: r, h: h, dst: dst, size: -1}
}

// withSize sets the length r is known to have (a copy source's, a
// request's declared one), for store.SizedBody.
func (r *hashOnEOF) withSize(n int64) *hashOnEOF {
	r.size = n
	return r
}

func (r *hashOnEOF) ExpectedSize() int64 { return r.size }

func (r *hashOnEOF) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	if err == io.EOF {
		r.dst.Value = base64.StdEncoding.EncodeToString(r.h.Sum(nil))
	}
	return n, err
}

// setChecksumHeaders writes x-amz-checksum-<alg> and x-amz-checksum-type.
func setChecksumHeaders(h http.Header, ck *store.Checksum) {
	if ck == nil || ck.Value == "" {
		return
	}
	hs := newHeaderSet(h, 2)
	hs.setChecksum(ck)
}

// setChecksum is setChecksumHeaders into a set the caller sizes, so a
// response's other headers share its array.
func (s *headerSet) setChecksum(ck *store.Checksum) {
	if ck == nil || ck.Value == "" {
		return
	}
	s.set(checksumHeaderName(ck.Algorithm), ck.Value)
	s.setIf("X-Amz-Checksum-Type", ck.Type)
}

// checksumModeEnabled reads x-amz-checksum-mode: only ENABLED is valid.
// S3 answers any other value with InvalidRequest (a HEAD shows the status
// alone, having no body).
func checksumModeEnabled(h http.Header) (bool, error) {
	v, ok := h["X-Amz-Checksum-Mode"]
	if !ok {
		return false, nil
	}
	if len(v) != 1 || v[0] != "ENABLED" {
		return false, s3err.Newf(s3err.InvalidRequest, "Value for x-amz-checksum-mode header is invalid.").
			WithDiagnosis("x-amz-checksum-mode must be ENABLED, got %q", strings.Join(v, ", "))
	}
	return true, nil
}

// readChecksum is the checksum a GET or HEAD returns with
// x-amz-checksum-mode: ENABLED, or nil. S3 returns a checksum only for
// exactly the bytes it sends: the whole object (also as a 206 to a Range
// covering all of it, or ?partNumber=1 of a simple object), or one part of
// a COMPOSITE multipart object (that part's own checksum). A partial range,
// or a part of a FULL_OBJECT multipart object, gets none: there is no
// checksum of those bytes to give.
func readChecksum(info store.ObjectInfo, rng *store.Range, partNumber int) *store.Checksum {
	ck := info.Meta.Checksum
	if ck == nil || ck.Value == "" {
		return nil
	}
	switch {
	case partNumber > 0 && info.PartsCount() > 0:
		if ck.Type != checksumComposite || partNumber > len(info.PartChecksums) || info.PartChecksums[partNumber-1] == "" {
			return nil
		}
		return &store.Checksum{Algorithm: ck.Algorithm, Value: info.PartChecksums[partNumber-1], Type: checksumComposite}
	case rng != nil && (rng.Start != 0 || rng.Length != info.Size):
		return nil
	}
	return ck
}

// compositeValue splits a COMPOSITE value "digest-N" into its parts; n is
// -1 when there is no "-N" suffix.
func compositeValue(v string) (digest string, n int, ok bool) {
	d, suffix, has := strings.Cut(v, "-")
	if !has {
		return v, -1, true
	}
	n, err := strconv.Atoi(suffix)
	if err != nil || n < 1 || strconv.Itoa(n) != suffix {
		return "", 0, false
	}
	return d, n, true
}

// checksumAlgorithmHeader reads x-amz-checksum-algorithm (CreateMultipartUpload,
// CopyObject): "" when absent, else one of S3's algorithms, any case.
func checksumAlgorithmHeader(h http.Header) (string, error) {
	v, ok := h["X-Amz-Checksum-Algorithm"]
	if !ok {
		return "", nil
	}
	alg := strings.ToUpper(strings.TrimSpace(v[0]))
	if _, known := verifier.NewChecksumHash(alg); !known || len(v) > 1 {
		return "", s3err.Newf(s3err.InvalidRequest,
			"Checksum algorithm provided is unsupported. Please try again with any of the valid types: [%s]",
			strings.Join(verifier.ChecksumAlgorithms(), ", ")).
			WithDiagnosis("x-amz-checksum-algorithm %q", strings.Join(v, ", "))
	}
	return alg, nil
}
