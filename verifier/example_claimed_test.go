package verifier_test

import (
	"fmt"
	"net/http"

	"github.com/stricts3/stricts3/verifier"
)

// A rejected request's log line can still say which key it claimed.
func ExampleClaimedAccessKeyID() {
	r, _ := http.NewRequest(http.MethodGet, "http://localhost:9000/photos/cat.png", nil)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAREADEREXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0000")
	fmt.Println(verifier.ClaimedAccessKeyID(r))
	// Output: AKIAREADEREXAMPLE
}
