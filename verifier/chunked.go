package verifier

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// aws-chunked framing (Content-Encoding: aws-chunked, x-amz-content-sha256
// STREAMING-*), one chunk after another:
//
//	signed:   <hex size>;chunk-signature=<64 hex>\r\n<data>\r\n
//	unsigned: <hex size>\r\n<data>\r\n
//
// ending with a zero-size chunk whose header is followed by the trailer
// lines ("name:value\r\n", then x-amz-trailer-signature:<sig>\r\n for
// signed trailers) and an empty line. Without trailers the body therefore
// ends "0...\r\n\r\n".
const (
	// minChunkSize is S3's floor for every chunk but the last.
	minChunkSize = 8192
	// maxChunkLine bounds a chunk header or trailer line, CRLF included. The
	// longest legitimate one is a SHA256 trailer or a signed header (~90
	// bytes); the bound keeps a hostile client from making us buffer.
	maxChunkLine = 4096
	// maxTrailerLines bounds the trailer section: S3 accepts one checksum
	// and the trailer signature.
	maxTrailerLines = 8
	// chunkReadBuffer is the bufio size; reads at least this large bypass it.
	chunkReadBuffer = 64 << 10
)

// emptySHA256 is hex(sha256("")): the fixed "headers hash" line of a chunk
// string to sign.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// chunkConfig is what a decoder needs to know before the first byte.
type chunkConfig struct {
	// signed: each chunk carries a chunk-signature chained from seed.
	signed bool
	// signedTrailer: the trailer section ends with x-amz-trailer-signature.
	signedTrailer bool
	key           []byte
	amzDate       string // ISO 8601 basic, as in x-amz-date
	scope         string
	seed          string
	// declared is x-amz-decoded-content-length.
	declared int64
	// trailer is the lower-case trailer name from x-amz-trailer, "" if none.
	trailer string
	// unverified: the framing carries signatures but authentication was
	// waived (warn-only mode), so there is no key to check them with.
	unverified bool
	// report, when set, takes a signature mismatch instead of failing the
	// body (warn-only mode; see WarnOnly).
	report func(*s3err.Error)
}

// chunkDecoder removes aws-chunked framing while checking it. Read returns
// decoded bytes, never more than declared; it returns io.EOF only when the
// framing, every signature, the decoded length and the trailer section were
// all right. Any other error is final and means "store nothing".
type chunkDecoder struct {
	cfg chunkConfig
	br  *bufio.Reader

	prevSig  string    // last verified signature in the chain
	chunkSHA hash.Hash // digest of the current chunk's data (signed only)
	index    int       // number of the chunk being read, from 1
	size     int64     // size of the current chunk
	sig      string    // chunk-signature sent for the current chunk
	left     int64     // data bytes of the current chunk not yet returned
	inData   bool
	prevSize int64 // size of the previous chunk, -1 before the first
	decoded  int64

	trailerValue string
	trailerSeen  bool

	err error
}

func newChunkDecoder(r io.Reader, cfg chunkConfig) *chunkDecoder {
	d := &chunkDecoder{cfg: cfg, br: bufio.NewReaderSize(r, chunkReadBuffer), prevSig: cfg.seed, prevSize: -1}
	if cfg.signed {
		d.chunkSHA = sha256.New()
	}
	return d
}

// Read implements io.Reader.
func (d *chunkDecoder) Read(p []byte) (int, error) {
	for d.err == nil {
		if !d.inData {
			d.readHeader()
			continue
		}
		if d.left == 0 {
			d.endChunk()
			continue
		}
		if len(p) == 0 {
			return 0, nil
		}
		if int64(len(p)) > d.left {
			p = p[:d.left]
		}
		n, err := d.br.Read(p)
		d.left -= int64(n)
		d.decoded += int64(n)
		if d.chunkSHA != nil {
			d.chunkSHA.Write(p[:n])
		}
		if n > 0 {
			return n, nil
		}
		if err != nil {
			d.err = d.readError(err, "inside the data of "+describeChunk(d.index, d.size))
		}
	}
	return 0, d.err
}

// readError maps a failed read of the request body: the body ending early
// is S3's IncompleteBody; anything else (a closed connection, a size limit)
// passes through for the caller to judge.
func (d *chunkDecoder) readError(err error, where string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errTerminated("the body ended %s", where)
	}
	return err
}

// readLine returns one CRLF-terminated line without its CRLF.
func (d *chunkDecoder) readLine(what string) (string, error) {
	line, err := d.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) || len(line) > maxChunkLine {
		return "", errTerminated("%s is longer than %d bytes", what, maxChunkLine)
	}
	if err != nil {
		return "", d.readError(err, "in "+what)
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return "", errTerminated("%s %q does not end with CRLF", what, line)
	}
	return string(line[:len(line)-2]), nil
}

