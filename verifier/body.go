package verifier

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// Body is the verified payload of a request: reading it yields the bytes the
// client meant to store (aws-chunked framing removed), and the read that
// would return io.EOF instead returns an *s3err.Error when the payload does
// not match what the request declared. Framing errors surface as soon as
// they are seen. Callers that store data must treat any error, including at
// EOF, as "store nothing".
//
// Body computes the MD5 of the payload in any case (the ETag of a simple
// upload) and one additional checksum (the one the client named, else S3's
// default CRC64NVME), so the caller never hashes the data a second time.
type Body struct {
	src  io.Reader
	dec  *chunkDecoder // nil for bodies that are not aws-chunked
	mode PayloadMode
	opts bodyOptions

	// contentLength is r.ContentLength, for the plain-body short-read error.
	contentLength int64

	sha     hash.Hash // x-amz-content-sha256 as a literal digest
	wantSHA string

	md5        hash.Hash
	contentMD5 []byte // decoded Content-MD5, nil when not sent

	alg         string    // checksum algorithm computed
	sum         hash.Hash // its running digest
	wantSum     string    // value from an x-amz-checksum-* header
	fromTrailer bool      // the value arrives in the trailer

	n        int64
	err      error
	checksum *Checksum
	md5Sum   []byte
}

// BodyOption adjusts how Body reports what it finds.
type BodyOption func(*bodyOptions)

type bodyOptions struct {
	expectedDigestBase64 bool
	// report takes integrity failures in warn-only mode (see WarnOnly).
	report func(*s3err.Error)
}

// ExpectedDigestBase64 makes a Content-MD5 mismatch report ExpectedDigest in
// base64, as S3 does for UploadPart. Without it ExpectedDigest is hex, as S3
// reports it for PutObject.
func ExpectedDigestBase64() BodyOption {
	return func(o *bodyOptions) { o.expectedDigestBase64 = true }
}

// Body wraps r.Body for the checks res.Payload and r's headers call for.
// Checks that need only headers (Content-MD5 and checksum syntax,
// x-amz-decoded-content-length, x-amz-trailer) fail here, before any byte is
// read; the rest fail on Read.
func (v *Verifier) Body(r *http.Request, res *Result, opts ...BodyOption) (*Body, error) {
	if res == nil {
		res = &Result{}
	}
	b := &Body{mode: res.Payload.Mode, contentLength: r.ContentLength, md5: md5.New()}
	for _, o := range opts {
		o(&b.opts)
	}
	if b.mode == PayloadStreamingECDSA {
		return nil, s3err.New(s3err.NotImplemented).WithDiagnosis(
			"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD (SigV4a chunk signatures) is not supported by strictS3; sign with SigV4 (AWS4-HMAC-SHA256)")
	}
	raw := r.Body
	if raw == nil {
		raw = http.NoBody
	}
	h := r.Header

	var cfg chunkConfig
	if b.mode.Streaming() {
		var err error
		if cfg, err = chunkSetup(h, &res.Payload); err != nil {
			return nil, err
		}
	}
	if err := b.setupContentMD5(h); err != nil {
		return nil, err
	}
	if err := b.setupChecksum(h, res.QueryHeaders, cfg.trailer); err != nil {
		return nil, err
	}

	b.src = raw
	cfg.report = b.opts.report
	if b.mode.Streaming() {
		b.dec = newChunkDecoder(raw, cfg)
		b.src = b.dec
	}
	if b.mode == PayloadSHA256 {
		b.sha = sha256.New()
		b.wantSHA = res.Payload.SHA256
	}
	return b, nil
}

