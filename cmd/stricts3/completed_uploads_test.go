package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stricts3/stricts3/emulator"
)

func TestServe_MaxCompletedUploads_FlagEnvAndDefault(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		flag   int
		option int
	}{
		{"default", nil, nil, emulator.DefaultMaxCompletedUploads, emulator.DefaultMaxCompletedUploads},
		{"flag", []string{"--max-completed-uploads", "5"}, nil, 5, 5},
		{"environment", nil, map[string]string{"STRICTS3_MAX_COMPLETED_UPLOADS": "7"}, 7, 7},
		{"zero remembers none", []string{"--max-completed-uploads=0"}, nil, 0, -1},
		{"negative remembers none", []string{"--max-completed-uploads=-1"}, nil, -1, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseServe(tc.args, io.Discard, func(k string) string { return tc.env[k] })
			require.NoError(t, err)
			assert.Equal(t, tc.flag, c.maxCompletedUploads)
			assert.Equal(t, tc.option, completedUploadsOption(c.maxCompletedUploads))
		})
	}
}
