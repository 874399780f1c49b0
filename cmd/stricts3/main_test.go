package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRun_Dispatch_ExitStatuses(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no command is a usage error", nil, exitUsage, "", "usage: stricts3"},
		{"unknown command is a usage error", []string{"frobnicate"}, exitUsage, "", `unknown command "frobnicate"`},
		{"help prints usage and succeeds", []string{"help"}, 0, "usage: stricts3", ""},
		{"subcommand -h succeeds", []string{"presign", "-h"}, 0, "", "usage: stricts3 presign"},
		{"subcommand flag error is a usage error", []string{"verify", "--bogus", "http://h/b/k"}, exitUsage, "", "flag provided but not defined"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, nil, c.args...)
			assert.Equal(t, c.code, code)
			if c.stdout != "" {
				assert.Contains(t, stdout, c.stdout)
			}
			if c.stderr != "" {
				assert.Contains(t, stderr, c.stderr)
			}
		})
	}
}
