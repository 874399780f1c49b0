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

// An authority saved as two PEM files and loaded at the next start signs
// new server certificates that clients holding the old CA file still trust.
func ExampleLoadAuthority() {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	ca, err := selfsigned.NewAuthority(now, 365*24*time.Hour)
	if err != nil {
		panic(err)
	}
	keyPEM, err := ca.KeyPEM()
	if err != nil {
		panic(err)
	}
	// ... write ca.CertPEM and keyPEM (mode 0600) to disk, restart, read them back ...
	loaded, err := selfsigned.LoadAuthority(ca.CertPEM, keyPEM)
	if err != nil {
		panic(err)
	}
	later := now.Add(90 * 24 * time.Hour)
	id, err := loaded.Issue(selfsigned.Options{Now: later})
	if err != nil {
		panic(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca.CertPEM)
	_, err = id.Certificate.Leaf.Verify(x509.VerifyOptions{DNSName: "localhost", Roots: roots, CurrentTime: later})
	fmt.Println(err == nil)
	// Output:
	// true
}
