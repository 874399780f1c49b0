package verifier

import (
	"errors"
	"io"
	"strconv"

	"github.com/stricts3/stricts3/internal/s3err"
)

// postFileReader streams the file part of a POST upload and applies the
// policy's content-length-range.
type postFileReader struct {
	r   io.Reader
	lim *sizeRange
	n   int64
	err error
	// report, in warn-only mode, takes a size outside the range at EOF
	// instead of failing the read.
	report func(*s3err.Error)
}

// Read implements io.Reader. Once the maximum is passed it discards the
// rest of the part to learn the proposed size S3 reports, then fails; the
// caller has received at most max+len(p) bytes and must store nothing.
func (f *postFileReader) Read(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.r.Read(p)
	f.n += int64(n)
	if f.report != nil {
		if errors.Is(err, io.EOF) {
			f.reportRange()
		}
		return n, err
	}
	if f.lim != nil && f.n > f.lim.max {
		rest, derr := io.Copy(io.Discard, f.r)
		f.n += rest
		if derr != nil {
			f.err = malformedPost("reading the file part: %v", derr)
			return 0, f.err
		}
		f.err = entityTooLarge(f.n, f.lim)
		return 0, f.err
	}
	if errors.Is(err, io.EOF) && f.lim != nil && f.n < f.lim.min {
		f.err = entityTooSmall(f.n, f.lim)
		return n, f.err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = malformedPost("reading the file part: %v", err)
	}
	if err != nil {
		f.err = err
	}
	return n, err
}

// reportRange hands a size outside content-length-range to report.
func (f *postFileReader) reportRange() {
	switch {
	case f.lim == nil:
	case f.n > f.lim.max:
		f.report(entityTooLarge(f.n, f.lim))
	case f.n < f.lim.min:
		f.report(entityTooSmall(f.n, f.lim))
	}
}

func entityTooLarge(n int64, lim *sizeRange) *s3err.Error {
	return s3err.New(s3err.EntityTooLarge).
		With("ProposedSize", strconv.FormatInt(n, 10)).
		With("MaxSizeAllowed", strconv.FormatInt(lim.max, 10)).
		WithDiagnosis("the file is %d bytes; the policy's content-length-range allows %d to %d", n, lim.min, lim.max)
}

func entityTooSmall(n int64, lim *sizeRange) *s3err.Error {
	return s3err.New(s3err.EntityTooSmall).
		With("ProposedSize", strconv.FormatInt(n, 10)).
		With("MinSizeAllowed", strconv.FormatInt(lim.min, 10)).
		WithDiagnosis("the file is %d bytes; the policy's content-length-range allows %d to %d", n, lim.min, lim.max)
}
