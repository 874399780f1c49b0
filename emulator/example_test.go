package emulator_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/store"
	"github.com/stricts3/stricts3/verifier"
)

// A Server is an http.Handler: serve it however you like and point an S3
// client at it.
func ExampleNew() {
	srv, err := emulator.New(emulator.Options{
		Credentials: verifier.NewStaticCredentials(verifier.Credential{
			AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		}),
	})
	if err != nil {
		log.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	newClient := func(secret string) *s3.Client {
		return s3.New(s3.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(hs.URL),
			UsePathStyle: true,
			Credentials:  credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", secret, ""),
		})
	}
	client := newClient("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	ctx := context.Background()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("example")}); err != nil {
		log.Fatal(err)
	}
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("example"), Key: aws.String("hello.txt"),
		Body: strings.NewReader("hello, strict world")}); err != nil {
		log.Fatal(err)
	}
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("example"), Key: aws.String("hello.txt")})
	if err != nil {
		log.Fatal(err)
	}
	defer out.Body.Close()
	b, _ := io.ReadAll(out.Body)
	fmt.Println(string(b))

	// A wrong secret is rejected as S3 rejects it.
	_, err = newClient("not-the-secret").ListBuckets(ctx, &s3.ListBucketsInput{})
	fmt.Println(strings.Contains(err.Error(), "SignatureDoesNotMatch"))
	// Output:
	// hello, strict world
	// true
}

// Any gofakes3 backend (here s3mem) can keep the bytes while strictS3
// checks the requests: wrap it with store.FromGofakes3 and pass it as the
// Store. What a client uploads lands in the backend.
func ExampleNew_gofakes3Backend() {
	backend := s3mem.New()
	srv, err := emulator.New(emulator.Options{
		Credentials: verifier.NewStaticCredentials(verifier.Credential{
			AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		}),
		Store: store.FromGofakes3(backend),
	})
	if err != nil {
		log.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(hs.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
	})
	ctx := context.Background()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("team")}); err != nil {
		log.Fatal(err)
	}
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("team"), Key: aws.String("notes.txt"),
		Body: strings.NewReader("kept by s3mem")}); err != nil {
		log.Fatal(err)
	}

	obj, err := backend.GetObject("team", "notes.txt", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Contents.Close()
	b, _ := io.ReadAll(obj.Contents)
	fmt.Println(string(b))
	// Output: kept by s3mem
}

// A ManualClock lets a test cross an expiry without sleeping.
func ExampleManualClock() {
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := emulator.NewManualClock(start)
	clock.Advance(7 * 24 * time.Hour)
	fmt.Println(clock.Now().Format(time.DateOnly))
	// Output: 2026-01-08
}
