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
}

func newPostFileReader(r io.Reader, lim *sizeRange) io.Reader {
	return &postFileReader{r: r, lim: lim}
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
	if f.lim != nil && f.n > f.lim.max {
		rest, derr := io.Copy(io.Discard, f.r)
		f.n += rest
		if derr != nil {
			f.err = malformedPost("reading the file part: %v", derr)
			return 0, f.err
		}
		f.err = s3err.New(s3err.EntityTooLarge).
			With("ProposedSize", strconv.FormatInt(f.n, 10)).
			With("MaxSizeAllowed", strconv.FormatInt(f.lim.max, 10)).
			WithDiagnosis("the file is %d bytes; the policy's content-length-range allows %d to %d", f.n, f.lim.min, f.lim.max)
		return 0, f.err
	}
	if errors.Is(err, io.EOF) && f.lim != nil && f.n < f.lim.min {
		f.err = s3err.New(s3err.EntityTooSmall).
			With("ProposedSize", strconv.FormatInt(f.n, 10)).
			With("MinSizeAllowed", strconv.FormatInt(f.lim.min, 10)).
			WithDiagnosis("the file is %d bytes; the policy's content-length-range allows %d to %d", f.n, f.lim.min, f.lim.max)
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
