package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readRepoFile reads a file at the repository root.
func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", name))
	require.NoError(t, err)
	return string(b)
}

// The image has no shell: its HEALTHCHECK must be the binary's own health
// subcommand, and that subcommand must find the server from the image's
// environment alone.
func TestDockerfile_HealthcheckIsTheHealthSubcommand(t *testing.T) {
	df := readRepoFile(t, "Dockerfile")
	assert.Regexp(t, `(?m)^HEALTHCHECK .*CMD \["/stricts3", "health"\]$`, df)
	assert.Contains(t, df, `ENTRYPOINT ["/stricts3", "serve"]`)
	addr := regexp.MustCompile(`(?m)^ENV STRICTS3_ADDR=(\S+)$`).FindStringSubmatch(df)
	require.NotNil(t, addr, "the listen address is set in the environment, where health reads it too")
	assert.Equal(t, "http://127.0.0.1:9000", defaultControlEndpoint(envMap(map[string]string{"STRICTS3_ADDR": addr[1]})))
}

func TestCompose_LoopbackPortAndHealthcheck(t *testing.T) {
	compose := readRepoFile(t, "docker-compose.yml")
	assert.Contains(t, compose, `- "127.0.0.1:9000:9000"`)
	assert.NotRegexp(t, `(?m)^\s+- "9000:9000"`, compose)
	assert.Contains(t, compose, `test: ["CMD", "/stricts3", "health"]`)
	assert.Regexp(t, `(?m)^\s+STRICTS3_BUCKETS: \S+`, compose)
}

func TestDockerignore_KeepsBuildContextSmall(t *testing.T) {
	lines := strings.Split(readRepoFile(t, ".dockerignore"), "\n")
	for _, want := range []string{".git", "e2e/js/node_modules", "e2e/artifacts"} {
		assert.Contains(t, lines, want)
	}
	for _, l := range lines {
		assert.NotContains(t, []string{"go.mod", "go.sum", "cmd", "emulator", "verifier", "internal"}, strings.TrimPrefix(l, "/"),
			"the build needs %s", l)
	}
}