// chunkSetup reads the headers an aws-chunked body depends on.
func chunkSetup(h http.Header, p *Payload) (chunkConfig, error) {
	cfg := chunkConfig{
		signed:        p.Mode == PayloadStreamingSigned || p.Mode == PayloadStreamingSignedTrailer,
		signedTrailer: p.Mode == PayloadStreamingSignedTrailer,
	}
	dl, ok := h["X-Amz-Decoded-Content-Length"]
	if !ok {
		return cfg, s3err.New(s3err.MissingContentLength).WithDiagnosis(
			"an aws-chunked body (x-amz-content-sha256 STREAMING-*) needs x-amz-decoded-content-length, the length without framing")
	}
	n, err := strconv.ParseInt(strings.TrimSpace(dl[0]), 10, 64)
	if err != nil || n < 0 || len(dl) > 1 {
		return cfg, s3err.New(s3err.MissingContentLength).WithDiagnosis(
			"x-amz-decoded-content-length %q is not a byte count", strings.Join(dl, ", "))
	}
	cfg.declared = n
	if tv, ok := h["X-Amz-Trailer"]; ok {
		name := strings.ToLower(strings.TrimSpace(strings.Join(tv, ",")))
		if _, known := ChecksumAlgorithmOf(name); !known {
			return cfg, s3err.Newf(s3err.InvalidRequest, "The value specified in the x-amz-trailer header is not supported").
				WithDiagnosis("x-amz-trailer %q: S3 accepts one of x-amz-checksum-crc32, -crc32c, -crc64nvme, -sha1, -sha256", name)
		}
		cfg.trailer = name
	}
	cfg.unverified = p.unverified
	if cfg.signed && !cfg.unverified {
		if len(p.signingKey) == 0 || p.SeedSignature == "" || p.Scope == "" || p.RequestTime.IsZero() {
			return cfg, errInternal("signed aws-chunked body but the authentication result carries no signing key, seed signature, scope or time")
		}
		cfg.key = p.signingKey
		cfg.seed = p.SeedSignature
		cfg.scope = p.Scope
		cfg.amzDate = p.RequestTime.UTC().Format(amzDateLayout)
	}
	return cfg, nil
}

func (b *Body) setupContentMD5(h http.Header) error {
	vals, ok := h["Content-Md5"]
	if !ok {
		return nil
	}
	v := vals[0]
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(raw) != md5.Size || len(vals) > 1 {
		return s3err.New(s3err.InvalidDigest).With("Content-MD5", v).
			WithDiagnosis("Content-MD5 must be the base64 of the 16-byte MD5 digest")
	}
	b.contentMD5 = raw
	return nil
}

