package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// inCI reports whether missing tools must fail the run instead of skipping.
func inCI() bool { return os.Getenv("CI") == "true" }

// missing skips the test (on a developer machine) or fails it (in CI) because
// a client the test drives is not installed.
func missing(t *testing.T, what, installHint string) {
	t.Helper()
	if inCI() {
		t.Fatalf("%s is required under CI=true; install it with: %s", what, installHint)
	}
	t.Skipf("%s not found; install it with: %s", what, installHint)
}

// requireTool returns the path of the executable name, or skips/fails the
// test with installHint when it is not on PATH.
func requireTool(t *testing.T, name, installHint string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name, installHint)
	}
	return p
}

// requireBoto3 returns the python3 path once `import boto3` works.
func requireBoto3(t *testing.T) string {
	t.Helper()
	py := requireTool(t, "python3", "apt-get install -y python3 python3-pip")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, py, "-c", "import boto3").CombinedOutput(); err != nil {
		t.Logf("import boto3: %v\n%s", err, out)
		missing(t, "python module boto3", "pip install boto3")
	}
	return py
}

// requireNodeModules returns the node path once e2e/js has its packages.
func requireNodeModules(t *testing.T) string {
	t.Helper()
	node := requireTool(t, "node", "apt-get install -y nodejs npm (Node.js 20 or later)")
	for _, pkg := range []string{"@aws-sdk/client-s3", "@aws-sdk/s3-request-presigner", "@aws-sdk/s3-presigned-post", "@smithy/signature-v4", "playwright-core"} {
		if _, err := os.Stat(filepath.Join(jsDir(t), "node_modules", pkg, "package.json")); err != nil {
			missing(t, "npm package "+pkg, "npm ci --prefix e2e/js")
		}
	}
	return node
}

// requireChromium returns the path of Debian's chromium.
func requireChromium(t *testing.T) string {
	t.Helper()
	return requireTool(t, "chromium", "apt-get install -y --no-install-recommends chromium")
}

// jsDir is the absolute path of e2e/js (tests run in the package directory).
func jsDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.Abs("js")
	if err != nil {
		t.Fatalf("locating e2e/js: %v", err)
	}
	return d
}

// pyDir is the absolute path of e2e/py.
func pyDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.Abs("py")
	if err != nil {
		t.Fatalf("locating e2e/py: %v", err)
	}
	return d
}
