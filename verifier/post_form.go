package verifier

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// postForm is what precedes the file part of a POST upload.
type postForm struct {
	fields PostFields
	// order lists lower-cased field names as they first appeared.
	order []string
	// file is the file part, nil when the form has none.
	file        *multipart.Part
	filename    string
	hasFilename bool

	// mr and budget read on past the file part; see laterFileParts.
	mr     *multipart.Reader
	budget *formBudget
}

// readPostForm reads the multipart body up to and including the header of
// the part named "file", and stops there: the file's bytes and any field
// after it stay unread.
//
// Everything before the file's bytes counts against MaxPostPreDataLength:
// boundaries, part headers (the file part's own included) and values,
// whatever the part's name. The body is read through a budget of that
// size plus mime/multipart's read-ahead, so no part header or run of
// empty parts can make the reader buffer or loop beyond it.
func readPostForm(r *http.Request) (*postForm, error) {
	ct := r.Header.Get("Content-Type")
	media, params, err := mime.ParseMediaType(ct)
	if err != nil || media != "multipart/form-data" {
		return nil, s3err.New(s3err.PreconditionFailed).
			With("Condition", "Bucket POST must be of the enclosure-type multipart/form-data").
			WithDiagnosis("request Content-Type is %q", ct)
	}
	boundary := params["boundary"]
	if boundary == "" {
		return nil, malformedPost("the multipart/form-data Content-Type has no boundary parameter")
	}
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	budget := &formBudget{r: body}
	budget.allow(MaxPostPreDataLength + formReadAhead)
	f := &postForm{mr: multipart.NewReader(budget, boundary), budget: budget}
	// Values are joined once at the end: re-joining a growing string for
	// every repeat of a name would be quadratic.
	values := map[string][]string{}
	preData, parts := 0, 0
	for {
		p, err := f.mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			if parts == 0 {
				// A body without a single boundary line, or an empty form.
				return nil, malformedPost("the body holds no part delimited by boundary %q", boundary)
			}
			f.fields = joinFields(values)
			return f, nil
		}
		if errors.Is(err, errFormBudget) {
			return nil, preDataTooLong("in the header of part %d", parts+1)
		}
		parts++
		if err != nil {
			return nil, malformedPost("reading the next part: %v", err)
		}
		preData += partHeaderLength(boundary, parts == 1, p.Header)
		if preData > MaxPostPreDataLength {
			return nil, preDataTooLong("at the header of part %d", parts)
		}
		name, disp, ok := partName(p)
		if !ok {
			return nil, malformedPost("a part has no form-data name in its Content-Disposition %q", p.Header.Get("Content-Disposition"))
		}
		lname := strings.ToLower(name)
		if lname == "file" {
			f.file = p
			f.filename, f.hasFilename = disp["filename"]
			f.fields = joinFields(values)
			budget.unlimited()
			return f, nil
		}
		value, err := io.ReadAll(io.LimitReader(p, int64(MaxPostPreDataLength-preData)+1))
		if errors.Is(err, errFormBudget) || preData+len(value) > MaxPostPreDataLength {
			return nil, preDataTooLong("at field %q", name)
		}
		if err != nil {
			return nil, malformedPost("reading field %q: %v", name, err)
		}
		preData += len(value)
		if _, seen := values[lname]; !seen {
			f.order = append(f.order, lname)
		}
		values[lname] = append(values[lname], string(value))
	}
}

// partName returns the form-data name of p and its Content-Disposition
// parameters; ok is false when it has none.
func partName(p *multipart.Part) (name string, disp map[string]string, ok bool) {
	_, disp, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	name, ok = disp["name"]
	return name, disp, err == nil && ok
}

// partHeaderLength is how many bytes the delimiter line and header block
// of a part take on the wire, written as browsers and SDKs write them
// (CRLF line ends, ": " after each name). The CRLF that ends a value is
// counted with the next delimiter.
func partHeaderLength(boundary string, first bool, h textproto.MIMEHeader) int {
	n := len("--"+boundary) + 2
	if !first {
		n += 2
	}
	for name, vs := range h {
		for _, v := range vs {
			n += len(name) + len(": ") + len(v) + 2
		}
	}
	return n + 2
}

// joinFields turns the values of each name into the one value policy
// conditions compare against: all of them, joined by ",".
func joinFields(values map[string][]string) PostFields {
	f := make(PostFields, len(values))
	for name, vs := range values {
		f[name] = strings.Join(vs, ",")
	}
	return f
}

// preDataTooLong is S3's answer when what precedes the file part exceeds
// MaxPostPreDataLength; where says at which part, for the diagnosis.
func preDataTooLong(where string, args ...any) *s3err.Error {
	return s3err.New(s3err.MaxPostPreDataLengthExceeded).
		With("MaxPostPreDataLengthBytes", strconv.Itoa(MaxPostPreDataLength)).
		WithDiagnosis("the form before the file part (boundaries, part headers and values) exceeds %d bytes %s; put \"file\" last and keep fields small",
			MaxPostPreDataLength, fmt.Sprintf(where, args...))
}

func malformedPost(format string, args ...any) *s3err.Error {
	return s3err.New(s3err.MalformedPOSTRequest).WithDiagnosis(format, args...)
}
