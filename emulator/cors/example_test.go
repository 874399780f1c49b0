package cors_test

import (
	"fmt"

	"github.com/stricts3/stricts3/emulator/cors"
)

func ExampleConfiguration_Preflight() {
	c, err := cors.Parse([]byte(`<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    <AllowedOrigin>https://*.example.com</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedHeader>x-amz-*</AllowedHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`))
	if err != nil {
		panic(err)
	}

	h, e := c.Preflight("https://app.example.com", "PUT", []string{"X-Amz-Meta-Owner"}, cors.ResourceObject)
	fmt.Println(e == nil)
	fmt.Println(h.Get("Access-Control-Allow-Origin"))
	fmt.Println(h.Get("Access-Control-Allow-Methods"))
	fmt.Println(h.Get("Access-Control-Allow-Headers"))

	_, e = c.Preflight("https://app.example.com", "PUT", []string{"Content-Type"}, cors.ResourceObject)
	fmt.Println(e.Status, e.Code)
	// Output:
	// true
	// https://app.example.com
	// PUT, POST
	// x-amz-meta-owner
	// 403 AccessForbidden
}

func ExampleParse() {
	_, err := cors.Parse([]byte(`<CORSConfiguration><CORSRule>
  <AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod>
</CORSRule></CORSConfiguration>`))
	fmt.Println(err)
	// Output:
	// InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported method is PATCH (CORSRule 1 allows method "PATCH"; S3 accepts only GET, PUT, HEAD, POST and DELETE, upper-case)
}
