package presign

import (
	"html/template"
	"strings"
)

var uploadPage = template.Must(template.New("upload").Parse(`<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Upload</title>
</head>
<body>
<form action="{{.URL}}" method="post" enctype="multipart/form-data">
{{- range .Fields}}
<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{- end}}
<input type="file" name="file">
<input type="submit" value="Upload">
</form>
</body>
</html>
`))

// HTML renders a complete upload page: the form posts to f.URL with every
// field hidden and the file input last (S3 ignores fields after the file).
// Values are HTML-escaped.
func (f *Form) HTML() string {
	var b strings.Builder
	// Only a failing writer can make Execute fail; a Builder never does.
	_ = uploadPage.Execute(&b, f)
	return b.String()
}