// setupChecksum picks the additional checksum: from one x-amz-checksum-*
// header, from the x-amz-trailer declaration, from query parameters of a
// pre-signed URL (computed, not verified: S3 accepts a JS SDK URL whose
// x-amz-checksum-crc32 is that of an empty body), or S3's default CRC64NVME.
func (b *Body) setupChecksum(h, query http.Header, trailer string) error {
	var algs []string
	var value string
	for name, vals := range h {
		alg, ok := ChecksumAlgorithmOf(name)
		if !ok {
			continue // not a checksum value: -algorithm, -type, -mode, or unknown
		}
		for range vals {
			algs = append(algs, alg)
		}
		value = vals[0]
	}
	sort.Strings(algs)
	if len(algs) > 1 {
		return s3err.Newf(s3err.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.").
			WithDiagnosis("checksum headers sent for %s", strings.Join(algs, ", "))
	}
	trailerAlg, _ := ChecksumAlgorithmOf(trailer)
	if len(algs) == 1 && trailer != "" {
		return s3err.Newf(s3err.InvalidRequest, "Expecting a single x-amz-checksum- header").
			WithDiagnosis("both %s and x-amz-trailer %s were sent", checksumHeader(algs[0]), trailer)
	}
	if sdkVals, ok := h["X-Amz-Sdk-Checksum-Algorithm"]; ok {
		sdk := strings.ToUpper(strings.TrimSpace(sdkVals[0]))
		invalid := s3err.Newf(s3err.InvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.")
		switch {
		case checksumSize(sdk) == 0:
			return invalid.WithDiagnosis("%q is not CRC32, CRC32C, CRC64NVME, SHA1 or SHA256", sdkVals[0])
		case len(algs) == 1 && algs[0] != sdk:
			return invalid.WithDiagnosis("x-amz-sdk-checksum-algorithm is %s but the checksum header is %s", sdk, checksumHeader(algs[0]))
		case trailer != "" && trailerAlg != sdk:
			return invalid.WithDiagnosis("x-amz-sdk-checksum-algorithm is %s but x-amz-trailer is %s", sdk, trailer)
		case len(algs) == 0 && trailer == "":
			return s3err.Newf(s3err.InvalidRequest, "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.").
				WithDiagnosis("the SDK named %s but sent no value for it", sdk)
		}
	}
	switch {
	case len(algs) == 1:
		if _, ok := decodeChecksum(algs[0], value); !ok {
			return errChecksumValue(algs[0], false).WithDiagnosis("%s %q is not the base64 of %d bytes",
				checksumHeader(algs[0]), value, checksumSize(algs[0]))
		}
		b.alg, b.wantSum = algs[0], value
	case trailer != "":
		b.alg, b.fromTrailer = trailerAlg, true
	default:
		b.alg = queryChecksumAlg(query)
	}
	b.sum, _ = NewChecksumHash(b.alg)
	return nil
}

// queryChecksumAlg is the algorithm a pre-signed URL names, CRC64NVME if none.
func queryChecksumAlg(q http.Header) string {
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if alg, ok := ChecksumAlgorithmOf(name); ok {
			return alg
		}
	}
	if sdk := strings.ToUpper(q.Get("X-Amz-Sdk-Checksum-Algorithm")); checksumSize(sdk) != 0 {
		return sdk
	}
	return CRC64NVME
}

// Read implements io.Reader.
func (b *Body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.readHashed(p)
	b.n += int64(n)
	switch {
	case err == io.EOF:
		err = b.finish()
	case err != nil && b.dec == nil && errors.Is(err, io.ErrUnexpectedEOF):
		if b.contentLength >= 0 {
			err = errLength(b.contentLength, b.n, "Content-Length declares %d bytes, the body ended after %d", b.contentLength, b.n)
		} else {
			err = errTerminated("the body ended after %d bytes", b.n)
		}
	}
	if err != nil {
		b.err = err
	}
	return n, err
}

// finish runs the whole-payload checks once the data is complete, in this
// order: x-amz-content-sha256, Content-MD5, the trailing checksum's syntax,
// the additional checksum.
func (b *Body) finish() error {
	if b.sha != nil {
		// Compared in a stack buffer: every signed upload gets here, and
		// only a mismatch needs the hex as a string.
		var gotHex [2 * sha256.Size]byte
		hex.Encode(gotHex[:], b.sha.Sum(make([]byte, 0, sha256.Size)))
		if string(gotHex[:]) != b.wantSHA {
			got := string(gotHex[:])
			if err := b.tolerate(s3err.New(s3err.XAmzContentSHA256Mismatch).
				With("ClientComputedContentSHA256", b.wantSHA).
				With("S3ComputedContentSHA256", got).
				WithCauses(cause(CausePayloadHashMismatch, fmt.Sprintf("the body's SHA-256 is %s, x-amz-content-sha256 says %s: the body changed after signing", got, b.wantSHA),
					"signed", b.wantSHA, "sent", got))); err != nil {
				return err
			}
		}
	}
	md5Sum := b.md5.Sum(nil)
	if b.contentMD5 != nil && !bytes.Equal(md5Sum, b.contentMD5) {
		expected := hex.EncodeToString(b.contentMD5)
		if b.opts.expectedDigestBase64 {
			expected = base64.StdEncoding.EncodeToString(b.contentMD5)
		}
		if err := b.tolerate(s3err.New(s3err.BadDigest).
			With("CalculatedDigest", base64.StdEncoding.EncodeToString(md5Sum)).
			With("ExpectedDigest", expected).
			WithDiagnosis("Content-MD5 is %s, the body's MD5 is %s",
				base64.StdEncoding.EncodeToString(b.contentMD5), base64.StdEncoding.EncodeToString(md5Sum))); err != nil {
			return err
		}
	}
	supplied := b.wantSum
	if b.fromTrailer {
		supplied = b.dec.trailerValue
		if _, ok := decodeChecksum(b.alg, supplied); !ok {
			return errChecksumValue(b.alg, true).WithDiagnosis("trailer %s %q is not the base64 of %d bytes",
				checksumHeader(b.alg), supplied, checksumSize(b.alg))
		}
	}
	computed := b.sum.Sum(nil)
	value := base64.StdEncoding.EncodeToString(computed)
	// The usual client sends the canonical base64 of the digest: equal
	// strings settle it without decoding; any other spelling is decoded.
	if supplied != "" && supplied != value {
		raw, _ := decodeChecksum(b.alg, supplied)
		if !bytes.Equal(raw, computed) {
			if err := b.tolerate(errChecksumMismatch(b.alg, supplied, value)); err != nil {
				return err
			}
		}
	}
	b.checksum = &Checksum{Algorithm: b.alg, Value: value, Supplied: supplied != ""}
	b.md5Sum = md5Sum
	return io.EOF
}

// Size is the number of payload bytes (aws-chunked framing excluded) read
// so far; after io.EOF, the size of the object.
func (b *Body) Size() int64 { return b.n }

// Checksum is the additional checksum of the payload, set once Read has
// returned io.EOF (nil before, and after any error).
func (b *Body) Checksum() *Checksum { return b.checksum }

// MD5 is the raw MD5 digest of the payload, set once Read has returned
// io.EOF (nil before). Its hex form is the ETag of a simple upload.
func (b *Body) MD5() []byte { return b.md5Sum }
