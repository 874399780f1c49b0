package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every relative link of the README names a file inside the repository:
// a link that leaves it is dead for everyone who cloned only this.
func TestReadme_RelativeLinksStayInsideTheRepository(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	links := regexp.MustCompile(`\]\(([^)#]+)(#[^)]*)?\)`).FindAllStringSubmatch(readme, -1)
	require.NotEmpty(t, links)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	for _, l := range links {
		target := l[1]
		if strings.Contains(target, "://") {
			continue
		}
		abs, err := filepath.Abs(filepath.Join(root, target))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(abs, root+string(filepath.Separator)), "%s leaves the repository", target)
		_, err = os.Stat(abs)
		assert.NoError(t, err, "README links to %s", target)
	}
	assert.NotContains(t, readme, "shared/")
}

// The install line names this module's command.
func TestReadme_InstallLineMatchesTheModule(t *testing.T) {
	mod := regexp.MustCompile(`(?m)^module (\S+)$`).FindStringSubmatch(readRepoFile(t, "go.mod"))
	require.NotNil(t, mod)
	assert.Contains(t, readRepoFile(t, "README.md"), "go install "+mod[1]+"/cmd/stricts3@latest")
}

// Every serve flag has a row in the README's flag table.
func TestReadme_EveryServeFlagDocumented(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	// parseServe registers its flags on its own FlagSet; -h lists them.
	var usage strings.Builder
	_, err := parseServe([]string{"-h"}, &usage, envMap(nil))
	require.Equal(t, 0, exitCode(err))
	names := regexp.MustCompile(`(?m)^  -(\S+)`).FindAllStringSubmatch(usage.String(), -1)
	require.NotEmpty(t, names)
	for _, n := range names {
		assert.Contains(t, readme, "`--"+n[1]+"`", "serve flag --%s", n[1])
	}
}

// The control endpoint table lists what the server answers: each row is
// called, signed as the CLI signs.
func TestReadme_ControlEndpointTableIsServed(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	rows := regexp.MustCompile("(?m)^\\| `(GET|POST) (/_stricts3/[^` \\[]+)(?:\\[[^`]*\\])?` \\| (none|owner) \\|").FindAllStringSubmatch(readme, -1)
	require.Len(t, rows, 6)
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--bucket", "readme")
	cc, err := newControlClient(controlFlags{
		credentialFlags: credentialFlags{region: defaultRegion, accessKey: defaultAccessKey, secretKey: defaultSecretKey},
		endpoint:        s.vars["AWS_ENDPOINT_URL"], timeout: 5 * time.Second,
	})
	require.NoError(t, err)
	for _, r := range rows {
		method, target, auth := r[1], r[2], r[3]
		u, err := url.Parse(target)
		require.NoError(t, err)
		path := strings.TrimPrefix(u.Path, controlPrefix)
		var out map[string]any
		if method == "GET" {
			assert.Equal(t, "none", auth)
			require.NoError(t, cc.get(context.Background(), path, &out), target)
		} else {
			assert.Equal(t, "owner", auth)
			require.NoError(t, cc.post(context.Background(), path, u.Query(), &out), target)
		}
		assert.NotEmpty(t, out, target)
	}
}
