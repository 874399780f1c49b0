package verifier

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// postFileReader streams the file part of a POST upload and applies the
// policy's content-length-range.
type postFileReader struct {
	r   io.Reader
	lim *sizeRange
	// form reads on past the file part at its end, to count file parts.
	form *postForm
	n    int64
	err  error
	// report, in warn-only mode, takes a size outside the range at the
	// file's end instead of failing the read.
	report func(*s3err.Error)
}

func newPostFileReader(form *postForm, lim *sizeRange, report func(*s3err.Error)) io.Reader {
	return &postFileReader{r: form.file, lim: lim, form: form, report: report}
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
	enforced := f.lim != nil && f.report == nil
	if enforced && f.n > f.lim.max {
		rest, derr := io.Copy(io.Discard, f.r)
		f.n += rest
		if derr != nil {
			f.err = malformedPost("reading the file part: %v", derr)
			return 0, f.err
		}
		f.err = entityTooLarge(f.n, f.lim)
		return 0, f.err
	}
	if enforced && errors.Is(err, io.EOF) && f.n < f.lim.min {
		f.err = entityTooSmall(f.n, f.lim)
		return n, f.err
	}
	if errors.Is(err, io.EOF) {
		f.reportRange()
		if later, ferr := f.form.laterFileParts(); ferr != nil {
			err = ferr
		} else if later > 0 {
			err = fileCountError(1+later).WithDiagnosis("the form has %d parts named \"file\"; S3 takes one file per POST", 1+later)
		}
	} else if err != nil {
		err = malformedPost("reading the file part: %v", err)
	}
	if err != nil {
		f.err = err
	}
	return n, err
}

// maxLaterPartHeader caps each part header after the file part, which is
// read only to count file parts; before the file, MaxPostPreDataLength
// bounds every header. strictS3's own bound: S3 documents none.
const maxLaterPartHeader = MaxPostPreDataLength

// laterFileParts reads the rest of the form after the file part and
// counts the further parts named "file". S3 ignores the other fields that
// follow the file but refuses a form with more than one file, so the rest
// is read, every value discarded.
func (f *postForm) laterFileParts() (int, error) {
	n := 0
	for {
		f.budget.allow(maxLaterPartHeader + formReadAhead)
		p, err := f.mr.NextRawPart()
		f.budget.unlimited()
		switch {
		case errors.Is(err, io.EOF):
			return n, nil
		case errors.Is(err, errFormBudget):
			return 0, malformedPost("a part header after the file part is longer than %d bytes", maxLaterPartHeader)
		case err != nil:
			return 0, malformedPost("reading the parts after the file part: %v", err)
		}
		if name, _, _ := partName(p); strings.EqualFold(name, "file") {
			n++
		}
		if _, err := io.Copy(io.Discard, p); err != nil {
			return 0, malformedPost("reading a part after the file part: %v", err)
		}
	}
}

// fileCountError is S3's answer to a form with n file parts, n != 1: a
// recorded AWS body for none names ArgumentValue 0; for several, the count
// is inferred.
func fileCountError(n int) *s3err.Error {
	return s3err.Newf(s3err.InvalidArgument, "POST requires exactly one file upload per request.").
		With("ArgumentName", "file").With("ArgumentValue", strconv.Itoa(n))
}

// reportRange hands a size outside content-length-range to report, in
// warn-only mode.
func (f *postFileReader) reportRange() {
	switch {
	case f.report == nil || f.lim == nil:
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
