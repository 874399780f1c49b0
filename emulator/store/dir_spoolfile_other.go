//go:build !linux

package store

import "os"

// createSpoolFile creates a new file named prefix plus a random suffix in
// dir (see the Linux version for why it is not os.CreateTemp there).
func createSpoolFile(dir, prefix string) (spoolFile, error) {
	return os.CreateTemp(dir, prefix+"*")
}

func renameFile(from, to string) error { return os.Rename(from, to) }
