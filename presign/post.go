package presign

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Condition is one entry of a POST policy, optionally with the form field
// it needs (see Field).
type Condition struct {
	policy any
	field  *FormField
}

// ContentLengthRange limits the file size to [min, max] bytes, inclusive.
func ContentLengthRange(min, max int64) Condition {
	return Condition{policy: []any{"content-length-range", min, max}}
}

// StartsWith requires the form field (named with its "$", e.g. "$key") to
// start with prefix; an empty prefix allows any value but the field must
// still be sent.
func StartsWith(field, prefix string) Condition {
	return Condition{policy: []any{"starts-with", dollar(field), prefix}}
}

// Eq requires the form field (e.g. "$Content-Type") to equal value exactly.
// The uploader's form must carry the field: add it with Field instead when
// the value is fixed.
func Eq(field, value string) Condition {
	return Condition{policy: []any{"eq", dollar(field), value}}
}

// Field adds a form field with a fixed value and the condition that pins it,
// e.g. Field("success_action_status", "201"), Field("Content-Type",
// "image/png") or Field("x-amz-meta-owner", "alice").
func Field(name, value string) Condition {
	return Condition{policy: map[string]string{name: value}, field: &FormField{Name: name, Value: value}}
}

func dollar(f string) string {
	if strings.HasPrefix(f, "$") {
		return f
	}
	return "$" + f
}

// FormField is one field of an upload form.
type FormField struct {
	Name, Value string
}

// Form is a signed browser upload: POST it to URL as multipart/form-data
// with Fields in order and the file last, in a part named "file".
type Form struct {
	URL    string
	Fields []FormField
}

// Values returns the fields as a map, for clients that want one.
func (f *Form) Values() map[string]string {
	m := make(map[string]string, len(f.Fields))
	for _, fl := range f.Fields {
		m[fl.Name] = fl.Value
	}
	return m
}

// PresignPost signs an upload form for bucket/key valid for expires (15
// minutes when 0). The policy pins the bucket, the SigV4 fields, the key
// (exactly, or by prefix when key contains ${filename} or a StartsWith
// "$key" condition is given) and conditions.
func (s *Signer) PresignPost(ctx context.Context, bucket, key string, expires time.Duration, conditions ...Condition) (*Form, error) {
	if expires <= 0 {
		expires = 15 * time.Minute
	}
	var conds []any
	var extra []FormField
	keyed := false
	for _, c := range conditions {
		conds = append(conds, c.policy)
		if c.field != nil {
			extra = append(extra, *c.field)
			keyed = keyed || strings.EqualFold(c.field.Name, "key")
		}
		if l, ok := c.policy.([]any); ok && l[0] == "starts-with" && strings.EqualFold(l[1].(string), "$key") {
			keyed = true
		}
	}
	if i := strings.Index(key, "${filename}"); i >= 0 && !keyed {
		// S3 expands ${filename} before matching, so an exact key condition
		// could never hold.
		conds = append(conds, []any{"starts-with", "$key", key[:i]})
	}
	out, err := s.pc.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)},
		func(o *s3.PresignPostOptions) {
			o.Expires = expires
			o.Conditions = conds
			o.PostPresigner = &postPresigner{inner: o.PostPresigner, at: s.at, expires: expires}
		})
	if err != nil {
		return nil, err
	}
	return &Form{URL: out.URL, Fields: orderFields(out.Values, extra)}, nil
}

// orderFields puts key first, then the caller's fields, then the
// signature fields with policy and signature last, as forms conventionally
// list them (any order before "file" is valid).
func orderFields(sdk map[string]string, extra []FormField) []FormField {
	var out []FormField
	seen := map[string]bool{}
	add := func(name, value string) {
		if !seen[strings.ToLower(name)] {
			seen[strings.ToLower(name)] = true
			out = append(out, FormField{name, value})
		}
	}
	if k, ok := sdk["key"]; ok {
		add("key", k)
	}
	for _, f := range extra {
		add(f.Name, f.Value)
	}
	last := []string{"policy", "X-Amz-Signature"}
	var rest []string
	for name := range sdk {
		if name != "key" && name != "policy" && name != "X-Amz-Signature" {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	for _, name := range append(rest, last...) {
		if v, ok := sdk[name]; ok {
			add(name, v)
		}
	}
	return out
}

// postPresigner fixes the SDK's POST signing time and expiration.
type postPresigner struct {
	inner   s3.PresignPost
	at      time.Time
	expires time.Duration
}

// PresignPost implements s3.PresignPost: the SDK's signer, with the
// signing time and expiration fixed when WithSigningTime was given.
func (p *postPresigner) PresignPost(creds aws.Credentials, bucket, key, region, service string, signingTime time.Time,
	conditions []any, expiration time.Time, optFns ...func(*v4.SignerOptions)) (map[string]string, error) {
	if p.inner == nil {
		return nil, fmt.Errorf("presign: the SDK provided no POST presigner")
	}
	if !p.at.IsZero() {
		signingTime = p.at
		expiration = p.at.Add(p.expires).UTC()
	}
	return p.inner.PresignPost(creds, bucket, key, region, service, signingTime, conditions, expiration, optFns...)
}
