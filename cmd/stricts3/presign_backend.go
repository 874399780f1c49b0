package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stricts3/stricts3/presign"
)

// newSigner builds the presign.Signer for c by hand rather than with
// config.LoadDefaultConfig, so nothing from ~/.aws or the machine's
// environment (profiles, AWS_CA_BUNDLE) changes what gets signed.
func newSigner(c *presignConfig) *presign.Signer {
	client := s3.New(s3.Options{
		Region:       c.region,
		Credentials:  credentials.NewStaticCredentialsProvider(c.accessKey, c.secretKey, ""),
		BaseEndpoint: aws.String(c.endpoint),
		UsePathStyle: c.pathStyle,
	})
	var opts []presign.Option
	if !c.now.IsZero() {
		opts = append(opts, presign.WithSigningTime(c.now))
	}
	return presign.New(client, opts...)
}

// presignURL signs c's get, put or delete and returns the URL with the
// headers the request must carry.
func presignURL(ctx context.Context, c *presignConfig) (string, http.Header, error) {
	s := newSigner(c)
	var req *presign.Request
	var err error
	switch c.op {
	case "get":
		req, err = s.GetObject(ctx, c.bucket, c.key, c.expires)
	case "put":
		req, err = s.PutObject(ctx, c.bucket, c.key, c.expires, presign.PutOptions{ContentType: c.contentType})
	case "delete":
		req, err = s.DeleteObject(ctx, c.bucket, c.key, c.expires)
	}
	if err != nil {
		return "", nil, err
	}
	return req.URL, req.Header, nil
}

// presignPost signs an upload form for c's bucket and key.
func presignPost(ctx context.Context, c *presignConfig) (*presign.Form, error) {
	var conds []presign.Condition
	if c.contentType != "" {
		conds = append(conds, presign.Field("Content-Type", c.contentType))
	}
	if c.maxSize > 0 {
		conds = append(conds, presign.ContentLengthRange(0, c.maxSize))
	}
	return newSigner(c).PresignPost(ctx, c.bucket, c.key, c.expires, conds...)
}

// formJSON renders a form as {"url": …, "fields": {…}} with the fields in
// form order (a Go map would sort them), since some hand-written clients
// send them in the order shown.
func formJSON(f *presign.Form) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\n  \"url\": ")
	if err := writeJSONString(&b, f.URL); err != nil {
		return nil, err
	}
	b.WriteString(",\n  \"fields\": {")
	for i, fl := range f.Fields {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    ")
		if err := writeJSONString(&b, fl.Name); err != nil {
			return nil, err
		}
		b.WriteString(": ")
		if err := writeJSONString(&b, fl.Value); err != nil {
			return nil, err
		}
	}
	b.WriteString("\n  }\n}\n")
	return b.Bytes(), nil
}

func writeJSONString(b *bytes.Buffer, s string) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode appends a newline
	return nil
}
