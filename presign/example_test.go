package presign_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stricts3/stricts3/presign"
)

func ExampleSigner_PresignPost() {
	s := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt))
	form, err := s.PresignPost(context.Background(), "photos", "uploads/${filename}", time.Hour,
		presign.ContentLengthRange(1, 10<<20),
		presign.Field("success_action_status", "201"),
		presign.Eq("$Content-Type", "image/png"))
	if err != nil {
		panic(err)
	}
	fmt.Println(form.URL)
	for _, f := range form.Fields[:3] {
		fmt.Println(f.Name, "=", f.Value)
	}
	// Output:
	// http://127.0.0.1:9000/photos
	// key = uploads/${filename}
	// success_action_status = 201
	// X-Amz-Algorithm = AWS4-HMAC-SHA256
}

func ExampleSigner_GetObject() {
	s := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt))
	req, err := s.GetObject(context.Background(), "photos", "cat.png", 15*time.Minute,
		func(in *s3.GetObjectInput) {
			in.ResponseContentDisposition = aws.String(`attachment; filename="cat.png"`)
		})
	if err != nil {
		panic(err)
	}
	u, _ := url.Parse(req.URL)
	q := u.Query()
	fmt.Println(req.Method, u.Path)
	fmt.Println(q.Get("response-content-disposition"))
	fmt.Println(q.Get("X-Amz-Date"), q.Get("X-Amz-Expires"), q.Get("X-Amz-SignedHeaders"))
	// Output:
	// GET /photos/cat.png
	// attachment; filename="cat.png"
	// 20261126T220000Z 900 host
}

func ExampleSigner_PutObject() {
	s := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt))
	req, err := s.PutObject(context.Background(), "photos", "cat.png", 15*time.Minute,
		presign.PutOptions{ContentType: "image/png"})
	if err != nil {
		panic(err)
	}
	fmt.Println(req.Method, req.Header.Get("Content-Type"))
	// Output:
	// PUT image/png
}

func ExampleOperation() {
	s := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt))
	req, err := presign.Operation(context.Background(), s, (*s3.PresignClient).PresignHeadBucket,
		&s3.HeadBucketInput{Bucket: aws.String("photos")}, time.Hour)
	if err != nil {
		panic(err)
	}
	fmt.Println(req.Method, strings.SplitN(req.URL, "?", 2)[0])
	// Output:
	// HEAD http://127.0.0.1:9000/photos
}

func ExampleSigner_Call() {
	s := presign.New(newClient(akid, secret, ""), presign.WithSigningTime(signedAt))
	req, err := s.Call(context.Background(), time.Hour, func(ctx context.Context, c *s3.Client, o ...func(*s3.Options)) error {
		_, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("photos")}, o...)
		return err
	})
	if err != nil {
		panic(err)
	}
	u, _ := url.Parse(req.URL)
	fmt.Println(req.Method, u.Path, u.Query().Has("cors"), u.Query().Get("X-Amz-Expires"))
	// Output:
	// GET /photos true 3600
}
