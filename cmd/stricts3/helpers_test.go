package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
)

// served is a `stricts3 serve` running in-process.
type served struct {
	// banner holds stdout lines up to and including the export line.
	banner []string
	// vars are the export line's assignments.
	vars   map[string]string
	stderr *s3test.LockedBuffer
	// stderrLines receives every stderr line (the request log), unbuffered
	// beyond its capacity; tests that wait for a log line read it.
	stderrLines chan string
	cancel      context.CancelFunc
	done        chan error
	stopOnce    sync.Once
	err         error
}

// startServe runs `stricts3 serve args...` with env as its whole
// environment and returns once the export line is printed. The server is
// stopped at test cleanup if the test did not stop it.
func startServe(t *testing.T, env map[string]string, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	outR, outW := io.Pipe()
	errR, errW := io.Pipe()
	s := &served{
		vars:        map[string]string{},
		stderr:      &s3test.LockedBuffer{},
		stderrLines: make(chan string, 1024),
		cancel:      cancel,
		done:        make(chan error, 1),
	}
	go func() {
		err := run(ctx, append([]string{"serve"}, args...), outW, errW, envMap(env))
		outW.Close()
		errW.Close()
		s.done <- err
	}()
	go func() {
		sc := bufio.NewScanner(errR)
		for sc.Scan() {
			s.stderr.Write([]byte(sc.Text() + "\n"))
			select {
			case s.stderrLines <- sc.Text():
			default:
			}
		}
	}()
	sc := bufio.NewScanner(outR)
	for sc.Scan() {
		line := sc.Text()
		s.banner = append(s.banner, line)
		if rest, ok := strings.CutPrefix(line, "export "); ok {
			s.vars = parseExport(t, rest)
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	if len(s.vars) == 0 {
		cancel()
		err := <-s.done
		t.Fatalf("serve printed no export line (err %v); stdout %q; stderr %s", err, s.banner, s.stderr.String())
	}
	t.Cleanup(func() { _ = s.stop() })
	return s
}

// stop cancels the server's context, as SIGINT does, and returns run's error.
func (s *served) stop() error {
	s.stopOnce.Do(func() {
		s.cancel()
		s.err = <-s.done
	})
	return s.err
}

// parseExport splits `A=x B='y z'` into a map, undoing shellQuote.
func parseExport(t *testing.T, s string) map[string]string {
	t.Helper()
	vars := map[string]string{}
	for len(s) > 0 {
		s = strings.TrimLeft(s, " ")
		name, rest, ok := strings.Cut(s, "=")
		require.True(t, ok, "export word without '=': %q", s)
		var val strings.Builder
		for len(rest) > 0 && rest[0] != ' ' {
			if rest[0] == '\'' {
				end := strings.IndexByte(rest[1:], '\'')
				require.GreaterOrEqual(t, end, 0, "unterminated quote in %q", rest)
				val.WriteString(rest[1 : 1+end])
				rest = rest[end+2:]
				continue
			}
			if rest[0] == '\\' && len(rest) > 1 {
				val.WriteByte(rest[1])
				rest = rest[2:]
				continue
			}
			val.WriteByte(rest[0])
			rest = rest[1:]
		}
		vars[name] = val.String()
		s = rest
	}
	return vars
}

// sdkClient builds an S3 client from serve's export line by hand:
// config.LoadDefaultConfig would read this machine's AWS_CA_BUNDLE and
// shared config instead of the values under test.
func sdkClient(t *testing.T, vars map[string]string) *s3.Client {
	t.Helper()
	httpClient := awshttp.NewBuildableClient()
	if ca := vars["AWS_CA_BUNDLE"]; ca != "" {
		pem, err := os.ReadFile(ca)
		require.NoError(t, err)
		pool := x509.NewCertPool()
		require.True(t, pool.AppendCertsFromPEM(pem), "AWS_CA_BUNDLE holds no certificate")
		httpClient = httpClient.WithTransportOptions(func(tr *http.Transport) {
			tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		})
	}
	cfg := aws.Config{
		Region:      vars["AWS_REGION"],
		Credentials: credentials.NewStaticCredentialsProvider(vars["AWS_ACCESS_KEY_ID"], vars["AWS_SECRET_ACCESS_KEY"], ""),
		HTTPClient:  httpClient,
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(vars["AWS_ENDPOINT_URL"])
		o.UsePathStyle = true
	})
}

// runCmd runs one non-serving command and returns stdout, stderr and the
// exit status main would use.
func runCmd(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, &stdout, &stderr, envMap(env))
	reportError(&stderr, err)
	return stdout.String(), stderr.String(), exitCode(err)
}
