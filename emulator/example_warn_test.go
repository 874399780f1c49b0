package emulator_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/verifier"
)

// In warn-only mode a request S3 would refuse is served, marked, and
// counted in the report; the inspector keeps it for inspection.
func ExampleServer_Report() {
	srv, err := emulator.New(emulator.Options{
		Credentials: verifier.NewStaticCredentials(verifier.Credential{
			AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		}),
		Buckets: []emulator.BucketSetup{{Name: "example"}},
		Enforce: emulator.EnforceWarn,
	})
	if err != nil {
		log.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	// Anonymous: strict mode answers 403 AccessDenied.
	resp, err := http.Get(hs.URL + "/example?list-type=2")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get(emulator.WarningHeader))

	report := srv.Report()
	fmt.Println(report.Warned, report.ByCode, report.ByCause)
	fmt.Println(report.Requests[0].Operation, report.Requests[0].Code)
	// Output:
	// 200 AccessDenied: anonymous
	// 1 map[AccessDenied:1] map[anonymous:1]
	// ListObjectsV2 AccessDenied
}
