package emulator

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The server benchmarks measure a whole request over loopback HTTP —
// client signing, verification, body checks, the memory store — because
// that is the cost a test suite pays per S3 call.

func benchServer(b *testing.B, size int) (*TestServer, []byte) {
	b.Helper()
	// A log line per request to b.Log would dominate the measurement.
	ts := NewTestServer(b, WithLogger(slog.New(slog.DiscardHandler)))
	_, err := ts.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("bench")})
	if err != nil {
		b.Fatal(err)
	}
	return ts, bytes.Repeat([]byte("strictS3"), size/8)
}

func BenchmarkServer_PutObject1MiB(b *testing.B) {
	ts, data := benchServer(b, 1<<20)
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		_, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String("bench"), Key: aws.String("obj"), Body: bytes.NewReader(data),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkServer_PresignedGet1MiB(b *testing.B) {
	ts, data := benchServer(b, 1<<20)
	ctx := context.Background()
	if _, err := ts.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("bench"), Key: aws.String("obj"), Body: bytes.NewReader(data),
	}); err != nil {
		b.Fatal(err)
	}
	req, err := ts.Presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String("obj")})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		resp, err := ts.HTTPClient.Get(req.URL)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n != int64(len(data)) {
			b.Fatalf("status %d, %d bytes", resp.StatusCode, n)
		}
	}
}

func BenchmarkServer_RejectedPresignedGet(b *testing.B) {
	ts, _ := benchServer(b, 8)
	req, err := ts.Presign.PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String("obj")})
	if err != nil {
		b.Fatal(err)
	}
	tampered := req.URL + "&x-id=tampered"
	b.ReportAllocs()
	for b.Loop() {
		resp, err := ts.HTTPClient.Get(tampered)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
