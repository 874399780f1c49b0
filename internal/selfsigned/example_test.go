package selfsigned_test

import (
	"crypto/x509"
	"fmt"
	"time"

	"github.com/stricts3/stricts3/internal/selfsigned"
)

// A generated identity serves loopback names and the chosen domain's
// virtual-hosted buckets; clients trust CAPEM (e.g. via AWS_CA_BUNDLE).
func ExampleGenerate() {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	id, err := selfsigned.Generate(selfsigned.Options{Names: []string{"s3.test", "*.s3.test"}, Now: now})
	if err != nil {
		panic(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(id.CAPEM)
	for _, host := range []string{"127.0.0.1", "photos.localhost", "photos.s3.test", "example.com"} {
		_, err := id.Certificate.Leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, CurrentTime: now})
		fmt.Println(host, err == nil)
	}
	// Output:
	// 127.0.0.1 true
	// photos.localhost true
	// photos.s3.test true
	// example.com false
}
