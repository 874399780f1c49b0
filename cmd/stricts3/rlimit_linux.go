//go:build linux

package main

import "syscall"

// raiseOpenFileLimit raises the soft RLIMIT_NOFILE to the hard limit and
// returns the soft limit in force. The Go runtime does the same at start on
// Linux since Go 1.19; doing it here states the dependency and reads the
// result.
func raiseOpenFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Cur < lim.Max {
		raised := lim
		raised.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err == nil {
			lim = raised
		}
	}
	return lim.Cur, nil
}
