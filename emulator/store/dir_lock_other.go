//go:build !unix

package store

import (
	"os"
	"path/filepath"
	"strconv"
)

// lockRoot writes the pid file but cannot lock it where flock does not
// exist: two processes on one root are not detected there.
func lockRoot(root string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(root, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil, err
	}
	_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return f, err
}
