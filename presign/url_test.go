package presign_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/presign"
)

func TestPresignURL_Shapes(t *testing.T) {
	s := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt))
	ctx := context.Background()
	cases := []struct {
		name        string
		make        func() (*presign.Request, error)
		method      string
		path        string
		query       map[string]string
		signed      string
		header      http.Header
		absentQuery []string
	}{
		{"GetObject", func() (*presign.Request, error) { return s.GetObject(ctx, bucket, "a b/c.png", time.Hour) },
			"GET", "/photos/a b/c.png", map[string]string{"X-Amz-Expires": "3600", "x-id": "GetObject"}, "host", http.Header{}, nil},
		{"GetObject_ResponseOverride", func() (*presign.Request, error) {
			return s.GetObject(ctx, bucket, "k", time.Minute, func(in *s3.GetObjectInput) { in.ResponseContentType = aws.String("text/plain") })
		}, "GET", "/photos/k", map[string]string{"response-content-type": "text/plain", "X-Amz-Expires": "60"}, "host", http.Header{}, nil},
		{"HeadObject", func() (*presign.Request, error) { return s.HeadObject(ctx, bucket, "k", time.Hour) },
			"HEAD", "/photos/k", nil, "host", http.Header{}, nil},
		{"DeleteObject", func() (*presign.Request, error) { return s.DeleteObject(ctx, bucket, "k", time.Hour) },
			"DELETE", "/photos/k", nil, "host", http.Header{}, nil},
		{"PutObject_MetadataHoistedByDefault", func() (*presign.Request, error) {
			return s.PutObject(ctx, bucket, "k", time.Hour, presign.PutOptions{ContentType: "image/png", ContentLength: 4,
				Metadata: map[string]string{"owner": "alice"}})
		}, "PUT", "/photos/k", map[string]string{"x-amz-meta-owner": "alice"}, "content-length;content-type;host",
			http.Header{"Content-Type": {"image/png"}, "Content-Length": {"4"}}, nil},
		{"PutObject_SignHeaders", func() (*presign.Request, error) {
			return s.PutObject(ctx, bucket, "k", time.Hour, presign.PutOptions{ContentMD5: "jXd/OF09/siBXSD3SWAm3A==",
				Metadata: map[string]string{"owner": "alice"}, SignHeaders: true})
		}, "PUT", "/photos/k", nil, "content-md5;host;x-amz-meta-owner",
			http.Header{"Content-Md5": {"jXd/OF09/siBXSD3SWAm3A=="}, "X-Amz-Meta-Owner": {"alice"}}, []string{"x-amz-meta-owner"}},
		{"UploadPart", func() (*presign.Request, error) { return s.UploadPart(ctx, bucket, "k", "upload-1", 3, time.Hour) },
			"PUT", "/photos/k", map[string]string{"partNumber": "3", "uploadId": "upload-1"}, "host", http.Header{}, nil},
		{"ListObjectsV2_ViaCall", func() (*presign.Request, error) {
			return s.ListObjectsV2(ctx, bucket, time.Hour, func(in *s3.ListObjectsV2Input) { in.Prefix = aws.String("x/") })
		}, "GET", "/photos", map[string]string{"list-type": "2", "prefix": "x/", "X-Amz-Expires": "3600"}, "host", http.Header{},
			[]string{"X-Amz-Content-Sha256"}},
		{"Operation_HeadBucket", func() (*presign.Request, error) {
			return presign.Operation(ctx, s, (*s3.PresignClient).PresignHeadBucket, &s3.HeadBucketInput{Bucket: aws.String(bucket)}, time.Hour)
		}, "HEAD", "/photos", nil, "host", http.Header{}, nil},
		{"Call_GetBucketCors", func() (*presign.Request, error) {
			return s.Call(ctx, time.Hour, func(ctx context.Context, c *s3.Client, o ...func(*s3.Options)) error {
				_, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(bucket)}, o...)
				return err
			})
		}, "GET", "/photos", map[string]string{"cors": ""}, "host", http.Header{}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.make()
			require.NoError(t, err)
			assert.Equal(t, tc.method, r.Method)
			u, err := url.Parse(r.URL)
			require.NoError(t, err)
			assert.Equal(t, "127.0.0.1:9000", u.Host)
			assert.Equal(t, tc.path, u.Path)
			q := u.Query()
			assert.Equal(t, "AWS4-HMAC-SHA256", q.Get("X-Amz-Algorithm"))
			assert.Equal(t, akid+"/20261126/us-east-1/s3/aws4_request", q.Get("X-Amz-Credential"))
			assert.Equal(t, "20261126T220000Z", q.Get("X-Amz-Date"))
			assert.Len(t, q.Get("X-Amz-Signature"), 64)
			assert.Equal(t, tc.signed, q.Get("X-Amz-SignedHeaders"))
			for k, v := range tc.query {
				assert.True(t, q.Has(k), "query has %s", k)
				assert.Equal(t, v, q.Get(k), k)
			}
			for _, k := range tc.absentQuery {
				assert.False(t, q.Has(k), "query must not carry %s", k)
			}
			assert.Equal(t, tc.header, r.Header)
		})
	}
}

func TestPresignURL_FixedSigningTime_IsReproducible(t *testing.T) {
	s := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt))
	a, err := s.GetObject(context.Background(), bucket, "k", time.Hour)
	require.NoError(t, err)
	b, err := s.GetObject(context.Background(), bucket, "k", time.Hour)
	require.NoError(t, err)
	assert.Equal(t, a, b)
	c, err := presign.New(newClient(akid, secret, "")).GetObject(context.Background(), bucket, "k", time.Hour)
	require.NoError(t, err)
	assert.NotEqual(t, a.URL, c.URL, "without a fixed time the URL carries the current time")
}
