package presign

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Call pre-signs any S3 client operation, including those the SDK's
// PresignClient has no method for. call must invoke exactly one operation
// with the options it is given; the request is built, pre-signed and never
// sent:
//
//	req, err := s.Call(ctx, time.Hour, func(ctx context.Context, c *s3.Client, o ...func(*s3.Options)) error {
//		_, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("photos")}, o...)
//		return err
//	})
func (s *Signer) Call(ctx context.Context, expires time.Duration,
	call func(ctx context.Context, c *s3.Client, optFns ...func(*s3.Options)) error) (*Request, error) {
	if expires <= 0 {
		expires = 15 * time.Minute
	}
	capture := &captureMiddleware{signer: s, expires: expires}
	err := call(ctx, s.client, func(o *s3.Options) {
		o.HTTPClient = smithyhttp.NopClient{}
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			st.Finalize.Remove("Retry")
			_, err := st.Finalize.Swap("Signing", capture)
			return err
		})
	})
	var done *presigned
	if errors.As(err, &done) {
		return done.req, nil
	}
	if err == nil {
		err = errors.New("presign: the call did not invoke an S3 operation with the given options")
	}
	return nil, err
}

// ListObjectsV2 pre-signs a ListObjectsV2 of bucket; edit may set Prefix,
// Delimiter, MaxKeys...
func (s *Signer) ListObjectsV2(ctx context.Context, bucket string, expires time.Duration, edit ...func(*s3.ListObjectsV2Input)) (*Request, error) {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
	for _, e := range edit {
		e(in)
	}
	return s.Call(ctx, expires, func(ctx context.Context, c *s3.Client, o ...func(*s3.Options)) error {
		_, err := c.ListObjectsV2(ctx, in, o...)
		return err
	})
}

// presigned carries the result out of the middleware stack: the operation
// must not return normally, since no response exists to deserialize.
type presigned struct{ req *Request }

func (*presigned) Error() string { return "presign: request captured" }

// captureMiddleware takes the place of the SigV4 header signer: it strips
// what only an SDK-sent request carries and pre-signs the rest.
type captureMiddleware struct {
	signer  *Signer
	expires time.Duration
}

// ID is the SDK signer's step name, so Swap puts this middleware in its place.
func (*captureMiddleware) ID() string { return "Signing" }

// HandleFinalize pre-signs the built request and ends the call with it as
// a *presigned error; the next handler (sending) is never called.
func (m *captureMiddleware) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, _ middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error) {
	var out middleware.FinalizeOutput
	var md middleware.Metadata
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok {
		return out, md, fmt.Errorf("presign: unexpected transport request %T", in.Request)
	}
	for name := range req.Header {
		switch l := strings.ToLower(name); {
		case strings.HasPrefix(l, "amz-sdk-"), l == "user-agent", l == "x-amz-user-agent", l == "x-amz-content-sha256",
			l == "accept-encoding":
			req.Header.Del(name)
		}
	}
	q := req.URL.Query()
	q.Set("X-Amz-Expires", strconv.FormatInt(int64(m.expires/time.Second), 10))
	req.URL.RawQuery = q.Encode()
	hr := req.Build(ctx)
	opts := m.signer.client.Options()
	creds, err := opts.Credentials.Retrieve(ctx)
	if err != nil {
		return out, md, fmt.Errorf("presign: credentials: %w", err)
	}
	u, h, err := v4.NewSigner().PresignHTTP(ctx, creds, hr, "UNSIGNED-PAYLOAD", "s3", opts.Region, m.signer.signingTime())
	if err != nil {
		return out, md, err
	}
	return out, md, &presigned{toRequest(&v4.PresignedHTTPRequest{URL: u, Method: hr.Method, SignedHeader: h})}
}
