package emulator_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/cors"
	"github.com/stricts3/stricts3/verifier"
)

// An OffsetClock is what `stricts3 serve` runs on: the control API moves
// it, and it keeps ticking from where it was put.
func ExampleOffsetClock() {
	base := emulator.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	clock := emulator.NewOffsetClock(base) // nil: the system clock
	clock.Advance(16 * time.Minute)
	fmt.Println(clock.Now().Format(time.RFC3339), clock.Offset())
	clock.Reset()
	fmt.Println(clock.Now().Format(time.RFC3339))
	// Output:
	// 2026-01-01T00:16:00Z 16m0s
	// 2026-01-01T00:00:00Z
}

// Start-up buckets exist as soon as New returns; the control API's health
// endpoint answers without credentials.
func ExampleBucketSetup() {
	rules, err := cors.Parse([]byte(`<CORSConfiguration><CORSRule>` +
		`<AllowedOrigin>http://localhost:3000</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>` +
		`</CORSRule></CORSConfiguration>`))
	if err != nil {
		panic(err)
	}
	srv, err := emulator.New(emulator.Options{
		Credentials: verifier.NewStaticCredentials(verifier.Credential{AccessKeyID: "AKIAOWNEREXAMPLE", SecretAccessKey: "owner-secret"}),
		Clock:       emulator.NewOffsetClock(nil),
		Buckets:     []emulator.BucketSetup{{Name: "uploads", CORS: rules}},
	})
	if err != nil {
		panic(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	buckets, _ := srv.Store().ListBuckets(context.Background())
	fmt.Println(buckets[0].Name)
	resp, err := http.Get(hs.URL + emulator.ControlPrefix + "health")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	// Output:
	// uploads
	// 200 application/json
}
