package verifier_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/stricts3/stricts3/verifier"
)

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// Explain shows how strictS3 checked a request: here the SigV2 GET from the
// AWS developer guide, and the same request replayed with another method.
func ExampleVerifier_Explain() {
	v := verifier.New(verifier.Config{
		Region:      "us-east-1",
		BaseDomain:  "s3.amazonaws.com",
		Clock:       fixedClock(time.Date(2007, 3, 27, 19, 40, 0, 0, time.UTC)),
		Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}),
	})
	r, _ := http.NewRequest("GET", "http://johnsmith.s3.amazonaws.com/photos/puppy.jpg", nil)
	r.Header.Set("Date", "Tue, 27 Mar 2007 19:36:42 +0000")
	r.Header.Set("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=")

	ex := v.Explain(r)
	fmt.Println(ex.AuthType, ex.Err == nil)
	fmt.Printf("%q\n", ex.StringToSign)

	r.Method = "DELETE"
	ex = v.Explain(r)
	fmt.Println(ex.Err)
	// Output:
	// sigv2-header true
	// "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg"
	// SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your key and signing method. (the signature matches this request with method GET: it was signed for GET and sent as DELETE)
}

// Authenticate answers an unsigned request with an anonymous identity and no
// error; the caller refuses it through Result.Allowed.
func ExampleVerifier_Authenticate() {
	v := verifier.New(verifier.Config{Region: "us-east-1", Credentials: verifier.NewStaticCredentials()})
	r, _ := http.NewRequest("GET", "http://localhost:9000/bucket/key", nil)
	res, err := v.Authenticate(r)
	fmt.Println(res.Identity.Auth, err, res.Allowed("s3:GetObject", "bucket", "key"))
	// Output: anonymous <nil> false
}