// parseChunkHeader splits "<hex>[;chunk-signature=<sig>]". Signed bodies
// must carry a well-formed signature on every chunk; unsigned ones none.
func parseChunkHeader(line string, signed bool) (size int64, sig string, ok bool) {
	sizeText, ext, hasExt := strings.Cut(line, ";")
	if hasExt != signed {
		return 0, "", false
	}
	if len(sizeText) == 0 || len(sizeText) > 16 {
		return 0, "", false
	}
	u, err := strconv.ParseUint(sizeText, 16, 64)
	if err != nil || u > math.MaxInt64 {
		return 0, "", false
	}
	if signed {
		s, found := strings.CutPrefix(ext, "chunk-signature=")
		if !found || !isSignatureHex(s) {
			return 0, "", false
		}
		sig = s
	}
	return int64(u), sig, true
}

// isSignatureHex reports whether s looks like a SigV4 signature: 64
// lower-case hex digits.
func isSignatureHex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func (d *chunkDecoder) readHeader() {
	line, err := d.readLine("a chunk header")
	if err != nil {
		if e, ok := s3err.As(err); ok {
			err = e.WithDiagnosis("chunk %d: %s", d.index+1, e.Diagnosis)
		}
		d.err = err
		return
	}
	d.index++
	size, sig, ok := parseChunkHeader(line, d.cfg.signed)
	if !ok {
		want := "<hex size>"
		if d.cfg.signed {
			want = "<hex size>;chunk-signature=<64 lower-case hex digits>"
		}
		d.err = errTerminated("chunk %d header %q is not %s", d.index, line, want)
		return
	}
	if size > 0 && d.prevSize >= 0 && d.prevSize < minChunkSize {
		d.err = errChunkSize(d.index, d.prevSize)
		return
	}
	if size > d.cfg.declared-d.decoded {
		d.err = d.drainForLength(size)
		return
	}
	d.size, d.sig, d.prevSize = size, sig, size
	if size == 0 {
		d.finish()
		return
	}
	d.left = size
	d.inData = true
	if d.chunkSHA != nil {
		d.chunkSHA.Reset()
	}
}

// endChunk checks the CRLF after a chunk's data, then its signature.
func (d *chunkDecoder) endChunk() {
	var crlf [2]byte
	if _, err := io.ReadFull(d.br, crlf[:]); err != nil {
		d.err = d.readError(err, "after the data of "+describeChunk(d.index, d.size))
		return
	}
	if crlf != [2]byte{'\r', '\n'} {
		d.err = errTerminated("%s is not followed by CRLF but %q: the chunk size does not match its data", describeChunk(d.index, d.size), crlf[:])
		return
	}
	d.inData = false
	if d.cfg.signed {
		d.verifyChunk(hex.EncodeToString(d.chunkSHA.Sum(nil)))
	}
}

// verifyChunk checks the current chunk's signature against the chain.
func (d *chunkDecoder) verifyChunk(dataSHA string) {
	if d.cfg.unverified {
		d.prevSig = d.sig
		return
	}
	sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + d.cfg.amzDate + "\n" + d.cfg.scope + "\n" + d.prevSig + "\n" + emptySHA256 + "\n" + dataSHA
	want := hex.EncodeToString(hmacSHA256(d.cfg.key, sts))
	if !signatureEqual(want, d.sig) {
		// The diagnosis names the chunk and the string to sign (all of it
		// known to the client) but never want: a calculated signature in a
		// header or log line would let anyone holding a captured request's
		// headers sign a body of their own, one chunk per request.
		err := errSignature("chunk-signature of %s does not match the one calculated from the signing key over string to sign %q (sent %s; previous signature in the chain %s)",
			describeChunk(d.index, d.size), sts, d.sig, d.prevSig)
		if d.cfg.report == nil {
			d.err = err
			return
		}
		// The chain is broken from here on: every later chunk would fail
		// too, one report each. One is the finding; the rest is unchecked.
		d.cfg.report(err)
		d.cfg.unverified = true
	}
	d.prevSig = d.sig
}

// finish handles the zero-size chunk: its signature, the decoded length,
// the trailer section, and nothing after it.
func (d *chunkDecoder) finish() {
	if d.cfg.signed {
		d.verifyChunk(emptySHA256)
		if d.err != nil {
			return
		}
	}
	if d.decoded != d.cfg.declared {
		d.err = errLength(d.cfg.declared, d.decoded, "x-amz-decoded-content-length declares %d bytes, the chunks carry %d", d.cfg.declared, d.decoded)
		return
	}
	if err := d.readTrailers(); err != nil {
		d.err = err
		return
	}
	if _, err := d.br.ReadByte(); err == nil {
		d.err = errTerminated("bytes follow the end of the aws-chunked body (after the final empty line)")
		return
	} else if !errors.Is(err, io.EOF) {
		d.err = d.readError(err, "after the aws-chunked body")
		return
	}
	d.err = io.EOF
}

