package verifier_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/stricts3/stricts3/internal/s3err"
	"github.com/stricts3/stricts3/verifier"
)

// A PutObject handler reads the verified body into a temporary place and
// commits only when the read ended in io.EOF; any error means store nothing.
func ExampleVerifier_Body() {
	v := verifier.New(verifier.Config{Region: "us-east-1"})

	// An aws-sdk-go-v2 upload over TLS: aws-chunked, unsigned, CRC32 trailer.
	body := "6\r\nhello\n\r\n0\r\nx-amz-checksum-crc32:NjowIA==\r\n\r\n"
	r := httptest.NewRequest(http.MethodPut, "/bucket/key", strings.NewReader(body))
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", "6")
	r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
	res := &verifier.Result{Payload: verifier.Payload{Mode: verifier.PayloadStreamingUnsignedTrailer}}

	b, err := v.Body(r, res)
	if err != nil {
		fmt.Println("rejected before reading:", err)
		return
	}
	data, err := io.ReadAll(b)
	if err != nil {
		e, _ := s3err.As(err)
		fmt.Println("store nothing:", e.Code)
		return
	}
	sum := b.Checksum()
	fmt.Printf("%q %d bytes, ETag %x\n", data, b.Size(), b.MD5())
	fmt.Println(sum.Algorithm, sum.Value, sum.Supplied)
	// Output:
	// "hello\n" 6 bytes, ETag b1946ac92492d2347c6235b4d2611184
	// CRC32 NjowIA== true
}

func ExampleCompositeChecksum() {
	// Two parts uploaded with x-amz-checksum-crc32 (of "hello\n" and "world\n").
	sum, err := verifier.CompositeChecksum("CRC32", []string{"NjowIA==", "3ThhqA=="})
	fmt.Println(sum, err)
	// Output: tYXzdg==-2 <nil>
}

func ExampleFullObjectChecksum() {
	sum, err := verifier.FullObjectChecksum("CRC32", []verifier.ChecksumPart{
		{Value: "NjowIA==", Size: 6}, // "hello\n"
		{Value: "3ThhqA==", Size: 6}, // "world\n"
	})
	fmt.Println(sum, err) // the CRC32 of "hello\nworld\n"
	// Output: xMVd/w== <nil>
}
