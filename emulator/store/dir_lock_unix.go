//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockRoot takes the store's exclusive lock before anything under root is
// changed, and writes this process's pid into the lock file. The lock is
// the kernel's (flock), so it goes with the process however it ends: a
// stale lock file never blocks a restart.
func lockRoot(root string) (*os.File, error) {
	path := filepath.Join(root, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return nil, fmt.Errorf("store: lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder := "unknown pid"
			if pid, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(pid)) != "" {
				holder = "pid " + strings.TrimSpace(string(pid))
			}
			return nil, fmt.Errorf("store: %s is %w (%s holds %s)", root, ErrRootInUse, holder, path)
		}
		return nil, fmt.Errorf("store: locking %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("store: lock file: %w", err)
	}
	return f, nil
}
