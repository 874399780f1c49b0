package verifier

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
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
}

// readPostForm reads the multipart body up to and including the header of
// the part named "file", and stops there: the file's bytes and any field
// after it stay unread.
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
	mr := multipart.NewReader(body, boundary)
	f := &postForm{fields: PostFields{}}
	preData, parts := 0, 0
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			if parts == 0 {
				// A body without a single boundary line, or an empty form.
				return nil, malformedPost("the body holds no part delimited by boundary %q", boundary)
			}
			return f, nil
		}
		parts++
		if err != nil {
			return nil, malformedPost("reading the next part: %v", err)
		}
		_, disp, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		name, named := disp["name"]
		if err != nil || !named {
			return nil, malformedPost("a part has no form-data name in its Content-Disposition %q", p.Header.Get("Content-Disposition"))
		}
		lname := strings.ToLower(name)
		if lname == "file" {
			f.file = p
			f.filename, f.hasFilename = disp["filename"]
			return f, nil
		}
		preData += len(name)
		left := MaxPostPreDataLength - preData
		if left < 0 {
			left = 0
		}
		value, err := io.ReadAll(io.LimitReader(p, int64(left)+1))
		if err != nil {
			return nil, malformedPost("reading field %q: %v", name, err)
		}
		preData += len(value)
		if preData > MaxPostPreDataLength {
			return nil, s3err.New(s3err.MaxPostPreDataLengthExceeded).
				With("MaxPostPreDataLengthBytes", strconv.Itoa(MaxPostPreDataLength)).
				WithDiagnosis("the fields before the file part exceed %d bytes at field %q; put \"file\" last and keep fields small",
					MaxPostPreDataLength, name)
		}
		if old, seen := f.fields[lname]; seen {
			f.fields[lname] = old + "," + string(value)
		} else {
			f.fields[lname] = string(value)
			f.order = append(f.order, lname)
		}
	}
}

func malformedPost(format string, args ...any) *s3err.Error {
	return s3err.New(s3err.MalformedPOSTRequest).WithDiagnosis(format, args...)
}
