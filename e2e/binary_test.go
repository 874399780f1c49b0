package e2e

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildBinary compiles cmd/stricts3 into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool := requireTool(t, "go", "https://go.dev/doc/install")
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "stricts3")
	out, err := run(t, 5*time.Minute, root, os.Environ(), goTool, "build", "-o", bin, "./cmd/stricts3")
	require.NoError(t, err, "go build ./cmd/stricts3:\n%s", out)
	return bin
}

// serveBinary starts `stricts3 serve` with args and returns the environment
// its banner tells the user to export. The server is stopped with SIGINT at
// cleanup and must exit cleanly.
func serveBinary(t *testing.T, bin string, args ...string) map[string]string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = clientEnv(t, nil)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())

	exited := make(chan error, 1)
	stoppedEarly := false
	t.Cleanup(func() {
		if stoppedEarly {
			return
		}
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case err := <-exited:
			assert.NoError(t, err, "stricts3 serve exits 0 on SIGINT")
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("stricts3 serve did not stop within 20s of SIGINT")
			<-exited
		}
		if t.Failed() {
			t.Logf("stricts3 serve log:\n%s", tail(stderr.String(), 8000))
		}
	})

	banner := make(chan map[string]string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if rest, ok := strings.CutPrefix(line, "export "); ok {
				banner <- parseExports(rest)
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
	select {
	case env := <-banner:
		return env
	case err := <-exited:
		stoppedEarly = true
		t.Fatalf("stricts3 serve exited before printing its banner: %v\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("stricts3 serve printed no export line within 30s\n%s", stderr.String())
	}
	return nil
}

// parseExports reads `A=x B='y z'` as the shell would (single quotes only,
// which is all the banner uses).
func parseExports(s string) map[string]string {
	out := map[string]string{}
	var name, val strings.Builder
	inName, quoted := true, false
	flush := func() {
		if name.Len() > 0 {
			out[name.String()] = val.String()
		}
		name.Reset()
		val.Reset()
		inName = true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\'':
			quoted = false
		case quoted:
			val.WriteByte(c)
		case c == '\'':
			quoted = true
		case c == '\\' && i+1 < len(s):
			i++
			val.WriteByte(s[i])
		case c == ' ':
			flush()
		case inName && c == '=':
			inName = false
		case inName:
			name.WriteByte(c)
		default:
			val.WriteByte(c)
		}
	}
	flush()
	return out
}

// The user's path: start the binary with --tls, paste the export line its
// banner prints (endpoint, keys, region, AWS_CA_BUNDLE), and use the aws CLI.
func TestBinary_ServeTLS_BannerExportsWorkWithAWSCLI(t *testing.T) {
	awsCLI := requireTool(t, "aws", "pip install awscli")
	bin := buildBinary(t)
	exports := serveBinary(t, bin, "--tls", "--cert-out", filepath.Join(t.TempDir(), "ca.pem"))
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_CA_BUNDLE"} {
		require.NotEmpty(t, exports[k], "banner exports %s: %v", k, exports)
	}
	require.True(t, strings.HasPrefix(exports["AWS_ENDPOINT_URL"], "https://"))
	env := clientEnv(t, exports)

	body := randomBytes(3<<20+1, 40)
	src := writeTemp(t, "up.bin", body)
	dst := filepath.Join(t.TempDir(), "down.bin")
	for _, args := range [][]string{
		{"s3", "mb", "s3://e2e-binary"},
		{"s3", "cp", "--no-progress", src, "s3://e2e-binary/dir/up.bin"},
		{"s3", "ls", "s3://e2e-binary/dir/"},
		{"s3", "cp", "--no-progress", "s3://e2e-binary/dir/up.bin", dst},
	} {
		out, err := run(t, 2*time.Minute, t.TempDir(), env, awsCLI, args...)
		require.NoError(t, err, "aws %s:\n%s", strings.Join(args, " "), out)
		if args[1] == "ls" {
			assert.Contains(t, string(out), "up.bin")
		}
	}
	got, err := os.ReadFile(dst)
	require.NoError(t, err)
	assert.Equal(t, sha256Hex(body), sha256Hex(got))
}
