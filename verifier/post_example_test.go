package verifier_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/internal/s3test"
	"github.com/stricts3/stricts3/presign"
	"github.com/stricts3/stricts3/verifier"
)

// A browser upload form signed with the presign package, read back by the
// verifier the way the emulator's POST handler does.
func ExampleVerifier_ReadPost() {
	signedAt := time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC)
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String("http://127.0.0.1:9000"),
		UsePathStyle: true,
	})
	form, _ := presign.New(client, presign.WithSigningTime(signedAt)).
		PresignPost(context.Background(), "photos", "cats/${filename}", time.Hour, presign.ContentLengthRange(1, 5))

	// What the browser sends: the fields, then the file.
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, f := range form.Fields {
		_ = w.WriteField(f.Name, f.Value)
	}
	fw, _ := w.CreateFormFile("file", "tom.png")
	_, _ = fw.Write([]byte("too large"))
	_ = w.Close()
	r, _ := http.NewRequest(http.MethodPost, form.URL, &body)
	r.Header.Set("Content-Type", w.FormDataContentType())

	v := verifier.New(verifier.Config{
		Region:      "us-east-1",
		Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}),
		Clock:       s3test.NewClock(signedAt.Add(time.Minute)),
	})
	up, err := v.ReadPost(r, "photos")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(up.Key, up.Identity.Auth)
	// The size limit applies while the file streams.
	_, err = io.ReadAll(up.File)
	e, _ := s3err.As(err)
	fmt.Println(e.Code, e.Extra)
	// Output:
	// cats/tom.png sigv4-post
	// EntityTooLarge [{ProposedSize 9} {MaxSizeAllowed 5}]
}
