package emulator

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/internal/s3test"
)

// A GET answers from one version of the object: while writers keep
// replacing a key with bodies of distinct bytes, length and metadata, every
// GET's ETag, Content-Length and x-amz-meta-writer describe exactly the
// body it carries. Run with -race, this also pins the stores' locking.
func TestGetObject_ConcurrentOverwrites_HeadersMatchBody(t *testing.T) {
	for name, newStore := range everyStore {
		t.Run(name, func(t *testing.T) {
			ts := NewTestServer(t, WithStore(newStore(t)), WithLogger(slog.New(slog.DiscardHandler)))
			ctx := context.Background()
			s3test.MustCreateBucket(t, ts.Client, "race")
			putVersion := func(w, i int) {
				body := bytes.Repeat([]byte{byte('a' + w)}, 1+w*4096+i*97)
				_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("race"), Key: aws.String("k"),
					Body: bytes.NewReader(body), Metadata: map[string]string{"writer": string(body[0])}})
				assert.NoError(t, err)
			}
			putVersion(0, 0)

			const writers, readers, rounds = 3, 3, 25
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					for i := range rounds {
						putVersion(w, i)
					}
				})
			}
			for range readers {
				wg.Go(func() {
					for range rounds {
						out, err := ts.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("race"), Key: aws.String("k")})
						if !assert.NoError(t, err) {
							continue
						}
						body, err := io.ReadAll(out.Body)
						out.Body.Close()
						require.NoError(t, err)
						sum := md5.Sum(body)
						assert.Equal(t, `"`+hex.EncodeToString(sum[:])+`"`, aws.ToString(out.ETag), "ETag of the body sent")
						assert.Equal(t, int64(len(body)), aws.ToInt64(out.ContentLength))
						assert.Equal(t, string(body[:1]), out.Metadata["writer"], "metadata of the body sent")
					}
				})
			}
			wg.Wait()
		})
	}
}

// recordChannel is a slog.Handler that hands every record to a test.
type recordChannel chan slog.Record

func (recordChannel) Enabled(context.Context, slog.Level) bool { return true }
func (c recordChannel) Handle(_ context.Context, r slog.Record) error {
	c <- r.Clone()
	return nil
}
func (c recordChannel) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c recordChannel) WithGroup(string) slog.Handler      { return c }

func recordAttrs(r slog.Record) map[string]string {
	out := map[string]string{}
	r.Attrs(func(a slog.Attr) bool {
		out[a.Key] = a.Value.String()
		return true
	})
	return out
}

// A client that hangs up in the middle of a download is not a server
// failure: the request is logged at INFO as "client closed connection"
// with the bytes that got out, not as ERROR InternalError.
func TestGetObject_ClientHangsUpMidBody_IsLoggedAsClientClosedConnection(t *testing.T) {
	logs := make(recordChannel, 16)
	ts := NewTestServer(t, WithLogger(slog.New(logs)))
	s3test.MustCreateBucket(t, ts.Client, "big")
	// Larger than loopback socket buffers can absorb, so the server is
	// still writing when the connection goes.
	const size = 64 << 20
	_, err := ts.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("big"), Key: aws.String("obj"),
		Body: bytes.NewReader(make([]byte, size))})
	require.NoError(t, err)
	for len(logs) > 0 {
		<-logs
	}

	get, err := ts.Presign.PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("big"), Key: aws.String("obj")})
	require.NoError(t, err)
	conn, err := net.Dial("tcp", ts.Host())
	require.NoError(t, err)
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	path := strings.TrimPrefix(get.URL, ts.URL)
	_, err = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, ts.Host())
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	_, err = io.ReadFull(resp.Body, make([]byte, 4096))
	require.NoError(t, err)
	// Closing with unread data makes the kernel reset the connection.
	require.NoError(t, conn.Close())

	select {
	case r := <-logs:
		attrs := recordAttrs(r)
		assert.Equal(t, slog.LevelInfo, r.Level, "%v", attrs)
		assert.Equal(t, "client closed connection", attrs["verdict"])
		assert.Equal(t, "GetObject", attrs["operation"])
		assert.NotContains(t, attrs, "error")
		assert.Equal(t, fmt.Sprint(size), attrs["bytes_expected"])
		sent := attrs["bytes_sent"]
		assert.NotEmpty(t, sent)
		assert.NotEqual(t, fmt.Sprint(size), sent, "the body was cut short")
	case <-time.After(10 * time.Second):
		t.Fatal("no log line for the interrupted GET")
	}
}
