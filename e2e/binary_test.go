package e2e

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stricts3/stricts3/internal/s3test"
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

// binaryServer is a running `stricts3 serve`.
type binaryServer struct {
	// Exports is the environment its banner tells the user to export.
	Exports map[string]string
	stop    func()
	kill    func()
}

// Kill ends the process with SIGKILL, as a crash would, and waits for it.
func (b *binaryServer) Kill() { b.kill() }

// Stop sends SIGINT and requires a clean exit (status 0) within 20s. It is
// idempotent and also runs at cleanup.
func (b *binaryServer) Stop() { b.stop() }

// serveBinary starts `stricts3 serve --addr 127.0.0.1:0` with args and waits
// for its banner.
func serveBinary(t *testing.T, bin string, args ...string) *binaryServer {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = clientEnv(t, nil)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr := &s3test.LockedBuffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())

	exited := make(chan error, 1)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGINT)
			select {
			case err := <-exited:
				assert.NoError(t, err, "stricts3 serve exits 0 on SIGINT")
			case <-time.After(20 * time.Second):
				_ = cmd.Process.Kill()
				t.Errorf("stricts3 serve did not stop within 20s of SIGINT")
				<-exited
			}
		})
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("stricts3 serve %s log:\n%s", strings.Join(args, " "), tail(stderr.String(), 8000))
		}
	})

	banner := make(chan map[string]string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "export "); ok {
				banner <- parseExports(rest)
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
	select {
	case env := <-banner:
		kill := func() {
			once.Do(func() {
				_ = cmd.Process.Kill()
				<-exited
			})
		}
		return &binaryServer{Exports: env, stop: stop, kill: kill}
	case err := <-exited:
		once.Do(func() {}) // nothing left to stop
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
	exports := serveBinary(t, bin, "--tls", "--cert-out", filepath.Join(t.TempDir(), "ca.pem")).Exports
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

// sdkFromExports is an aws-sdk-go-v2 client configured only from what the
// banner exported, as an application reading those variables would be.
func sdkFromExports(t *testing.T, exports map[string]string) *s3.Client {
	t.Helper()
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"} {
		require.NotEmpty(t, exports[k], "banner exports %s: %v", k, exports)
	}
	return s3.New(s3.Options{
		Region:       exports["AWS_REGION"],
		BaseEndpoint: aws.String(exports["AWS_ENDPOINT_URL"]),
		Credentials:  credentials.NewStaticCredentialsProvider(exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"], ""),
		UsePathStyle: true,
	})
}

// With --data-dir, buckets and objects outlive the process: stop the
// binary, start it again on the same directory, and read them back.
func TestBinary_ServeDataDir_ObjectsSurviveRestart(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	body := randomBytes(1<<20+17, 41)
	const bucket, key = "e2e-restart", "kept/across restart+1.bin"

	first := serveBinary(t, bin, "--data-dir", dir)
	client := sdkFromExports(t, first.Exports)
	_, err := client.CreateBucket(ctxT(t, 30*time.Second), &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	_, err = client.PutObject(ctxT(t, 60*time.Second), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body),
		Metadata: map[string]string{"owner": "e2e"}, ContentType: aws.String("application/x-e2e"),
	})
	require.NoError(t, err)
	first.Stop()

	second := serveBinary(t, bin, "--data-dir", dir)
	client = sdkFromExports(t, second.Exports)
	out, err := client.GetObject(ctxT(t, 60*time.Second), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(t, err)
	defer out.Body.Close()
	got, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	assert.Equal(t, sha256Hex(body), sha256Hex(got))
	assert.Equal(t, "application/x-e2e", aws.ToString(out.ContentType))
	assert.Equal(t, map[string]string{"owner": "e2e"}, out.Metadata)
}
