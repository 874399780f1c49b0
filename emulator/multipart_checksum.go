package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// uploadChecksumSpec reads CreateMultipartUpload's x-amz-checksum-algorithm
// and x-amz-checksum-type into the upload's checksum settings (Value
// empty), or nil when the upload names no algorithm. The type defaults to
// FULL_OBJECT for CRC64NVME, which S3 allows only that way, and COMPOSITE
// for the others; SHA digests cannot be combined into a FULL_OBJECT value.
func uploadChecksumSpec(h http.Header) (*store.Checksum, error) {
	alg, err := checksumAlgorithmHeader(h)
	if err != nil {
		return nil, err
	}
	typeVals, hasType := h["X-Amz-Checksum-Type"]
	if hasType && alg == "" {
		return nil, s3err.Newf(s3err.InvalidRequest, "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
	}
	if alg == "" {
		return nil, nil
	}
	typ := checksumComposite
	if alg == verifier.CRC64NVME {
		typ = checksumFullObject
	}
	if hasType {
		typ = strings.ToUpper(strings.TrimSpace(typeVals[0]))
		if (typ != checksumComposite && typ != checksumFullObject) || len(typeVals) > 1 {
			return nil, s3err.Newf(s3err.InvalidRequest, "Value for x-amz-checksum-type header is invalid.").
				WithDiagnosis("x-amz-checksum-type is COMPOSITE or FULL_OBJECT, got %q", strings.Join(typeVals, ", "))
		}
	}
	switch {
	case typ == checksumComposite && alg == verifier.CRC64NVME:
		return nil, s3err.Newf(s3err.InvalidRequest, "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.")
	case typ == checksumFullObject && (alg == verifier.SHA1 || alg == verifier.SHA256):
		return nil, s3err.Newf(s3err.InvalidRequest, "The FULL_OBJECT checksum type cannot be used with the %s checksum algorithm.", strings.ToLower(alg))
	}
	return &store.Checksum{Algorithm: alg, Type: typ}, nil
}

// uploadSpec is the upload's checksum settings, nil when it has none.
func uploadSpec(u store.UploadInfo) *store.Checksum {
	if ck := u.Meta.Checksum; ck != nil && ck.Algorithm != "" {
		return ck
	}
	return nil
}

// checkPartAlgorithm is S3's rule for UploadPart on an upload created with
// a checksum algorithm: the part must carry a checksum of that algorithm
// (header or trailer; got is the one it declares), checked before any byte
// is read.
func checkPartAlgorithm(got string, spec *store.Checksum) error {
	if spec == nil || got == spec.Algorithm {
		return nil
	}
	actual := "null"
	if got != "" {
		actual = strings.ToLower(got)
	}
	return s3err.Newf(s3err.InvalidRequest, "Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s",
		strings.ToLower(spec.Algorithm), actual).
		WithDiagnosis("the upload was created with x-amz-checksum-algorithm %s; every part must send x-amz-checksum-%s (header or trailer)",
			spec.Algorithm, strings.ToLower(spec.Algorithm))
}

// objectChecksumHeader is an x-amz-checksum-<alg> header sent with
// CompleteMultipartUpload: the client's idea of the final object checksum.
type objectChecksumHeader struct {
	alg, value string
}

// takeObjectChecksumHeader reads and removes CompleteMultipartUpload's
// object checksum header, so the verifier does not take it for a checksum
// of the XML request body. A COMPOSITE value may end in "-<parts>".
func takeObjectChecksumHeader(h http.Header) (*objectChecksumHeader, error) {
	var found []objectChecksumHeader
	for name, vals := range h {
		if alg, ok := verifier.ChecksumAlgorithmOf(name); ok {
			for _, v := range vals {
				found = append(found, objectChecksumHeader{alg: alg, value: v})
			}
			delete(h, name)
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
	default:
		return nil, s3err.Newf(s3err.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
	}
	oc := found[0]
	digest, _, ok := compositeValue(oc.value)
	if !ok || !verifier.ValidChecksumValue(oc.alg, digest) {
		return nil, s3err.Newf(s3err.InvalidRequest, "Value for %s header is invalid.", strings.ToLower(checksumHeaderName(oc.alg))).
			WithDiagnosis("%q is not the base64 of a %s digest, optionally followed by -<number of parts>", oc.value, oc.alg)
	}
	return &oc, nil
}

// checkCompletePartChecksums applies S3's rules to the Checksum<ALG>
// elements of one <Part> of CompleteMultipartUpload, given the stored part.
func checkCompletePartChecksums(uploadID string, spec *store.Checksum, listed checksumElems, etag string, stored store.PartInfo) error {
	algs, vals := listed.values()
	invalidPart := s3err.New(s3err.InvalidPart).With("UploadId", uploadID).
		With("PartNumber", strconv.Itoa(stored.PartNumber)).With("ETag", strings.Trim(etag, `"`))
	if len(algs) > 1 || (len(algs) == 1 && !verifier.ValidChecksumValue(algs[0], vals[0])) {
		var arg strings.Builder
		for i := range algs {
			fmt.Fprintf(&arg, "%s:%s;", algs[i], vals[i])
		}
		return s3err.Newf(s3err.InvalidArgument, "Invalid Base64 or multiple checksums present in request").
			With("ArgumentName", "Checksum").With("ArgumentValue", arg.String())
	}
	if spec == nil {
		if len(algs) > 0 {
			return invalidPart.WithDiagnosis("part %d lists a %s checksum, but the upload was created without x-amz-checksum-algorithm",
				stored.PartNumber, algs[0])
		}
		return nil
	}
	want := *listed.field(spec.Algorithm)
	if want == "" {
		if spec.Type != checksumComposite {
			return nil // FULL_OBJECT parts need not be listed with their checksums
		}
		if len(algs) > 0 {
			return s3err.Newf(s3err.BadDigest, "The %s you specified for part %d did not match what we received.",
				strings.ToLower(algs[0]), stored.PartNumber)
		}
		return s3err.Newf(s3err.InvalidRequest, "The upload was created using a %s checksum. The complete request must include the checksum for each part. It was missing for part %d in the request.",
			strings.ToLower(spec.Algorithm), stored.PartNumber)
	}
	if stored.Checksum == nil || stored.Checksum.Value != want {
		got := "none"
		if stored.Checksum != nil {
			got = stored.Checksum.Value
		}
		return invalidPart.WithDiagnosis("part %d was uploaded with %s %s, the request lists %s",
			stored.PartNumber, spec.Algorithm, got, want)
	}
	return nil
}

// finalChecksum is the checksum of the object CompleteMultipartUpload
// assembles from parts: per the upload's settings, COMPOSITE (the digest of
// the part digests, "-N") or FULL_OBJECT (the part CRCs combined). An
// upload without an algorithm gets S3's default full-object CRC64NVME when
// every part has one (UploadPart keeps one for every part of such an
// upload; only parts stored before that rule lack it, and then the object
// has no checksum).
func finalChecksum(spec *store.Checksum, parts []store.PartInfo) (*store.Checksum, error) {
	alg, typ := verifier.CRC64NVME, checksumFullObject
	if spec != nil {
		alg, typ = spec.Algorithm, spec.Type
	}
	vals := make([]string, len(parts))
	crcParts := make([]verifier.ChecksumPart, len(parts))
	for i, p := range parts {
		if p.Checksum == nil || p.Checksum.Algorithm != alg || p.Checksum.Value == "" {
			if spec == nil {
				return nil, nil
			}
			return nil, fmt.Errorf("part %d has no stored %s checksum", p.PartNumber, alg)
		}
		vals[i] = p.Checksum.Value
		crcParts[i] = verifier.ChecksumPart{Value: p.Checksum.Value, Size: p.Size}
	}
	var v string
	var err error
	if typ == checksumComposite {
		v, err = verifier.CompositeChecksum(alg, vals)
	} else {
		v, err = verifier.FullObjectChecksum(alg, crcParts)
	}
	if err != nil {
		return nil, err
	}
	return &store.Checksum{Algorithm: alg, Value: v, Type: typ}, nil
}

// checkObjectChecksumHeader compares CompleteMultipartUpload's
// x-amz-checksum-<alg> with the computed final checksum. For a COMPOSITE
// object the "-N" suffix is optional but, when sent, must be the part count.
// S3 spells the algorithm in lower case in this message.
func checkObjectChecksumHeader(oc *objectChecksumHeader, spec, final *store.Checksum) error {
	if oc == nil || spec == nil || final == nil {
		return nil
	}
	if oc.alg != spec.Algorithm {
		return s3err.Newf(s3err.InvalidRequest, "Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s",
			strings.ToLower(spec.Algorithm), strings.ToLower(oc.alg))
	}
	mismatch := s3err.Newf(s3err.BadDigest, "The %s you specified did not match the calculated checksum.", strings.ToLower(oc.alg)).
		WithDiagnosis("%s is %s, the request says %s", checksumHeaderName(oc.alg), final.Value, oc.value)
	if final.Type == checksumComposite {
		wantDigest, wantN, _ := compositeValue(final.Value)
		digest, n, _ := compositeValue(oc.value)
		if digest != wantDigest || (n != -1 && n != wantN) {
			return mismatch
		}
		return nil
	}
	if oc.value != final.Value {
		return mismatch
	}
	return nil
}

// checkChecksumTypeHeader is CompleteMultipartUpload's x-amz-checksum-type,
// which must repeat the upload's type.
func checkChecksumTypeHeader(h http.Header, spec *store.Checksum) error {
	v := headerGet(h, "X-Amz-Checksum-Type")
	if v == "" || spec == nil || strings.EqualFold(v, spec.Type) {
		return nil
	}
	return s3err.Newf(s3err.InvalidRequest, "The upload was created using the %s checksum mode. The complete request must use the same checksum mode.", spec.Type).
		WithDiagnosis("x-amz-checksum-type is %s", v)
}

// checkMPObjectSize is x-amz-mp-object-size: when sent, the object size the
// client expects.
func checkMPObjectSize(h http.Header, total int64) error {
	v, ok := h["X-Amz-Mp-Object-Size"]
	if !ok {
		return nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v[0]), 10, 64)
	if err != nil || n < 0 {
		return s3err.Newf(s3err.InvalidRequest, "Value for x-amz-mp-object-size header is invalid.")
	}
	if n != total {
		return s3err.Newf(s3err.InvalidRequest, "The provided 'x-amz-mp-object-size' header value %d does not match what was computed: %d", n, total)
	}
	return nil
}
