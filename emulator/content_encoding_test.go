package emulator

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
)

func TestStripAWSChunked_RemovesOnlyTheTransferCoding(t *testing.T) {
	tests := []struct{ sent, stored string }{
		{"", ""},
		{"aws-chunked", ""},
		{"AWS-Chunked", ""},
		{"br", "br"},
		{"deflate, gzip", "deflate, gzip"},
		{"deflate,gzip", "deflate,gzip"},
		{"aws-chunked,gzip", "gzip"},
		{"aws-chunked, deflate, gzip", "deflate, gzip"},
		{"deflate, aws-chunked, gzip", "deflate, gzip"},
		{"deflate, gzip, aws-chunked", "deflate, gzip"},
		{"deflate, gzip,aws-chunked", "deflate, gzip"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.stored, stripAWSChunked(tc.sent), "Content-Encoding %q", tc.sent)
	}
}

// S3 stores Content-Encoding as sent, less the aws-chunked transfer coding
// wherever it stands in the list; GET and HEAD return it byte for byte.
func TestPutObject_ContentEncodingList_ComesBackExactlyAsSent(t *testing.T) {
	data := payload(10500)
	chunks := [][]byte{data[:10000], data[10000:]}
	raw := []struct{ sent, want string }{
		{"aws-chunked", ""},
		{"aws-chunked, deflate, gzip", "deflate, gzip"},
		{"deflate, aws-chunked, gzip", "deflate, gzip"},
		{"deflate, gzip, aws-chunked", "deflate, gzip"},
	}
	transports(t, func(t *testing.T, ts *TestServer, c *s3.Client) {
		ctx := context.Background()
		s3test.MustCreateBucket(t, c, "enc")
		for i, tc := range raw {
			t.Run("aws-chunked body, "+tc.sent, func(t *testing.T) {
				key := fmt.Sprint("raw", i)
				resp, body := do(t, ts, chunkedRequest(t, ts, ts.URL+"/enc/"+key,
					chunkedSpec{mode: streamingSigned, chunks: chunks, contentEncoding: tc.sent}))
				require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
				head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("enc"), Key: aws.String(key)})
				require.NoError(t, err)
				assert.Equal(t, tc.want, aws.ToString(head.ContentEncoding))
			})
		}
		t.Run("SDK PutObject, deflate, gzip", func(t *testing.T) {
			// Over TLS the SDK sends an aws-chunked body and adds the token.
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("enc"), Key: aws.String("sdk"),
				Body: bytes.NewReader([]byte("twice encoded")), ContentEncoding: aws.String("deflate, gzip")})
			require.NoError(t, err)
			head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("enc"), Key: aws.String("sdk")})
			require.NoError(t, err)
			assert.Equal(t, "deflate, gzip", aws.ToString(head.ContentEncoding))
			get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("enc"), Key: aws.String("sdk")})
			require.NoError(t, err)
			defer get.Body.Close()
			assert.Equal(t, "deflate, gzip", aws.ToString(get.ContentEncoding))
		})
	})
}
