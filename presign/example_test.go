package presign_test

import (
	"context"
	"fmt"
	"time"

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
