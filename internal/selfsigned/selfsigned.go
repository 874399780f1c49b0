// Package selfsigned makes the throw-away TLS identity `stricts3 serve --tls`
// runs with: a private certificate authority and a server certificate it
// signed for the loopback names.
//
// Why two certificates instead of one self-signed leaf: clients are pointed
// at the authority with AWS_CA_BUNDLE (or REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS),
// and strict verifiers such as OpenSSL in X509_STRICT mode (Python 3.13's
// default) refuse a leaf that doubles as its own CA. A separate authority is
// what every client accepts.
package selfsigned

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"
)

// DefaultNames returns the host names and addresses every generated
// certificate covers: what a local client uses to reach a local server, plus
// the virtual-hosted bucket names under localhost.
func DefaultNames() []string { return []string{"localhost", "*.localhost", "127.0.0.1", "::1"} }

// Options shape a generated certificate.
type Options struct {
	// Names are DNS names (wildcards allowed) and IP addresses the server
	// certificate is valid for. DefaultNames are always included.
	Names []string
	// Now is the issue time; the certificates are valid from an hour before
	// (to tolerate skewed clocks) until Now+Validity.
	Now time.Time
	// Validity defaults to 30 days.
	Validity time.Duration
}

// Identity is a generated authority and the server certificate it signed.
type Identity struct {
	// Certificate is the server's chain (leaf, then authority) with its key,
	// ready for tls.Config.Certificates.
	Certificate tls.Certificate
	// CAPEM is the authority certificate in PEM form: what clients trust.
	CAPEM []byte
	// CA is the parsed authority, for building a client pool in-process.
	CA *x509.Certificate
}

// Generate creates a fresh ECDSA P-256 authority and a server certificate
// it signed, both valid for opts.Validity.
func Generate(opts Options) (*Identity, error) {
	if opts.Now.IsZero() {
		return nil, errors.New("selfsigned: Options.Now is required")
	}
	ca, err := NewAuthority(opts.Now, opts.Validity)
	if err != nil {
		return nil, err
	}
	return ca.Issue(opts)
}

// Authority is a private certificate authority that can be kept (its
// certificate and key in PEM) and reused, so clients trust it once.
type Authority struct {
	// Certificate is the parsed authority certificate.
	Certificate *x509.Certificate
	// CertPEM is Certificate in PEM form: what clients trust.
	CertPEM []byte
	key     *ecdsa.PrivateKey
}

// NewAuthority creates an ECDSA P-256 authority valid from an hour before
// now (to tolerate skewed clocks) until now+validity (default 30 days).
func NewAuthority(now time.Time, validity time.Duration) (*Authority, error) {
	if now.IsZero() {
		return nil, errors.New("selfsigned: the issue time is required")
	}
	if validity <= 0 {
		validity = defaultValidity
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("selfsigned: CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Organization: []string{"strictS3"}, CommonName: "strictS3 local CA " + now.UTC().Format("20060102T150405Z")},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("selfsigned: CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("selfsigned: CA certificate: %w", err)
	}
	return &Authority{Certificate: cert, CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), key: key}, nil
}

// LoadAuthority reads an authority saved from CertPEM and KeyPEM.
func LoadAuthority(certPEM, keyPEM []byte) (*Authority, error) {
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("selfsigned: authority: %w", err)
	}
	key, ok := pair.PrivateKey.(*ecdsa.PrivateKey)
	cert := pair.Leaf
	if cert == nil {
		if cert, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return nil, fmt.Errorf("selfsigned: authority: %w", err)
		}
	}
	if !ok || !cert.IsCA {
		return nil, errors.New("selfsigned: authority: not a strictS3 ECDSA certificate authority")
	}
	return &Authority{Certificate: cert, CertPEM: certPEM, key: key}, nil
}

// KeyPEM is the authority's private key in PKCS #8 PEM form, for saving
// beside CertPEM where only the server can read it.
func (a *Authority) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(a.key)
	if err != nil {
		return nil, fmt.Errorf("selfsigned: authority key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// Issue signs a fresh server certificate for opts.Names and the default
// names, valid from an hour before opts.Now for opts.Validity but never
// past the authority's own expiry.
func (a *Authority) Issue(opts Options) (*Identity, error) {
	if opts.Now.IsZero() {
		return nil, errors.New("selfsigned: Options.Now is required")
	}
	if opts.Validity <= 0 {
		opts.Validity = defaultValidity
	}
	dnsNames, ips := splitNames(append(DefaultNames(), opts.Names...))
	notAfter := opts.Now.Add(opts.Validity)
	if notAfter.After(a.Certificate.NotAfter) {
		notAfter = a.Certificate.NotAfter
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("selfsigned: server key: %w", err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{Organization: []string{"strictS3"}, CommonName: "localhost"},
		NotBefore:    opts.Now.Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     dnsNames,
		IPAddresses:  ips,
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, a.Certificate, &leafKey.PublicKey, a.key)
	if err != nil {
		return nil, fmt.Errorf("selfsigned: server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(leafDER)
	if err != nil {
		return nil, fmt.Errorf("selfsigned: server certificate: %w", err)
	}
	return &Identity{
		Certificate: tls.Certificate{
			Certificate: [][]byte{leafDER, a.Certificate.Raw},
			PrivateKey:  leafKey,
			Leaf:        leaf,
		},
		CAPEM: a.CertPEM,
		CA:    a.Certificate,
	}, nil
}

const defaultValidity = 30 * 24 * time.Hour

// splitNames sorts names into DNS names and IP addresses, dropping empty
// entries and duplicates while keeping the first-seen order.
func splitNames(names []string) (dns []string, ips []net.IP) {
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(strings.ToLower(n))
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		if ip := net.ParseIP(strings.Trim(n, "[]")); ip != nil {
			ips = append(ips, ip)
			continue
		}
		dns = append(dns, n)
	}
	return dns, ips
}

// serial is a random 128-bit serial number, as RFC 5280 recommends, so two
// generated authorities never collide in a client's trust store.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		// crypto/rand does not fail on supported platforms (Go 1.24+ it
		// crashes the program instead); keep a valid serial regardless.
		return big.NewInt(time.Now().UnixNano())
	}
	return n.Add(n, big.NewInt(1))
}
