package presign_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/presign"
	"github.com/stricts3/stricts3/verifier"
)

// asHTTP turns a pre-signed Request into what a client sends.
func asHTTP(t *testing.T, p *presign.Request) *http.Request {
	t.Helper()
	r, err := http.NewRequest(p.Method, p.URL, nil)
	require.NoError(t, err)
	for k, v := range p.Header {
		r.Header[k] = v
	}
	if cl := p.Header.Get("Content-Length"); cl != "" {
		r.Header.Del("Content-Length")
		n, err := strconv.ParseInt(cl, 10, 64)
		require.NoError(t, err)
		r.ContentLength = n
	}
	return r
}

// presignAll signs one request per operation the package offers.
func presignAll(t *testing.T, s *presign.Signer) map[string]*presign.Request {
	t.Helper()
	ctx := context.Background()
	out := map[string]*presign.Request{}
	add := func(name string, r *presign.Request, err error) {
		require.NoError(t, err, name)
		out[name] = r
	}
	r, err := s.GetObject(ctx, bucket, "dir/a b+c.png", time.Hour)
	add("GetObject", r, err)
	r, err = s.GetObject(ctx, bucket, "k", time.Hour, func(in *s3.GetObjectInput) {
		in.ResponseContentDisposition = aws.String(`attachment; filename="x y.txt"`)
		in.Range = aws.String("bytes=0-1")
	})
	add("GetObject_OverridesAndRange", r, err)
	r, err = s.HeadObject(ctx, bucket, "k", time.Hour)
	add("HeadObject", r, err)
	r, err = s.DeleteObject(ctx, bucket, "k", time.Hour)
	add("DeleteObject", r, err)
	r, err = s.PutObject(ctx, bucket, "k", time.Hour, presign.PutOptions{})
	add("PutObject", r, err)
	r, err = s.PutObject(ctx, bucket, "k", time.Hour, presign.PutOptions{ContentType: "image/png", ContentLength: 4,
		ContentMD5: "jXd/OF09/siBXSD3SWAm3A==", Metadata: map[string]string{"owner": "alice"}})
	add("PutObject_HoistedMetadata", r, err)
	r, err = s.PutObject(ctx, bucket, "k", time.Hour, presign.PutOptions{Metadata: map[string]string{"owner": "alice"}, SignHeaders: true})
	add("PutObject_SignedHeaders", r, err)
	r, err = s.UploadPart(ctx, bucket, "k", "upload/1", 2, time.Hour)
	add("UploadPart", r, err)
	r, err = s.ListObjectsV2(ctx, bucket, time.Hour, func(in *s3.ListObjectsV2Input) {
		in.Prefix = aws.String("a b/")
		in.Delimiter = aws.String("/")
	})
	add("ListObjectsV2", r, err)
	r, err = presign.Operation(ctx, s, (*s3.PresignClient).PresignHeadBucket, &s3.HeadBucketInput{Bucket: aws.String(bucket)}, time.Hour)
	add("Operation_HeadBucket", r, err)
	r, err = s.Call(ctx, time.Hour, func(ctx context.Context, c *s3.Client, o ...func(*s3.Options)) error {
		_, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(bucket)}, o...)
		return err
	})
	add("Call_GetBucketCors", r, err)
	return out
}

func TestPresignURL_EveryOperationIsAcceptedByTheVerifier(t *testing.T) {
	s := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt))
	v := newVerifier(s3test.NewClock(signedAt.Add(59 * time.Minute)))
	for name, p := range presignAll(t, s) {
		t.Run(name, func(t *testing.T) {
			res, err := v.Authenticate(asHTTP(t, p))
			require.NoError(t, err)
			assert.Equal(t, verifier.AuthSigV4Query, res.Identity.Auth)
			assert.Equal(t, akid, res.Identity.AccessKeyID)
		})
	}
}

func TestPresignURL_HoistedMetadata_ReachesQueryHeaders(t *testing.T) {
	s := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt))
	p, err := s.PutObject(context.Background(), bucket, "k", time.Hour, presign.PutOptions{Metadata: map[string]string{"owner": "alice"}})
	require.NoError(t, err)
	res, err := newVerifier(s3test.NewClock(signedAt)).Authenticate(asHTTP(t, p))
	require.NoError(t, err)
	assert.Equal(t, "alice", res.QueryHeaders.Get("X-Amz-Meta-Owner"))
}

func TestPresignURL_MisuseIsRejectedByTheVerifier(t *testing.T) {
	s := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt))
	all := presignAll(t, s)
	cases := []struct {
		name    string
		op      string
		at      time.Time
		mutate  func(r *http.Request)
		code    string
		message string
	}{
		{"Expired", "GetObject", signedAt.Add(time.Hour + time.Second), nil,
			"AccessDenied", "Request has expired"},
		{"WrongMethod", "PutObject", signedAt, func(r *http.Request) { r.Method = http.MethodGet },
			"SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method."},
		{"SignedContentTypeNotSent", "PutObject_HoistedMetadata", signedAt, func(r *http.Request) { r.Header.Del("Content-Type") },
			"SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method."},
		{"SignedMetadataHeaderChanged", "PutObject_SignedHeaders", signedAt, func(r *http.Request) { r.Header.Set("X-Amz-Meta-Owner", "mallory") },
			"SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method."},
		{"UnsignedAmzHeaderAdded", "GetObject", signedAt, func(r *http.Request) { r.Header.Set("X-Amz-Meta-Extra", "1") },
			"AccessDenied", "There were headers present in the request which were not signed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := asHTTP(t, all[tc.op])
			if tc.mutate != nil {
				tc.mutate(r)
			}
			_, err := newVerifier(s3test.NewClock(tc.at)).Authenticate(r)
			e, ok := s3err.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, tc.code, string(e.Code))
			assert.Equal(t, tc.message, e.Message)
		})
	}
}

func TestPresignURL_SessionToken_IsSignedAndAccepted(t *testing.T) {
	s := presign.New(newClient(tempKey, tempSec, tempTok), presign.WithSigningTime(signedAt))
	p, err := s.GetObject(context.Background(), bucket, "k", time.Hour)
	require.NoError(t, err)
	assert.Contains(t, p.URL, "X-Amz-Security-Token="+tempTok)
	res, err := newVerifier(s3test.NewClock(signedAt)).Authenticate(asHTTP(t, p))
	require.NoError(t, err)
	assert.Equal(t, tempKey, res.Identity.AccessKeyID)
}
