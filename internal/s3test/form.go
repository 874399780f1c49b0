package s3test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"

	"github.com/stretchr/testify/require"
)

// Field is one multipart form field.
type Field struct{ Name, Value string }

// File is the file part of a POST upload form.
type File struct {
	// Filename goes into the part's Content-Disposition.
	Filename string
	// NoFilename sends the part as a plain field named "file", which S3
	// does not accept as the file.
	NoFilename bool
	// ContentType is the part's own Content-Type header, omitted when empty.
	ContentType string
	Content     string
}

// PostForm encodes fields, then file (when not nil), then after, as a
// browser sends a POST upload form, and returns the body and its
// multipart/form-data Content-Type. Fields after the file are what S3
// ignores.
func PostForm(t testing.TB, fields []Field, file *File, after ...Field) (body []byte, contentType string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, f := range fields {
		require.NoError(t, w.WriteField(f.Name, f.Value))
	}
	if file != nil {
		h := textproto.MIMEHeader{}
		if file.NoFilename {
			h.Set("Content-Disposition", `form-data; name="file"`)
		} else {
			h.Set("Content-Disposition", `form-data; name="file"; filename="`+file.Filename+`"`)
		}
		if file.ContentType != "" {
			h.Set("Content-Type", file.ContentType)
		}
		pw, err := w.CreatePart(h)
		require.NoError(t, err)
		_, err = pw.Write([]byte(file.Content))
		require.NoError(t, err)
	}
	for _, f := range after {
		require.NoError(t, w.WriteField(f.Name, f.Value))
	}
	require.NoError(t, w.Close())
	return b.Bytes(), w.FormDataContentType()
}

// PostRequest is a POST of PostForm's body to url with its Content-Type.
func PostRequest(t testing.TB, url string, fields []Field, file *File, after ...Field) *http.Request {
	t.Helper()
	body, ct := PostForm(t, fields, file, after...)
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	r.Header.Set("Content-Type", ct)
	return r
}

// FieldsOf converts form fields of any {Name, Value string} struct type
// (such as presign.FormField) to Fields, in order.
func FieldsOf[F ~struct{ Name, Value string }](fs ...F) []Field {
	out := make([]Field, 0, len(fs))
	for _, f := range fs {
		out = append(out, Field(f))
	}
	return out
}
