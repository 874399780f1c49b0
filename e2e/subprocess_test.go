package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clientEnv is the environment for an external client: the test process's
// environment without any AWS_* setting of the developer's or the machine's
// (AWS_CA_BUNDLE is set on these machines), pointed at throwaway config
// files so ~/.aws never leaks in, plus extra.
func clientEnv(t *testing.T, extra map[string]string) []string {
	t.Helper()
	dir := t.TempDir()
	// Path-style addressing, as for any endpoint that is an IP address; the
	// clients would choose it themselves, this only makes it explicit.
	cfg := filepath.Join(dir, "aws-config")
	if err := os.WriteFile(cfg, []byte("[default]\ns3 =\n    addressing_style = path\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_") || name == "NODE_EXTRA_CA_CERTS" || name == "NODE_OPTIONS" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"AWS_CONFIG_FILE="+cfg,
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "no-credentials-file"),
		"AWS_EC2_METADATA_DISABLED=true",
		"NODE_NO_WARNINGS=1",
		"PYTHONDONTWRITEBYTECODE=1",
	)
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

// run executes a client with a deadline and returns its stdout. A non-zero
// exit is returned as an error; stderr is logged either way when it says
// something, so a failing client explains itself in the test log.
func run(t *testing.T, timeout time.Duration, dir string, env []string, name string, args ...string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdin = nil
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s %s: %v in %s", filepath.Base(name), strings.Join(args, " "), exitText(err), time.Since(start).Round(time.Millisecond))
	if s := strings.TrimSpace(stderr.String()); s != "" {
		t.Logf("stderr of %s:\n%s", filepath.Base(name), tail(s, 6000))
	}
	if ctx.Err() != nil {
		return stdout.Bytes(), ctx.Err()
	}
	return stdout.Bytes(), err
}

// runJSON runs a script that prints one JSON document and decodes it into
// out. A script that failed still prints JSON (with an "error" member), so
// the document is decoded before the exit status is judged.
func runJSON(t *testing.T, timeout time.Duration, dir string, env []string, out any, name string, args ...string) error {
	t.Helper()
	stdout, runErr := run(t, timeout, dir, env, name, args...)
	if err := json.Unmarshal(bytes.TrimSpace(stdout), out); err != nil {
		t.Fatalf("%s printed no JSON document (%v; run error %v):\n%s", filepath.Base(name), err, runErr, tail(string(stdout), 4000))
	}
	return runErr
}

func exitText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// remarshal converts a decoded JSON value into a typed one.
func remarshal(t *testing.T, in, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
}
