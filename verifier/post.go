package verifier

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
)

// PostUpload is a browser POST upload (an HTML form posted to a bucket URL)
// that passed authentication and its policy. Reading File streams the file
// part; nothing after it in the form has been read.
type PostUpload struct {
	Identity Identity
	// Key is the object key, with ${filename} replaced by the file part's
	// filename (kept literal when the part has none, as S3 does).
	Key string
	// Fields are the form fields that preceded the file part, with
	// ${filename} replaced as in Key.
	Fields PostFields
	// Filename is the file part's filename parameter ("" when absent).
	Filename string
	// File streams the file part. It enforces the policy's
	// content-length-range while reading: a read returns an *s3err.Error
	// EntityTooLarge once the maximum is passed (after counting the rest of
	// the part, so ProposedSize is the real size) and EntityTooSmall at EOF.
	// At the file's end it reads the rest of the form, discarding every
	// value, and fails with InvalidArgument if another part named "file"
	// follows. Callers must store nothing when any read fails.
	File io.Reader
}

// Allowed reports whether the upload's signer may perform action on
// bucket/key, with the same rules as Result.Allowed.
func (u *PostUpload) Allowed(action, bucket, key string) bool {
	return (&Result{Identity: u.Identity}).Allowed(action, bucket, key)
}

// PostFields are form fields keyed by lower-cased name; a name sent several
// times holds its values joined by ",", which is what policy conditions
// compare against.
type PostFields map[string]string

// Get returns the value of the field called name, in any letter case.
func (f PostFields) Get(name string) string { return f[strings.ToLower(name)] }

// Has reports whether the form carried a field called name, in any case.
func (f PostFields) Has(name string) bool {
	_, ok := f[strings.ToLower(name)]
	return ok
}

// MaxPostPreDataLength is how many bytes of the form may precede the file
// part's content: every boundary, part header and value, as S3 fixes it
// (its MaxPostPreDataLengthExceeded answer names 20480). It also caps each
// part header after the file part.
const MaxPostPreDataLength = 20480

// ReadPost authenticates and evaluates a browser POST upload to bucket (the
// bucket named by the URL). It reads the form up to the file part, then
// checks, in S3's order (docs/aws-behavior.md §5): the enclosure
// type, the form itself, the key field, the signature fields, the access
// key, the signature over the policy string, the policy document, its
// expiry, its conditions and the fields it does not cover, and that a file
// was sent. The error, when not nil, is an *s3err.Error; the request body
// is then partly consumed and must not be used.
func (v *Verifier) ReadPost(r *http.Request, bucket string) (*PostUpload, error) {
	form, err := readPostForm(r)
	if err != nil {
		return nil, err
	}
	if !form.fields.Has("key") {
		return nil, missingPostField("key")
	}
	scheme, err := postAuthScheme(form.fields)
	if err != nil {
		return nil, err
	}
	id, err := v.checkPostSignature(form.fields, scheme)
	if err != nil {
		return nil, err
	}
	if form.file != nil && form.hasFilename {
		// ${filename} "is recognized by all form fields" (POST docs), not
		// only key; it is expanded after the signature, which covers the
		// policy alone, and before the conditions are matched.
		for name, v := range form.fields {
			form.fields[name] = strings.ReplaceAll(v, "${filename}", form.filename)
		}
	}
	key := form.fields.Get("key")
	pol, err := parsePostPolicy(form.fields.Get("policy"))
	if err != nil {
		return nil, err
	}
	if now := v.clock.Now(); now.After(pol.expiration) {
		return nil, s3err.Newf(s3err.AccessDenied, "Invalid according to Policy: Policy expired.").
			WithCauses(cause(CauseExpired, fmt.Sprintf("the policy's expiration %s is before the server time %s", isoSecond(pol.expiration), isoSecond(now)),
				"expired_at", isoSecond(pol.expiration), "server_time", isoSecond(now)))
	}
	in := postInputs{fields: form.fields, order: form.order, bucket: bucket, key: key, scheme: scheme}
	if err := pol.evaluate(in); err != nil {
		return nil, err
	}
	if form.file == nil {
		return nil, fileCountError(0).WithDiagnosis("the form has no part named \"file\"; it must be the last field")
	}
	return &PostUpload{
		Identity: id,
		Key:      key,
		Fields:   form.fields,
		Filename: form.filename,
		File:     newPostFileReader(form, pol.sizeRange),
	}, nil
}

// missingPostField is S3's answer for a form field it needed before the file
// part; the message's two spaces are on the wire.
func missingPostField(name string) *s3err.Error {
	return s3err.Newf(s3err.InvalidArgument,
		"Bucket POST must contain a field named '%s'.  If it is specified, please check the order of the fields.", name).
		With("ArgumentName", name).With("ArgumentValue", "").
		WithDiagnosis("no form field %q before the file part; fields after \"file\" are ignored", name)
}