// drainForLength reports a body that carries more than declared: S3 counts
// what was provided, so the remaining chunk headers are read (data skipped,
// nothing returned, nothing verified) to add their sizes up.
func (d *chunkDecoder) drainForLength(size int64) error {
	provided := d.decoded + size
	skip := size
	for {
		if _, err := io.CopyN(io.Discard, d.br, skip); err != nil {
			break
		}
		var crlf [2]byte
		if _, err := io.ReadFull(d.br, crlf[:]); err != nil || crlf != [2]byte{'\r', '\n'} {
			break
		}
		line, err := d.readLine("a chunk header")
		if err != nil {
			break
		}
		n, _, ok := parseChunkHeader(line, d.cfg.signed)
		if !ok || n == 0 || n > math.MaxInt64-provided {
			break
		}
		provided += n
		skip = n
	}
	return errLength(d.cfg.declared, provided, "x-amz-decoded-content-length declares %d bytes, chunk %d alone brings the total to %d",
		d.cfg.declared, d.index, d.decoded+size)
}

// readTrailers reads the trailer section up to its empty line, holding it
// to x-amz-trailer and, for signed trailers, to x-amz-trailer-signature.
func (d *chunkDecoder) readTrailers() error {
	var canonical strings.Builder
	var signature string
	signatureSeen := false
	for lines := 0; ; lines++ {
		line, err := d.readLine("the trailer section")
		if err != nil {
			return err
		}
		if line == "" {
			break
		}
		if lines == maxTrailerLines {
			return errMalformedTrailer("more than %d trailer lines", maxTrailerLines)
		}
		name, value, found := strings.Cut(line, ":")
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		if !found || name == "" {
			return errMalformedTrailer("trailer line %q is not name:value", line)
		}
		if name == "x-amz-trailer-signature" {
			if !d.cfg.signedTrailer {
				return errMalformedTrailer("x-amz-trailer-signature is only sent with STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
			}
			if signatureSeen {
				return errMalformedTrailer("x-amz-trailer-signature sent twice")
			}
			signature, signatureSeen = value, true
			continue
		}
		switch {
		case signatureSeen:
			return errMalformedTrailer("trailer %s follows x-amz-trailer-signature, which must come last", name)
		case d.cfg.trailer == "":
			return errMalformedTrailer("the body sends trailer %s but the request has no x-amz-trailer header", name)
		case name != d.cfg.trailer:
			return errMalformedTrailer("x-amz-trailer declares %s but the body sends %s", d.cfg.trailer, name)
		case d.trailerSeen:
			return errMalformedTrailer("trailer %s sent twice", name)
		}
		d.trailerSeen, d.trailerValue = true, value
		canonical.WriteString(name + ":" + value + "\n")
	}
	if d.cfg.trailer != "" && !d.trailerSeen {
		return errMalformedTrailer("x-amz-trailer declares %s but the body ends without it", d.cfg.trailer)
	}
	if !d.cfg.signedTrailer {
		return nil
	}
	if d.cfg.unverified && signatureSeen {
		return nil
	}
	if !signatureSeen {
		return errTerminated("a STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER body must end with x-amz-trailer-signature; it is missing")
	}
	if !isSignatureHex(signature) {
		return errTerminated("x-amz-trailer-signature %q is not 64 lower-case hex digits", signature)
	}
	sts := "AWS4-HMAC-SHA256-TRAILER\n" + d.cfg.amzDate + "\n" + d.cfg.scope + "\n" + d.prevSig + "\n" + sha256Hex([]byte(canonical.String()))
	want := hex.EncodeToString(hmacSHA256(d.cfg.key, sts))
	if !signatureEqual(want, signature) {
		// As for chunks: name what was signed, never the calculated value.
		return d.cfg.tolerate(errSignature("x-amz-trailer-signature does not match the one calculated from the signing key over string to sign %q (sent %s; trailers hashed: %q)",
			sts, signature, canonical.String()))
	}
	return nil
}

// tolerate hands err to report in warn-only mode and returns nil, else
// returns err.
func (cfg chunkConfig) tolerate(err *s3err.Error) error {
	if cfg.report == nil {
		return err
	}
	cfg.report(err)
	return nil
}
