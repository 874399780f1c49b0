package verifier

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3err"
)

// authServer answers 200 to authentic requests and S3's error otherwise,
// recording every verdict; it stands in for the emulator.
type authServer struct {
	*httptest.Server
	mu       sync.Mutex
	verdicts []string
}

func newAuthServer(t *testing.T, v *Verifier) *authServer {
	s := &authServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := v.Authenticate(r)
		verdict := "ok"
		if err != nil {
			e, _ := s3err.As(err)
			verdict = string(e.Code) + ": " + e.Message + " / " + e.Diagnosis
			s3err.Write(w, r, e, "req", "host")
		} else if res.Identity.Anonymous() {
			verdict = "anonymous"
			s3err.Write(w, r, s3err.New(s3err.AccessDenied), "req", "host")
		} else {
			body, _ := v.Body(r, res)
			if body != nil {
				_, _ = io.Copy(io.Discard, body)
			}
			if r.Method == http.MethodGet && strings.Contains(r.URL.RawQuery, "list-type=2") {
				w.Header().Set("Content-Type", "application/xml")
				_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>bucket</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>`)
			}
		}
		s.mu.Lock()
		s.verdicts = append(s.verdicts, r.Method+" "+r.RequestURI+" => "+verdict)
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *authServer) last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.verdicts) == 0 {
		return ""
	}
	return s.verdicts[len(s.verdicts)-1]
}

// The real S3 client, over a real HTTP connection, must pass: this pins
// RequestURI handling, Content-Length, checksum headers and key escaping.
func TestSDKClient_RealRequestsOverHTTP_AreAuthentic(t *testing.T) {
	v := New(Config{Region: testRegion, Credentials: NewStaticCredentials(keyMain)}) // wall clock: the SDK signs "now"
	srv := newAuthServer(t, v)
	client := s3.New(s3.Options{
		Region:       testRegion,
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(keyMain.AccessKeyID, keyMain.SecretAccessKey, ""),
		HTTPClient:   srv.Client(),
	})
	ctx := context.Background()
	keys := []string{"plain.txt", "with space", "plus+equals=percent%", "unicode-é-€", "double//slash", "star*(paren)!'", "tilde~semi;colon:at@"}
	for _, key := range keys {
		t.Run(key, func(t *testing.T) {
			_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key),
				Body: strings.NewReader("hello"), ContentType: aws.String("text/plain"), Metadata: map[string]string{"color": "blue"}})
			require.NoError(t, err, srv.last())
			_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key),
				ResponseContentType: aws.String("text/html; charset=utf-8")})
			require.NoError(t, err, srv.last())

			ps := s3.NewPresignClient(client)
			for _, method := range []string{"GET", "PUT"} {
				var url string
				if method == "GET" {
					req, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key)},
						s3.WithPresignExpires(5*time.Minute))
					require.NoError(t, err)
					url = req.URL
				} else {
					req, err := ps.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key)})
					require.NoError(t, err)
					url = req.URL
				}
				hr, err := http.NewRequest(method, url, strings.NewReader("body"))
				require.NoError(t, err)
				resp, err := srv.Client().Do(hr)
				require.NoError(t, err)
				resp.Body.Close()
				assert.Equal(t, 200, resp.StatusCode, srv.last())
			}
		})
	}
	_, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bucket"), Prefix: aws.String("a b/ü+"), Delimiter: aws.String("/")})
	require.NoError(t, err, srv.last())
}
