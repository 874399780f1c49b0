package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/stricts3/stricts3/internal/selfsigned"
)

// Where serve --tls keeps its authority in a data directory: beside the
// store's own files, in a folder of the store's root (which the store
// lock already makes this process's alone).
const (
	tlsDirName = "tls"
	caCertName = "ca.pem"
	caKeyName  = "ca-key.pem"
)

// keptCAValidity is how long an authority kept in a data directory lasts.
// Clients are told to trust it once, so it outlives many server
// certificates; it is replaced (and the change logged) when it would
// expire before the next server certificate does.
const keptCAValidity = 5 * 365 * 24 * time.Hour

// serverCertValidity is each start's server certificate's.
const serverCertValidity = 30 * 24 * time.Hour

// serverTLS loads --cert/--key, or issues a server certificate for the
// loopback names and the base domain from a private authority. It returns
// the path clients should trust ("" for user certificates) and a function
// that removes what was only for this run (a temp CA file).
func serverTLS(c *serveConfig, now time.Time, logger *slog.Logger) (*tls.Config, string, func(), error) {
	nothing := func() {}
	if c.certFile != "" {
		cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
		if err != nil {
			return nil, "", nil, fmt.Errorf("--cert/--key: %w", err)
		}
		return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, "", nothing, nil
	}
	ca, caPath, cleanup, err := authority(c, now, logger)
	if err != nil {
		return nil, "", nil, err
	}
	var names []string
	if c.domain != "" {
		names = append(names, c.domain, "*."+c.domain)
	}
	id, err := ca.Issue(selfsigned.Options{Names: names, Now: now, Validity: serverCertValidity})
	if err != nil {
		cleanup()
		return nil, "", nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{id.Certificate}, MinVersion: tls.VersionTLS12}, caPath, cleanup, nil
}

// authority returns the CA that signs this run's server certificate and
// the file clients trust: the data directory's kept CA, or a new one
// written to --cert-out or to a temp file of its own.
func authority(c *serveConfig, now time.Time, logger *slog.Logger) (*selfsigned.Authority, string, func(), error) {
	nothing := func() {}
	if c.dataDir != "" {
		ca, path, err := keptAuthority(filepath.Join(c.dataDir, tlsDirName), now, logger)
		if err != nil {
			return nil, "", nil, fmt.Errorf("--tls: %w", err)
		}
		if c.certOut == "" {
			return ca, path, nothing, nil
		}
		if err := replaceFile(c.certOut, ca.CertPEM, 0o644); err != nil {
			return nil, "", nil, fmt.Errorf("--cert-out: %w", err)
		}
		return ca, c.certOut, nothing, nil
	}
	ca, err := selfsigned.NewAuthority(now, serverCertValidity)
	if err != nil {
		return nil, "", nil, err
	}
	if c.certOut != "" {
		if err := replaceFile(c.certOut, ca.CertPEM, 0o644); err != nil {
			return nil, "", nil, fmt.Errorf("--cert-out: %w", err)
		}
		return ca, c.certOut, nothing, nil
	}
	path, err := writeTempCA(ca.CertPEM)
	if err != nil {
		return nil, "", nil, fmt.Errorf("--tls: %w", err)
	}
	return ca, path, func() { os.Remove(path) }, nil
}

// writeTempCA writes the CA to a new file of a unique name in the temp
// directory. O_EXCL (os.CreateTemp) means a name another server uses, or a
// symlink planted at a guessed name, is never written through. A
// certificate is public: other local users' clients may read it.
func writeTempCA(certPEM []byte) (string, error) {
	return writeNewFile(os.TempDir(), "stricts3-ca-*.pem", certPEM, 0o644)
}

// writeNewFile writes data to a file os.CreateTemp makes in dir, with perm,
// and returns its name; on failure nothing is left behind.
func writeNewFile(dir, pattern string, data []byte, perm os.FileMode) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// keptAuthority loads the CA kept in dir, or makes and keeps a new one when
// there is none, it cannot be read, or it expires before a server
// certificate issued now would.
func keptAuthority(dir string, now time.Time, logger *slog.Logger) (*selfsigned.Authority, string, error) {
	certPath, keyPath := filepath.Join(dir, caCertName), filepath.Join(dir, caKeyName)
	certPEM, certErr := os.ReadFile(certPath)
	keyPEM, keyErr := os.ReadFile(keyPath)
	switch {
	case errors.Is(certErr, fs.ErrNotExist) && errors.Is(keyErr, fs.ErrNotExist):
	case certErr != nil || keyErr != nil:
		logger.Warn("the data directory's CA cannot be read; making a new one that clients must trust again", "path", certPath, "error", errors.Join(certErr, keyErr).Error())
	default:
		ca, err := selfsigned.LoadAuthority(certPEM, keyPEM)
		if err == nil && ca.Certificate.NotAfter.After(now.Add(serverCertValidity)) {
			return ca, certPath, nil
		}
		if err == nil {
			err = fmt.Errorf("it expires %s", ca.Certificate.NotAfter.UTC().Format(time.RFC3339))
		}
		logger.Warn("replacing the data directory's CA; clients must trust the new one", "path", certPath, "reason", err.Error())
	}
	ca, err := selfsigned.NewAuthority(now, keptCAValidity)
	if err != nil {
		return nil, "", err
	}
	keyPEM, err = ca.KeyPEM()
	if err != nil {
		return nil, "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", err
	}
	// The key first: a certificate on disk always has its key beside it.
	if err := replaceFile(keyPath, keyPEM, 0o600); err != nil {
		return nil, "", err
	}
	if err := replaceFile(certPath, ca.CertPEM, 0o644); err != nil {
		return nil, "", err
	}
	return ca, certPath, nil
}

// replaceFile writes data to a temp file beside path and renames it over
// path: a reader never sees half a file, and a symlink at path is replaced,
// not followed.
func replaceFile(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := writeNewFile(dir, "."+filepath.Base(path)+".tmp-*", data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
